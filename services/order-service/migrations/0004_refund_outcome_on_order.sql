-- The refund's outcome as the order records it (refunded at, refused at and
-- why), beside the charge's outcome (payment_outcome): the order page reads
-- one row of orders instead of joining the provider's ledger
-- (payment_charges), whose lookup cost PostgreSQL about a quarter of each
-- page read. sql::refund_charge writes both in one statement.
ALTER TABLE orders ADD COLUMN refunded_at timestamptz;
ALTER TABLE orders ADD COLUMN refund_refused_at timestamptz;
ALTER TABLE orders ADD COLUMN refund_failure_code text;

UPDATE orders o
SET refunded_at = c.refunded_at, refund_refused_at = c.refund_refused_at, refund_failure_code = c.refund_failure_code
FROM payment_charges c
WHERE c.order_id = o.id AND (c.refunded_at IS NOT NULL OR c.refund_refused_at IS NOT NULL);
