-- An Idempotency-Key belongs to the customer who sent it (their e-mail), as
-- a payment API scopes keys to an account: another customer's request with
-- the same key is a new order of their own, and is not told (by a 422) that
-- the key exists. Every existing row is unique on the key alone, so the
-- rows are unique on (e-mail, key) too: the index builds without a
-- conflict, and only then does the global constraint go.
CREATE UNIQUE INDEX orders_customer_idempotency_key ON orders (customer_email, idempotency_key);
ALTER TABLE orders DROP CONSTRAINT orders_idempotency_key_key;

-- Fingerprints from now on start "v2:" (the card number as an HMAC);
-- older rows keep the legacy form, compared as such.
COMMENT ON COLUMN orders.request_fingerprint IS
    'v2:<sha256 hex> (customer, lines, HMAC-SHA256 of the card number, expiry, CVC sent), or the legacy <sha256 hex>';
