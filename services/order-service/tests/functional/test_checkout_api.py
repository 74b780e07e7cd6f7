"""The checkout saga through order-service and product-service on a real
PostgreSQL: each outcome, idempotency, validation and the admin listing."""

import hashlib
import json
import os
import subprocess
import time
import uuid

from ecomtest import checkout
from ecomtest import http
from ecomtest import service


def product(stack, stock=10, price=1250):
    return checkout.make_products(stack.catalog_client, 1, stock, price=price)[0]


def stock_of(stack, pid):
    return stack.catalog_client.get(f"/api/products/{pid}").json()["stock"]


def same_answer(again, first):
    """A replay repeats the first answer byte for byte, but for the fresh
    access token every final answer carries (order_access.hpp)."""
    if "access_token" not in first.json():
        return again.body == first.body
    old, new = first.json()["access_token"], again.json()["access_token"]
    return old != new and again.body.replace(new.encode(), old.encode()) == first.body


def test_happy_path_confirms_and_sells_stock(stack, shop):
    a, b = product(stack, stock=5, price=1000), product(stack, stock=3, price=250)
    r, key = checkout.place(stack.order_client, [(a, 2), (b, 3)])
    assert r.status == 201, r
    order = r.json()
    token = order.pop("access_token")
    assert order["status"] == "CONFIRMED"
    assert order["total_cents"] == 2 * 1000 + 3 * 250
    assert [(i["product_id"], i["quantity"], i["unit_price_cents"], i["line_total_cents"]) for i in order["items"]] == \
        [(a, 2, 1000, 2000), (b, 3, 250, 750)]
    assert order["payment"] == {"card_last4": "4242", "outcome": "approved"}
    assert r.headers["location"] == f"/api/orders/{order['id']}"
    assert stock_of(stack, a) == 3 and stock_of(stack, b) == 0
    got = stack.order_client.get(f"/api/orders/{order['id']}", headers={"X-Order-Token": token})
    assert got.status == 200 and checkout.order_part(got.json()) == order
    assert shop.sql(f"SELECT count(*) FROM orders.payment_charges WHERE order_id = '{order['id']}'") == "1"
    assert shop.sql(f"SELECT state FROM catalog.reservations WHERE order_id = '{order['id']}'") == "committed"


def test_declined_card_releases_the_stock(stack):
    pid = product(stack, stock=4)
    for card, code in ((checkout.DECLINE, "card_declined"), (checkout.NO_FUNDS, "insufficient_funds")):
        r, _ = checkout.place(stack.order_client, [(pid, 2)], card=card)
        assert r.status == 402, r
        body = r.json()
        assert body["error"]["code"] == code
        assert body["order"]["status"] == "PAYMENT_DECLINED"
        assert body["order"]["payment"]["outcome"] == code
        assert stock_of(stack, pid) == 4


def test_insufficient_stock_holds_nothing(stack, shop):
    a, b = product(stack, stock=5), product(stack, stock=1)
    r, _ = checkout.place(stack.order_client, [(a, 2), (b, 3)])
    assert r.status == 409, r
    err = r.json()["error"]
    assert err["code"] == "insufficient_stock"
    assert err["shortages"] == [{"product_id": b, "requested": 3, "available": 1}]
    assert r.json()["order"]["status"] == "REJECTED"
    assert stock_of(stack, a) == 5 and stock_of(stack, b) == 1
    order_id = r.json()["order"]["id"]
    assert shop.sql(f"SELECT count(*) FROM catalog.reservations WHERE order_id = '{order_id}' AND state = 'held'") == "0"
    assert shop.sql(f"SELECT count(*) FROM orders.payment_charges WHERE order_id = '{order_id}'") == "0"


def test_unknown_product_is_422(stack):
    r, _ = checkout.place(stack.order_client, [(987654321, 1)])
    assert r.status == 422, r
    assert r.json()["error"]["code"] == "unknown_product"
    assert r.json()["error"]["details"][0]["field"] == "items[0].product_id"


def counters(metrics, name, label):
    """{label value: count} of one counter family in a Prometheus text exposition."""
    out = {}
    prefix = f'{name}{{{label}="'
    for line in metrics.splitlines():
        if line.startswith(prefix):
            value, count = line[len(prefix):].split('"} ')
            out[value] = int(float(count))
    return out


