-- The catalog: products with integer prices in cents and stock that can
-- never go negative. Deleting a product archives it (deleted_at), so orders
-- that reference it stay meaningful.

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text        NOT NULL CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    category    text        NOT NULL CHECK (category ~ '^[a-z0-9][a-z0-9-]{0,49}$'),
    price_cents bigint      NOT NULL CHECK (price_cents BETWEEN 0 AND 1000000000),
    currency    text        NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
    stock       integer     NOT NULL CHECK (stock >= 0),
    image_url   text        NOT NULL DEFAULT '' CHECK (char_length(image_url) <= 500),
    version     bigint      NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);

-- A SKU is unique among products that are not archived.
CREATE UNIQUE INDEX products_sku_live ON products (sku) WHERE deleted_at IS NULL;
-- Keyset pagination inside a category.
CREATE INDEX products_category_id_live ON products (category, id) WHERE deleted_at IS NULL;

-- Every change bumps the version (the ETag) and updated_at, whoever makes it.
CREATE FUNCTION products_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER products_touch
    BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION products_touch();

-- Every committed change tells every replica which product to drop from its
-- cache. NOTIFY is delivered at commit, so no replica hears of a change
-- that did not happen.
CREATE FUNCTION products_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_changes', COALESCE(NEW.id, OLD.id)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER products_notify
    AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION products_notify();
