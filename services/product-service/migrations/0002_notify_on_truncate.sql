-- A TRUNCATE changes every product without firing the row triggers: tell
-- every replica to drop its whole cache ('*').

CREATE FUNCTION products_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_changes', '*');
    RETURN NULL;
END;
$$;

CREATE TRIGGER products_notify_truncate
    AFTER TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION products_notify_all();