def test_checkout_outcomes_are_counted_by_label(stack):
    """orders_total counts each answer under its outcome label (the order's
    final status, or what happened to the request), every label exists
    before it is first counted, and so do the reconciler's."""
    before = stack.orders.metrics()
    assert set(counters(before, "orders_total", "outcome")) == {
        "confirmed", "payment_declined", "rejected", "cancelled", "replayed", "in_progress", "unavailable",
        "key_reused"}
    assert set(counters(before, "reconciler_actions_total", "action")) >= {
        "confirmed", "payment_declined", "cancelled", "released_orphan", "committed_orphan", "deferred"}
    pid = product(stack, stock=5)
    confirmed, key = checkout.place(stack.order_client, [(pid, 1)])
    assert confirmed.status == 201, confirmed
    assert checkout.place(stack.order_client, [(pid, 1)], key=key)[0].status == 201
    assert checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)[0].status == 402
    assert checkout.place(stack.order_client, [(pid, 9)])[0].status == 409
    assert checkout.place(stack.order_client, [(987654321, 1)])[0].status == 422
    old, new = counters(before, "orders_total", "outcome"), counters(stack.orders.metrics(), "orders_total", "outcome")
    assert {k: new[k] - old[k] for k in new if new[k] != old[k]} == {
        "confirmed": 1, "replayed": 1, "payment_declined": 1, "rejected": 2}


def test_same_key_same_body_replays_the_first_answer(stack, shop):
    pid = product(stack, stock=10)
    first, key = checkout.place(stack.order_client, [(pid, 1)])
    assert first.status == 201
    for _ in range(3):
        again, _ = checkout.place(stack.order_client, [(pid, 1)], key=key)
        assert again.status == 201
        assert same_answer(again, first)
        assert again.headers["idempotent-replayed"] == "true"
    assert stock_of(stack, pid) == 9
    assert shop.sql(f"SELECT count(*) FROM orders.orders WHERE idempotency_key = '{key}'") == "1"
    declined, dkey = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)
    replay, _ = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE, key=dkey)
    assert replay.status == 402 and same_answer(replay, declined)


def test_same_key_other_body_is_refused(stack, shop):
    pid = product(stack, stock=10)
    first, key = checkout.place(stack.order_client, [(pid, 1)])
    assert first.status == 201
    other, _ = checkout.place(stack.order_client, [(pid, 2)], key=key)
    assert other.status == 422
    assert other.error_code == "idempotency_key_reused"
    assert stock_of(stack, pid) == 9


