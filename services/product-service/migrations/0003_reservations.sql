-- Inventory reservations for checkout. A reservation is all-or-nothing and
-- keyed by the order id, so every call is idempotent:
--   held      stock was taken from products
--   committed the order was paid; the stock stays sold
--   released  the stock went back (exactly once), or the order was
--             abandoned before anything was held (a tombstone without
--             items, so a late reserve for it does nothing)
-- Invariant, for every product: stock now + quantity held or committed =
-- the stock it had before these reservations.

CREATE TABLE reservations (
    order_id   uuid PRIMARY KEY,
    state      text NOT NULL CHECK (state IN ('held', 'committed', 'released')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_held ON reservations (created_at) WHERE state = 'held';

CREATE TABLE reservation_items (
    order_id         uuid    NOT NULL REFERENCES reservations ON DELETE CASCADE,
    product_id       bigint  NOT NULL REFERENCES products,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint  NOT NULL CHECK (unit_price_cents >= 0),
    sku              text    NOT NULL,
    name             text    NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX reservation_items_product ON reservation_items (product_id);

-- The reservation as the API returns it.
CREATE FUNCTION reservation_json(p_order uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'order_id', r.order_id,
        'state', r.state,
        'items', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                       'product_id', i.product_id, 'quantity', i.quantity,
                       'unit_price_cents', i.unit_price_cents, 'sku', i.sku, 'name', i.name)
                   ORDER BY i.product_id)
            FROM reservation_items i WHERE i.order_id = r.order_id), '[]'::jsonb))
    FROM reservations r WHERE r.order_id = p_order
$$;

-- Takes the stock of every line or none. Returns
--   {"outcome":"reserved","reservation":{...}}       (also when it already exists)
--   {"outcome":"unknown_products","product_ids":[...]}
--   {"outcome":"insufficient_stock","shortages":[{"product_id","name","requested","available"}]}
CREATE FUNCTION reserve_stock(p_order uuid, p_products bigint[], p_quantities integer[])
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    missing  jsonb;
    short    jsonb;
    updated  integer;
BEGIN
    -- Calls for one order run one at a time.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_order::text, 42));
    IF EXISTS (SELECT 1 FROM reservations WHERE order_id = p_order) THEN
        RETURN jsonb_build_object('outcome', 'reserved', 'reservation', reservation_json(p_order));
    END IF;

    -- Lock the rows in id order, so two orders never wait on each other in a cycle.
    PERFORM 1 FROM products
     WHERE id = ANY (p_products) AND deleted_at IS NULL
     ORDER BY id
       FOR UPDATE;

    SELECT jsonb_agg(r.product_id ORDER BY r.product_id) INTO missing
      FROM unnest(p_products) AS r(product_id)
     WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = r.product_id AND p.deleted_at IS NULL);
    IF missing IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'unknown_products', 'product_ids', missing);
    END IF;

    SELECT jsonb_agg(jsonb_build_object('product_id', p.id, 'name', p.name, 'requested', r.quantity,
                                        'available', p.stock)
                     ORDER BY p.id) INTO short
      FROM unnest(p_products, p_quantities) AS r(product_id, quantity)
      JOIN products p ON p.id = r.product_id
     WHERE p.stock < r.quantity;
    IF short IS NOT NULL THEN
        RETURN jsonb_build_object('outcome', 'insufficient_stock', 'shortages', short);
    END IF;

    UPDATE products p
       SET stock = p.stock - r.quantity
      FROM unnest(p_products, p_quantities) AS r(product_id, quantity)
     WHERE p.id = r.product_id AND p.stock >= r.quantity;
    GET DIAGNOSTICS updated = ROW_COUNT;
    IF updated <> cardinality(p_products) THEN
        RAISE EXCEPTION 'stock changed under a row lock' USING ERRCODE = 'serialization_failure';
    END IF;

    INSERT INTO reservations (order_id, state) VALUES (p_order, 'held');
    INSERT INTO reservation_items (order_id, product_id, quantity, unit_price_cents, sku, name)
    SELECT p_order, p.id, r.quantity, p.price_cents, p.sku, p.name
      FROM unnest(p_products, p_quantities) AS r(product_id, quantity)
      JOIN products p ON p.id = r.product_id;

    RETURN jsonb_build_object('outcome', 'reserved', 'reservation', reservation_json(p_order));
END;
$$;

-- Returns {"outcome":"committed"|"released"|"not_found"}: the state after the call.
CREATE FUNCTION commit_reservation(p_order uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    current text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_order::text, 42));
    SELECT state INTO current FROM reservations WHERE order_id = p_order FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'not_found');
    END IF;
    IF current = 'held' THEN
        UPDATE reservations SET state = 'committed', updated_at = now() WHERE order_id = p_order;
        current := 'committed';
    END IF;
    RETURN jsonb_build_object('outcome', current);
END;
$$;

-- Puts held stock back exactly once. Returns {"outcome":"released"|"committed"}.
-- Releasing an unknown order leaves a tombstone, so a reserve that arrives
-- later (a retry racing a compensation) holds nothing.
CREATE FUNCTION release_reservation(p_order uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    current text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_order::text, 42));
    SELECT state INTO current FROM reservations WHERE order_id = p_order FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO reservations (order_id, state) VALUES (p_order, 'released');
        RETURN jsonb_build_object('outcome', 'released');
    END IF;
    IF current = 'held' THEN
        PERFORM 1 FROM products
         WHERE id IN (SELECT product_id FROM reservation_items WHERE order_id = p_order)
         ORDER BY id
           FOR UPDATE;
        UPDATE products p
           SET stock = p.stock + i.quantity
          FROM reservation_items i
         WHERE i.order_id = p_order AND p.id = i.product_id;
        UPDATE reservations SET state = 'released', updated_at = now() WHERE order_id = p_order;
        current := 'released';
    END IF;
    RETURN jsonb_build_object('outcome', current);
END;
$$;
