-- 0004's trigger copied a refund's outcome to the order only when the new
-- outcome had a value, so an operator clearing a refund recorded by mistake
-- (all three columns back to NULL) left the order's copy behind. Now every
-- change is copied: an insert that carries an outcome (a checkout's insert
-- carries none, and costs nothing), and any update that changes it.
DROP TRIGGER payment_charges_refund_outcome ON payment_charges;

CREATE TRIGGER payment_charges_refund_outcome_inserted
AFTER INSERT ON payment_charges
FOR EACH ROW
WHEN (NEW.refunded_at IS NOT NULL OR NEW.refund_refused_at IS NOT NULL OR NEW.refund_failure_code IS NOT NULL)
EXECUTE FUNCTION copy_refund_outcome_to_order();

CREATE TRIGGER payment_charges_refund_outcome_changed
AFTER UPDATE OF refunded_at, refund_refused_at, refund_failure_code ON payment_charges
FOR EACH ROW
WHEN ((OLD.refunded_at, OLD.refund_refused_at, OLD.refund_failure_code)
      IS DISTINCT FROM (NEW.refunded_at, NEW.refund_refused_at, NEW.refund_failure_code))
EXECUTE FUNCTION copy_refund_outcome_to_order();
