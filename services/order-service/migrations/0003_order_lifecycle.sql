-- The order's lifecycle after checkout (src/order_lifecycle.hpp):
-- CONFIRMED -> FULFILLED -> REFUNDING -> REFUNDED (a return, optional
-- restock) and CONFIRMED -> CANCELLING -> CANCELLED (stock back, charge
-- refunded). A refund the payment side refuses leaves the order in
-- CANCEL_REFUND_FAILED or RETURN_REFUND_FAILED, for an operator to retry.
-- CANCELLING and REFUNDING are recorded before the compensation starts, so
-- a retry or the reconciler finishes it after a crash.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
    'PENDING', 'CONFIRMED', 'PAYMENT_DECLINED', 'REJECTED', 'CANCELLED',
    'CANCELLING', 'FULFILLED', 'REFUNDING', 'REFUNDED', 'CANCEL_REFUND_FAILED', 'RETURN_REFUND_FAILED'));

-- 'returned': sold, then given back to the catalog (a cancel, or a return with restock).
ALTER TABLE orders DROP CONSTRAINT orders_reservation_state_check;
ALTER TABLE orders ADD CONSTRAINT orders_reservation_state_check
    CHECK (reservation_state IN ('none', 'held', 'committed', 'released', 'returned'));

-- The customer's order access token (32 random bytes, shown once, base64url)
-- is kept only as its SHA-256. Orders placed before have none: only an
-- admin reads them.
ALTER TABLE orders ADD COLUMN access_token_sha256 bytea
    CHECK (octet_length(access_token_sha256) = 32);
-- Whether a return puts the stock back in the catalog (chosen by the admin).
ALTER TABLE orders ADD COLUMN restock_on_return boolean NOT NULL DEFAULT false;

-- The simulated provider's refunds: refunded_at once refunded; a refused
-- refund is recorded with its reason and may be retried.
ALTER TABLE payment_charges ADD COLUMN refund_refused_at timestamptz;
ALTER TABLE payment_charges ADD COLUMN refund_failure_code text;

-- Every move of an order, appended in the transaction of its guarded
-- UPDATE; never changed or removed.
CREATE TABLE order_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL CHECK (actor IN ('customer', 'admin', 'system')),
    from_status text NOT NULL,
    to_status   text NOT NULL,
    reason      text CHECK (char_length(reason) <= 500),
    CHECK (from_status <> to_status)
);
CREATE INDEX order_history_by_order ON order_history (order_id, id);

-- Append-only for everyone, the owner included: a trigger refuses UPDATE,
-- DELETE and TRUNCATE, and the service's role (which runs the migrations
-- and owns the table) gives up those privileges.
CREATE FUNCTION order_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER order_history_no_update_or_delete BEFORE UPDATE OR DELETE ON order_history
    FOR EACH ROW EXECUTE FUNCTION order_history_is_append_only();
CREATE TRIGGER order_history_no_truncate BEFORE TRUNCATE ON order_history
    FOR EACH STATEMENT EXECUTE FUNCTION order_history_is_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON order_history FROM CURRENT_USER;

-- The admin's order desk lists by status and date (keyset on created_at, id).
CREATE INDEX orders_by_status ON orders (status, created_at DESC, id DESC);
CREATE INDEX orders_by_created ON orders (created_at DESC, id DESC);