def test_validation_stores_nothing(stack, shop):
    before = shop.sql("SELECT count(*) FROM orders.orders")
    client = stack.order_client
    r = client.post("/api/orders", checkout.order_body([(1, 1)]))
    assert r.status == 400 and r.error_code == "idempotency_key_required"
    r = client.post("/api/orders", checkout.order_body([(1, 1)]), headers={"Idempotency-Key": "x" * 256})
    assert r.status == 400
    bad = checkout.order_body([(1, 0), (2, 1), (2, 1)], card="4242424242424241", email="nope")
    bad["total_cents"] = 1
    bad["items"][1]["price_cents"] = 5
    r = client.post("/api/orders", bad, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"total_cents", "customer.email", "items[0].quantity", "items[1].price_cents", "items[2].product_id",
            "payment.card_number"} <= fields
    expired = checkout.order_body([(1, 1)])
    expired["payment"]["exp_year"] = 2020
    r = client.post("/api/orders", expired, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 422 and r.json()["error"]["details"][0]["field"] == "payment.exp_year"
    r = client.request("POST", "/api/orders", raw_body=b"{nope", headers={"Idempotency-Key": str(uuid.uuid4()),
                                                                       "Content-Type": "application/json"})
    assert r.status == 400 and r.error_code == "invalid_json"
    assert shop.sql("SELECT count(*) FROM orders.orders") == before


def test_card_data_is_never_stored_or_logged(stack, shop):
    pid = product(stack, stock=5)
    r, _ = checkout.place(stack.order_client, [(pid, 1)], card="5555555555554444")
    assert r.status == 201
    dump = shop.sql("SELECT row_to_json(o)::text FROM orders.orders o") + \
        shop.sql("SELECT row_to_json(c)::text FROM orders.payment_charges c")
    assert "5555555555554444" not in dump and "555555555555" not in dump
    assert '"cvc"' not in dump
    for proc in (stack.orders, stack.products):
        assert "5555555555554444" not in proc.output()


def test_get_and_list_orders(stack):
    pid = product(stack, stock=5)
    email = f"list-{uuid.uuid4().hex[:6]}@example.com"
    ids = [checkout.place(stack.order_client, [(pid, 1)], email=email)[0].json()["id"] for _ in range(2)]
    assert stack.order_client.get("/api/orders/not-a-uuid").status == 404
    assert stack.order_client.get(f"/api/orders/{uuid.uuid4()}").status == 404
    anon = http.Client(stack.orders.base_url)
    assert anon.get(f"/api/orders?email={email}").status == 401
    assert anon.get(f"/api/orders?email={email}", headers={"Authorization": "Bearer wrong-wrong-wrong"}).status == 403
    anon.close()
    r = stack.order_client.get(f"/api/orders?email={email.upper()}", admin=True)
    assert r.status == 200
    assert [o["id"] for o in r.json()["items"]] == list(reversed(ids))
    assert stack.order_client.get("/api/orders?email=bad", admin=True).status == 400


def test_product_service_down_is_a_clean_503_then_recovers(shop):
    # A reconcile window longer than the outage: the retry, not the
    # reconciler, finishes the order.
    stack = checkout.Stack(shop, order_env={"RECONCILE_WINDOW_SECONDS": 120, "CIRCUIT_BREAKER_OPEN_MS": 2000})
    try:
        _product_service_down(stack)
    finally:
        stack.close()


def _product_service_down(stack):
    pid = product(stack, stock=5)
    stack.products.stop()
    try:
        r, key = checkout.place(stack.order_client, [(pid, 1)])
        assert r.status == 503, r
        assert r.error_code == "service_unavailable" and "retry-after" in r.headers
        # The circuit opens: later requests fail fast.
        for _ in range(6):
            checkout.place(stack.order_client, [(pid, 1)])
        assert "http_client_circuit_open{upstream=\"product-service\"} 1" in stack.orders.metrics()
    finally:
        stack.products.restart()
    # The same key carries on once product-service is back and the circuit closes.
    deadline = time.monotonic() + 15
    while True:
        r2, _ = checkout.place(stack.order_client, [(pid, 1)], key=key)
        if r2.status != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert r2.status == 201, r2
    assert stock_of(stack, pid) == 4


def test_a_key_belongs_to_its_customer(stack, shop):
    """Idempotency-Keys are scoped to the customer (their e-mail): another
    customer sending an existing key gets an order of their own, not a 422
    that would tell them the key exists, and never the first order."""
    pid = product(stack, stock=10)
    suffix = uuid.uuid4().hex[:6]
    first_email, second_email = f"first-{suffix}@example.com", f"second-{suffix}@example.com"
    first, key = checkout.place(stack.order_client, [(pid, 1)], email=first_email)
    assert first.status == 201, first
    second, _ = checkout.place(stack.order_client, [(pid, 2)], key=key, email=second_email)
    assert second.status == 201, second
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["customer"]["email"] == second_email
    # Each customer's retry replays their own answer (the e-mail's case does not matter).
    again, _ = checkout.place(stack.order_client, [(pid, 2)], key=key, email=second_email.upper())
    assert again.status == 201 and same_answer(again, second) and again.headers["idempotent-replayed"] == "true"
    again, _ = checkout.place(stack.order_client, [(pid, 1)], key=key, email=first_email)
    assert again.status == 201 and same_answer(again, first) and again.headers["idempotent-replayed"] == "true"
    assert stock_of(stack, pid) == 7
    assert shop.sql(f"SELECT count(*) FROM orders.orders WHERE idempotency_key = '{key}'") == "2"


def test_another_card_with_the_same_last_four_digits_is_not_a_retry(stack, shop):
    """The fingerprint of a request covers the whole card number (as a keyed
    hash): the same body with another card ending in the same four digits is
    a different request, refused, and never replays the first order."""
    pid = product(stack, stock=10)
    first, key = checkout.place(stack.order_client, [(pid, 1)], card=checkout.APPROVE)
    assert first.status == 201, first
    other, _ = checkout.place(stack.order_client, [(pid, 1)], card=checkout.APPROVE_SAME_LAST4, key=key)
    assert other.status == 422, other
    assert other.error_code == "idempotency_key_reused"
    assert first.json()["id"].encode() not in other.body
    # The same card typed with spaces is the same request.
    spaced = " ".join(checkout.APPROVE[i:i + 4] for i in range(0, 16, 4))
    again, _ = checkout.place(stack.order_client, [(pid, 1)], card=spaced, key=key)
    assert again.status == 201 and same_answer(again, first)
    assert stock_of(stack, pid) == 9
    fingerprint = shop.sql(f"SELECT request_fingerprint FROM orders.orders WHERE idempotency_key = '{key}'")
    assert checkout.APPROVE not in fingerprint and fingerprint.startswith("v2:"), fingerprint


BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


def test_bidirectional_controls_are_refused_in_customer_fields(stack, shop):
    """A name that would render reversed in an e-mail or an admin tool is
    refused with a 422 naming the field; nothing is stored."""
    before = shop.sql("SELECT count(*) FROM orders.orders")
    pid = product(stack, stock=5)
    for control in BIDI_CONTROLS:
        r, _ = checkout.place(stack.order_client, [(pid, 1)], name=f"Eve {control}lanretni")
        assert r.status == 422, (hex(ord(control)), r)
        assert [d["field"] for d in r.json()["error"]["details"]] == ["customer.name"], r
        assert "bidirectional" in r.json()["error"]["details"][0]["message"]
    r, _ = checkout.place(stack.order_client, [(pid, 1)], email="eve\u202e@example.com")
    assert r.status == 422 and "customer.email" in {d["field"] for d in r.json()["error"]["details"]}, r
    # Right-to-left text itself is welcome.
    r, _ = checkout.place(stack.order_client, [(pid, 1)], name="\u05d3\u05e0\u05d4 \u05db\u05d4\u05df")
    assert r.status == 201, r
    assert int(shop.sql("SELECT count(*) FROM orders.orders")) == int(before) + 1
    assert stock_of(stack, pid) == 4


def test_sql_metacharacters_are_data(stack, shop):
    """Quotes, comments and semicolons in a key, a name or an e-mail are
    stored and matched as text (every statement binds its parameters)."""
    pid = product(stack, stock=5)
    name = "Robert'); DROP TABLE orders.orders;--"
    email = f"o'brien-{uuid.uuid4().hex[:6]}@example.com"
    key = "'OR'1'='1';DROP--"
    r, _ = checkout.place(stack.order_client, [(pid, 1)], name=name, email=email, key=key)
    assert r.status == 201, r
    assert r.json()["customer"]["name"] == name
    again, _ = checkout.place(stack.order_client, [(pid, 1)], name=name, email=email, key=key)
    assert again.status == 201 and again.headers["idempotent-replayed"] == "true"
    listed = stack.order_client.get(f"/api/orders?email={email.replace(chr(39), '%27')}", admin=True)
    assert listed.status == 200 and [o["id"] for o in listed.json()["items"]] == [r.json()["id"]]
    other = stack.order_client.get("/api/orders?email=x'OR'1'='1'--@example.com", admin=True)
    assert other.status == 200 and other.json()["items"] == [], other
    assert int(shop.sql("SELECT count(*) FROM orders.orders")) >= 1


def test_the_admin_key_is_never_read_from_the_query_string(stack):
    anon = http.Client(stack.orders.base_url)
    key = stack.order_client.admin_key
    for param in ("api_key", "key", "admin_key", "access_token", "token", "authorization"):
        r = anon.get(f"/api/orders?email=someone@example.com&{param}={key}")
        assert r.status == 401, (param, r)
        assert r.error_code == "unauthorized"
    anon.close()


def test_the_card_fingerprint_key_is_required(shop):
    """Without CARD_FINGERPRINT_KEY (or with one shorter than 32 characters)
    order-service does not start, and says which variable is wrong."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": "0", "ADMIN_PORT": "0",
            "BIND_ADDRESS": "127.0.0.1", "DATABASE_URL": shop.orders_url(), "ADMIN_API_KEY": service.TEST_ADMIN_KEY}
    for extra in ({}, {"CARD_FINGERPRINT_KEY": "too-short-0123456789"}):
        result = subprocess.run([service.binary("order-service")], env={**base, **extra}, capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 2, result.stdout
        assert "CARD_FINGERPRINT_KEY" in result.stdout and '"level":"fatal"' in result.stdout, result.stdout
        assert "too-short-0123456789" not in result.stdout


MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


def _fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def _legacy_fingerprint(email, name, items, last4, month, year):
    """What order-service stored before migration 0002 (last four digits only)."""
    canonical = json.dumps({"email": email, "name": name, "items": [[p, q] for p, q in items],
                            "card_last4": last4, "exp_month": month, "exp_year": year}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_orders_recorded_before_the_upgrade_keep_their_keys(shared_cluster):
    """Migration 0002 on a database that already holds orders (0001 only,
    legacy fingerprints, one global unique key): it applies, a retry of an
    old order still replays its answer, and another customer may now use
    the same key for an order of their own."""
    db = shared_cluster.create_shop()
    with open(os.path.join(MIGRATIONS, "0001_create_orders.sql"), "rb") as f:
        first = f.read()
    key, email = "legacy-" + uuid.uuid4().hex, "old-customer@example.com"
    fingerprint = _legacy_fingerprint(email, "Old Customer", [(1, 1)], "4242", 12, 2035)
    old_body = '{"id":"00000000-0000-4000-8000-000000000001","status":"CONFIRMED","legacy":true}'
    db.sql("SET ROLE orders_svc; SET search_path = orders; " + first.decode() +
           "; CREATE TABLE schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, "
           "applied_at timestamptz NOT NULL DEFAULT now()); "
           f"INSERT INTO schema_migrations (name, checksum) VALUES ('0001_create_orders.sql', '{_fnv1a64(first)}'); "
           "INSERT INTO orders (id, idempotency_key, request_fingerprint, status, customer_email, customer_name, "
           "requested_items, card_last4, reservation_state, payment_outcome, response_status, response_body) VALUES "
           f"('00000000-0000-4000-8000-000000000001', '{key}', '{fingerprint}', 'CONFIRMED', '{email}', "
           "'Old Customer', '[{\"product_id\":1,\"quantity\":1}]', '4242', 'committed', 'approved', 201, "
           f"'{old_body}')")
    stack = checkout.Stack(db)
    try:
        assert db.sql("SELECT count(*) FROM orders.schema_migrations") == str(len(os.listdir(MIGRATIONS)))
        body = checkout.order_body([(1, 1)], email=email, name="Old Customer")
        replay = stack.order_client.post("/api/orders", body, headers={"Idempotency-Key": key})
        # The stored answer, with a fresh access token for the old order.
        replayed = json.loads(replay.body)
        assert replay.status == 201 and len(replayed.pop("access_token")) == 43, replay
        assert replayed == json.loads(old_body)
        assert replay.headers["idempotent-replayed"] == "true"
        changed = checkout.order_body([(1, 2)], email=email, name="Old Customer")
        refused = stack.order_client.post("/api/orders", changed, headers={"Idempotency-Key": key})
        assert refused.status == 422 and refused.error_code == "idempotency_key_reused", refused
        pid = product(stack, stock=3)
        mine, _ = checkout.place(stack.order_client, [(pid, 1)], key=key, email="new-customer@example.com")
        assert mine.status == 201 and "idempotent-replayed" not in mine.headers, mine
        assert db.sql(f"SELECT count(*) FROM orders.orders WHERE idempotency_key = '{key}'") == "2"
    finally:
        codes = stack.close()
        db.drop()
    assert all(code == 0 for code in codes.values()), codes
