-- Orders and their checkout saga. An order is recorded PENDING together
-- with its Idempotency-Key and the request's fingerprint, then moves to one
-- final status; each step of the saga is recorded before the next starts,
-- so whoever resumes it (a retry of the request, or the reconciler after a
-- crash) knows exactly where it stopped.

CREATE TABLE orders (
    id                  uuid PRIMARY KEY,
    idempotency_key     text NOT NULL UNIQUE CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    request_fingerprint text NOT NULL,
    status              text NOT NULL DEFAULT 'PENDING'
                        CHECK (status IN ('PENDING', 'CONFIRMED', 'PAYMENT_DECLINED', 'REJECTED', 'CANCELLED')),
    customer_email      text NOT NULL,
    customer_name       text NOT NULL,
    requested_items     jsonb NOT NULL,     -- [{"product_id","quantity"}] as sent
    items               jsonb,              -- priced lines captured by the reservation
    total_cents         bigint CHECK (total_cents >= 0),
    currency            text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    card_last4          text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
    reservation_state   text NOT NULL DEFAULT 'none'
                        CHECK (reservation_state IN ('none', 'held', 'committed', 'released')),
    payment_outcome     text CHECK (payment_outcome IN ('approved', 'card_declined', 'insufficient_funds')),
    failure_code        text,
    failure_detail      jsonb,
    -- The answer given for the Idempotency-Key, replayed on retries.
    response_status     integer,
    response_body       text,
    -- Whoever drives the saga holds a lease; a crashed holder's lease expires.
    lease_owner         uuid,
    lease_until         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'PENDING') = (response_status IS NULL))
);

CREATE INDEX orders_pending ON orders (created_at) WHERE status = 'PENDING';
CREATE INDEX orders_by_email ON orders (customer_email, created_at DESC, id DESC);

-- The simulated payment provider's ledger: one charge per order at most.
-- A real provider would keep this on its side, keyed by our order id.
CREATE TABLE payment_charges (
    order_id     uuid PRIMARY KEY,
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    card_last4   text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('approved', 'card_declined', 'insufficient_funds')),
    refunded_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
