-- The refund's outcome as the order records it (refunded at, refused at and
-- why), beside the charge's outcome (payment_outcome): the order page reads
-- one row of orders, not a join to the provider's ledger (payment_charges).
ALTER TABLE orders ADD COLUMN refunded_at timestamptz;
ALTER TABLE orders ADD COLUMN refund_refused_at timestamptz;
ALTER TABLE orders ADD COLUMN refund_failure_code text;

-- Kept in step by the database, whoever writes the ledger: this version's
-- sql::refund_charge, the previous version's tasks still running during a
-- blue/green rollout (they refund without knowing these columns), an
-- operator's fix by hand. Same transaction, so the two never differ.
-- Its search_path is the migration's (this schema), whatever the writer's.
CREATE FUNCTION copy_refund_outcome_to_order() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE orders
    SET refunded_at = NEW.refunded_at, refund_refused_at = NEW.refund_refused_at,
        refund_failure_code = NEW.refund_failure_code
    WHERE id = NEW.order_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER payment_charges_refund_outcome
AFTER INSERT OR UPDATE OF refunded_at, refund_refused_at, refund_failure_code ON payment_charges
FOR EACH ROW
WHEN (NEW.refunded_at IS NOT NULL OR NEW.refund_refused_at IS NOT NULL OR NEW.refund_failure_code IS NOT NULL)
EXECUTE FUNCTION copy_refund_outcome_to_order();

-- Refunds made before this migration.
UPDATE orders o
SET refunded_at = c.refunded_at, refund_refused_at = c.refund_refused_at, refund_failure_code = c.refund_failure_code
FROM payment_charges c
WHERE c.order_id = o.id AND (c.refunded_at IS NOT NULL OR c.refund_refused_at IS NOT NULL);
