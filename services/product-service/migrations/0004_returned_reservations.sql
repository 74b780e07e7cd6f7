-- A sold order's stock given back to the catalog (order-service's cancel of
-- a confirmed order, or a return an admin restocks):
--   returned  the committed stock went back, exactly once
-- Invariant, for every product: stock now + quantity held or committed =
-- the stock it had before these reservations (returned counts as neither).

ALTER TABLE reservations DROP CONSTRAINT reservations_state_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_state_check
    CHECK (state IN ('held', 'committed', 'released', 'returned'));

-- Puts committed stock back exactly once. Returns the state after the call:
-- {"outcome":"returned"} (also when it already was), or "held", "released"
-- or "not_found" when there is nothing sold to give back.
CREATE FUNCTION return_reservation(p_order uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    current text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_order::text, 42));
    SELECT state INTO current FROM reservations WHERE order_id = p_order FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'not_found');
    END IF;
    IF current = 'committed' THEN
        PERFORM 1 FROM products
         WHERE id IN (SELECT product_id FROM reservation_items WHERE order_id = p_order)
         ORDER BY id
           FOR UPDATE;
        UPDATE products p
           SET stock = p.stock + i.quantity
          FROM reservation_items i
         WHERE i.order_id = p_order AND p.id = i.product_id;
        UPDATE reservations SET state = 'returned', updated_at = now() WHERE order_id = p_order;
        current := 'returned';
    END IF;
    RETURN jsonb_build_object('outcome', current);
END;
$$;
