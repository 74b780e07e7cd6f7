"""The OpenAPI description (docs/api/order-service.yaml) against the running
service: a real product-service and order-service on a private PostgreSQL
cluster. Every documented status code of every operation is provoked, and
each response's status, headers and body must match what the document
says. A status the document lists without a recipe here, or a recipe for a
status it does not list, fails the test; so does an error code a response
documents that its recipe never provokes. The two cannot drift apart.

Every response is checked twice: here with Python's jsonschema, and
afterwards by Stoplight Prism's response validator (the check of
`prism proxy`), so the document means the same to the tools API users run.
The document's style (no keywords beside a `$ref`) and its examples are
checked too.

Recipes may return several responses (one per documented error code, and
the replays of stored answers). The 503s come last: product-service is
stopped and restarted for `service_unavailable`, and the database is
stopped for good for `database_unavailable`."""

import contextlib
import json
import os
import socket
import threading
import time
import uuid

import jsonschema
import pytest
import yaml

from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import http, openapi, service

SPEC_PATH = os.path.join(pg.SOURCE_DIR, "docs", "api", "order-service.yaml")
SPEC = yaml.safe_load(open(SPEC_PATH))
RESOLVER = jsonschema.RefResolver.from_schema(SPEC)
METHODS = ("get", "post", "put", "patch", "delete")

# Documented but never provoked on purpose: a 500 is a bug.
NOT_PROVOKED = {"500": "an internal error is a bug; the fault tests assert none happens"}

# Every response the recipes provoke, for the second validator (Prism).
EXCHANGES = openapi.Exchanges()

CIRCUIT_OPEN_METRIC = 'http_client_circuit_open{upstream="product-service"}'


def resolve(node):
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        node = RESOLVER.resolve(node["$ref"])[1]
    return node


def documented():
    out = []
    for path, ops in SPEC["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                for status in op["responses"]:
                    out.append((method.upper(), path, status))
    # The 503s last, the checkout's first: it needs product-service and the
    # database, and ends by stopping the database for good.
    return sorted(out, key=lambda t: (t[2] == "503", t[0] != "POST", t))


def documented_codes(schema):
    """The error codes a response schema allows: every const or enum of a
    `code` property it narrows (ErrorCode itself, the list of all, is not
    followed)."""
    codes = set()

    def walk(node, seen):
        if isinstance(node, list):
            for item in node:
                walk(item, seen)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref and ref != "#/components/schemas/ErrorCode" and ref not in seen:
            walk(RESOLVER.resolve(ref)[1], seen | {ref})
        code = (node.get("properties") or {}).get("code")
        if isinstance(code, dict):
            if "const" in code:
                codes.add(code["const"])
            codes.update(code.get("enum", []))
        for key, value in node.items():
            if key not in ("$ref", "examples", "example"):
                walk(value, seen)

    walk(schema, frozenset())
    return codes


class Ctx:
    """The stack under test: one database on a private cluster (which may be
    stopped), product-service, order-service, and an order-service capped
    at one connection."""

    def __init__(self):
        self.cluster = pg.PrivateCluster()
        self.stack = self.capped = None
        try:
            self.start()
        except BaseException:
            self.close()
            raise

    def start(self):
        self.shop = self.cluster.create_shop()
        self.stack = checkout.Stack(
            self.shop,
            product_env={"DB_ACQUIRE_TIMEOUT_MS": 300},
            # A circuit that stays open one second: Retry-After 1, and a quick recovery.
            order_env={"CIRCUIT_BREAKER_OPEN_MS": 1000, "DB_ACQUIRE_TIMEOUT_MS": 300})
        self.anon = http.Client(self.stack.orders.base_url)
        self.capped = service.order_service(self.shop, self.stack.products.base_url, HTTP_MAX_CONNECTIONS=1)
        self.catalog = self.stack.catalog_client
        self.orders = self.stack.order_client
        self.plenty = checkout.make_products(self.catalog, 1, 1000, price=1250, prefix="CP")[0]
        self.scarce = checkout.make_products(self.catalog, 1, 1, price=400, prefix="CS")[0]
        self.email = unique_email()
        r, self.key = checkout.place(self.orders, [(self.plenty, 2)], email=self.email)
        assert r.status == 201, r
        self.order = r.json()
        self.token = self.order.pop("access_token")
        self.database_down = False

    def path_for(self, path):
        return path.replace("{id}", self.order["id"])

    def order_service(self, **env):
        """One more order-service on the same database and product-service."""
        return service.order_service(self.shop, self.stack.products.base_url, **env)

    @contextlib.contextmanager
    def product_service_down(self, *waiting):
        """product-service stopped, then started again; afterwards the
        circuit of every order-service in `waiting` (and the main one) is
        closed again."""
        self.stack.products.stop()
        try:
            yield
        finally:
            self.stack.products.restart()
            for proc in (self.stack.orders,) + waiting:
                pg.wait_until(lambda p=proc: f"{CIRCUIT_OPEN_METRIC} 0" in p.metrics(), 10,
                              message=f"the circuit of {proc.base_url} to close")

    def stop_database(self):
        if not self.database_down:
            self.cluster.stop("fast")
            self.database_down = True
        pg.wait_until(lambda: self.anon.get("/ready").status == 503, 5, message="/ready 503")

    def close(self):
        if self.capped is not None:
            self.capped.close()
        if self.stack is not None:
            self.anon.close()
            self.stack.close()
        self.cluster.destroy()


@pytest.fixture(scope="module")
def ctx():
    c = Ctx()
    yield c
    c.close()


def unique_email():
    return f"contract-{uuid.uuid4().hex[:10]}@example.com"


def parse_raw(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return http.Response(int(lines[0].split(" ")[1]), headers, body)


def raw(ctx, data):
    """A raw exchange with the main order-service, parsed."""
    return parse_raw(http.raw_exchange(ctx.stack.orders.port, data))


def request_line(method, path, extra=b"", target=None):
    return f"{method} {target or path} HTTP/1.1\r\n".encode() + extra


def generic(status):
    """Statuses any operation answers the same way, from the HTTP layer."""
    def run(ctx, method, path):
        p = ctx.path_for(path)
        json_ct = b"Content-Type: application/json\r\n"
        if status == "400":
            return raw(ctx, request_line(method, p, b"Content-Length: 0\r\n\r\n"))  # no Host
        if status == "413":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Content-Length: 70000\r\n\r\n"))
        if status == "414":
            return raw(ctx, request_line(method, p, b"Host: x\r\n\r\n", target=p + "?q=" + "a" * 4100))
        if status == "417":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Expect: later\r\nContent-Length: 2\r\n\r\n"))
        if status == "431":
            return raw(ctx, request_line(method, p, b"Host: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"))
        if status == "501":
            return raw(ctx, request_line(method, p, b"Host: x\r\n" + json_ct + b"Transfer-Encoding: gzip\r\n\r\n"))
        raise AssertionError(status)
    return run


def overloaded(ctx):
    """The capped order-service's answer while its one connection is taken.
    It answers at accept time, before reading anything, whatever the
    request would have been; nothing is sent so that the close cannot turn
    into a reset."""
    deadline = time.monotonic() + 5
    while True:
        holder = socket.create_connection(("127.0.0.1", ctx.capped.port), timeout=5)
        holder.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        if http.status_of(holder.recv(4096)) == 200:
            break  # the previous holder's session had ended: this one holds the slot
        holder.close()
        assert time.monotonic() < deadline, "could not take the capped service's only connection"
        time.sleep(0.05)
    try:
        return parse_raw(http.raw_exchange(ctx.capped.port, b""))
    finally:
        holder.close()


def database_down(ctx, method, path):
    ctx.stop_database()
    checkout_post = method == "POST" and path == "/api/orders"
    body = checkout.order_body([(ctx.plenty, 1)]) if checkout_post else None
    headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else None
    target = ctx.path_for(path)
    if path == "/api/orders" and method == "GET":
        target = f"/api/orders?email={ctx.email}"
    return ctx.orders.request(method, target, body=body, headers=headers, admin=True)


def checkout_with(client, body, key=None):
    return client.post("/api/orders", body, headers={"Idempotency-Key": key or str(uuid.uuid4())})


def assert_replay(first, again):
    assert again.status == first.status, (first, again)
    if "access_token" in first.json():
        # Byte for byte but the access token: each final answer carries a fresh one.
        old, new = first.json()["access_token"], again.json()["access_token"]
        assert old != new, "a replay must issue a fresh access token"
        assert again.body.replace(new.encode(), old.encode()) == first.body, \
            "a replay must repeat the first answer byte for byte, but its token"
    else:
        assert again.body == first.body, "a replay must repeat the first answer byte for byte"
    assert again.headers.get("idempotent-replayed") == "true", again.headers
    assert "idempotent-replayed" not in first.headers, first.headers


# --- recipes of POST /api/orders ------------------------------------------

def post_201(c):
    email = unique_email()
    first, key = checkout.place(c.orders, [(c.plenty, 2)], email=email)
    again, _ = checkout.place(c.orders, [(c.plenty, 2)], key=key, email=email)
    assert_replay(first, again)
    order = first.json()
    del order["access_token"]
    latest = {"X-Order-Token": again.json()["access_token"]}
    assert checkout.order_part(c.orders.get(first.headers["location"], headers=latest).json()) == order
    # The replay replaced the first answer's token.
    stale = {"X-Order-Token": first.json()["access_token"]}
    assert c.orders.get(first.headers["location"], headers=stale).status == 404
    return [first, again]


def post_400(c):
    body = checkout.order_body([(c.plenty, 1)])
    missing = c.orders.post("/api/orders", body)
    too_long = checkout_with(c.orders, body, key="k" * 256)
    spaced = checkout_with(c.orders, body, key="has space")
    bad_json = c.orders.request("POST", "/api/orders", raw_body=b'{"customer":', headers={
        "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"})
    no_host = raw(c, b"POST /api/orders HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    assert [r.error_code for r in (missing, too_long, spaced, bad_json, no_host)] == [
        "idempotency_key_required", "invalid_idempotency_key", "invalid_idempotency_key", "invalid_json",
        "bad_request"]
    return [missing, too_long, spaced, bad_json, no_host]


def post_402(c):
    out = []
    for card in (checkout.DECLINE, checkout.NO_FUNDS):
        email = unique_email()
        first, key = checkout.place(c.orders, [(c.plenty, 1)], card=card, email=email)
        again, _ = checkout.place(c.orders, [(c.plenty, 1)], card=card, key=key, email=email)
        assert_replay(first, again)
        out += [first, again]
    assert [r.error_code for r in out] == ["card_declined"] * 2 + ["insufficient_funds"] * 2
    return out


def post_409_insufficient_stock(c):
    email = unique_email()
    first, key = checkout.place(c.orders, [(c.plenty, 1), (c.scarce, 2)], email=email)
    again, _ = checkout.place(c.orders, [(c.plenty, 1), (c.scarce, 2)], key=key, email=email)
    assert first.error_code == "insufficient_stock", first
    assert first.json()["error"]["shortages"] == [{"product_id": c.scarce, "requested": 2, "available": 1}]
    assert_replay(first, again)
    return [first, again]


def post_409_in_progress(c):
    """A second request with the key while the first one is still paying."""
    slow = c.order_service(PAYMENT_LATENCY_MS=1500)
    key = str(uuid.uuid4())
    body = checkout.order_body([(c.plenty, 1)], email=unique_email())
    first = {}

    def send_first():
        client = http.Client(slow.base_url)
        try:
            first["response"] = checkout_with(client, body, key)
        finally:
            client.close()

    thread = threading.Thread(target=send_first)
    client = http.Client(slow.base_url)
    try:
        thread.start()
        pg.wait_until(lambda: c.shop.sql(f"SELECT count(*) FROM orders.orders WHERE idempotency_key = '{key}'") == "1",
                      5, message="the first request's order")
        second = checkout_with(client, body, key)
        thread.join(15)
        assert first["response"].status == 201, first["response"]
        assert second.error_code == "request_in_progress", second
        assert second.headers.get("retry-after") == "1"
        return [second]
    finally:
        thread.join(15)
        client.close()
        slow.close()


def post_409_order_cancelled(c):
    """A checkout answered 503 and never retried: once product-service is
    back, the reconciler (which has no card) cancels it; the key then
    replays 409 order_cancelled."""
    reconciling = c.order_service(RECONCILE_WINDOW_SECONDS=1, RECONCILE_INTERVAL_MS=100,
                                  CIRCUIT_BREAKER_FAILURES=1000, INVENTORY_MAX_ATTEMPTS=1)
    client = http.Client(reconciling.base_url)
    body = checkout.order_body([(c.plenty, 1)], email=unique_email())
    key = str(uuid.uuid4())
    try:
        with c.product_service_down(reconciling):
            paused = checkout_with(client, body, key)
            assert paused.error_code == "service_unavailable", paused
        pg.wait_until(lambda: c.shop.sql(f"SELECT status FROM orders.orders WHERE idempotency_key = '{key}'")
                      == "CANCELLED", 15, interval=0.1, message="the reconciler to cancel the order")
        cancelled = checkout_with(client, body, key)
        assert cancelled.error_code == "order_cancelled", cancelled
        assert cancelled.headers.get("idempotent-replayed") == "true"
        again = checkout_with(c.orders, body, key)
        old, new = cancelled.json()["access_token"], again.json()["access_token"]
        assert old != new and again.body.replace(new.encode(), old.encode()) == cancelled.body
        return [cancelled, again]
    finally:
        client.close()
        reconciling.close()


def post_409(c):
    return post_409_insufficient_stock(c) + post_409_in_progress(c) + post_409_order_cancelled(c)


def post_422(c):
    bad = checkout.order_body([(c.plenty, 0), (c.scarce, 1), (c.scarce, 1)], card="4242424242424241", email="nope")
    bad["total_cents"] = 1
    bad["items"][1]["price_cents"] = 5
    invalid = checkout_with(c.orders, bad)
    fields = {d["field"] for d in invalid.json()["error"]["details"]}
    assert {"total_cents", "customer.email", "items[0].quantity", "items[1].price_cents", "items[2].product_id",
            "payment.card_number"} <= fields, fields
    not_object = checkout_with(c.orders, [1])
    assert not_object.json()["error"]["details"] == [{"field": "(body)", "message": "must be a JSON object"}]

    email = unique_email()
    unknown, key = checkout.place(c.orders, [(c.plenty, 1), (987654321, 1)], email=email)
    assert [d["field"] for d in unknown.json()["error"]["details"]] == ["items[1].product_id"], unknown
    unknown_again, _ = checkout.place(c.orders, [(c.plenty, 1), (987654321, 1)], key=key, email=email)
    assert_replay(unknown, unknown_again)

    reused, _ = checkout.place(c.orders, [(c.plenty, 3)], key=c.key, email=c.email)
    out = [invalid, not_object, unknown, unknown_again, reused]
    assert [r.error_code for r in out] == ["validation_failed"] * 2 + ["unknown_product"] * 2 + \
        ["idempotency_key_reused"]
    return out


def post_503(c):
    out = []
    stored = "SELECT count(*) FROM orders.orders WHERE idempotency_key = '{}'"
    with c.product_service_down():
        # Recorded, then the reservation fails: the order stays PENDING.
        paused, key = checkout.place(c.orders, [(c.plenty, 1)], email=c.email)
        assert paused.error_code == "service_unavailable", paused
        assert c.shop.sql(stored.format(key)) == "1"
        out.append(paused)
        # More failures open the circuit; then checkouts are refused at once, unrecorded.
        pg.wait_until(lambda: checkout.place(c.orders, [(c.plenty, 1)])[0].status == 503 and
                      f"{CIRCUIT_OPEN_METRIC} 1" in c.stack.orders.metrics(), 5, message="the circuit to open")
        refused, refused_key = checkout.place(c.orders, [(c.plenty, 1)])
        assert refused.error_code == "service_unavailable", refused
        assert c.shop.sql(stored.format(refused_key)) == "0"
        out.append(refused)
    # Back up: the same key resumes the paused order.
    resumed, _ = checkout.place(c.orders, [(c.plenty, 1)], key=key, email=c.email)
    assert resumed.status == 201 and "idempotent-replayed" not in resumed.headers, resumed
    out.append(overloaded(c))
    out.append(database_down(c, "POST", "/api/orders"))
    assert [r.error_code for r in out] == ["service_unavailable"] * 2 + ["overloaded", "database_unavailable"]
    return out


# --- recipes of the reads ---------------------------------------------------

def list_200(c):
    mine = c.orders.get(f"/api/orders?email={c.email.upper()}&limit=100", admin=True)
    ids = [o["id"] for o in mine.json()["items"]]
    assert c.order["id"] in ids, ids
    created = [o["created_at"] for o in mine.json()["items"]]
    assert created == sorted(created, reverse=True), "newest first"
    one = c.orders.get(f"/api/orders?email={c.email}&limit=1", admin=True)
    assert len(one.json()["items"]) == 1
    none = c.orders.get(f"/api/orders?email={unique_email()}", admin=True)
    assert none.json() == {"items": [], "next_cursor": None}
    # Keyset pages: the first of two, then the other.
    two = unique_email()
    for _ in range(2):
        assert checkout.place(c.orders, [(c.plenty, 1)], email=two)[0].status == 201
    first = c.orders.get(f"/api/orders?email={two}&limit=1", admin=True)
    rest = c.orders.get(f"/api/orders?email={two}&limit=1&cursor={first.json()['next_cursor']}", admin=True)
    assert rest.json()["next_cursor"] is None, rest
    assert first.json()["items"][0]["id"] != rest.json()["items"][0]["id"]
    everyone = c.orders.get("/api/orders?status=CONFIRMED,FULFILLED&created_from=2000-01-01T00:00:00Z", admin=True)
    assert everyone.json()["items"], everyone
    return [mine, one, none, first, rest, everyone]


def list_400(c):
    out = [c.orders.get("/api/orders?email=nope", admin=True),
           c.orders.get("/api/orders?status=SHIPPED", admin=True),
           c.orders.get("/api/orders?created_from=2026-03-01", admin=True),
           c.orders.get("/api/orders?cursor=not-a-cursor", admin=True),
           c.orders.get(f"/api/orders?email={c.email}&limit=101", admin=True),
           c.orders.get("/api/orders?email=%zz", admin=True),
           raw(c, b"GET /api/orders?email=a@b.co HTTP/1.1\r\n\r\n")]
    assert [r.error_code for r in out] == ["invalid_parameter"] * 6 + ["bad_request"]
    return out


def get_200(c):
    token = {"X-Order-Token": c.token}
    r = c.anon.get(c.path_for("/api/orders/{id}"), headers=token)
    assert checkout.order_part(r.json()) == c.order
    assert r.json()["actions"] == ["cancel"] and r.json()["history"][0]["to"] == "CONFIRMED"
    upper = c.anon.get(c.path_for("/api/orders/{id}").upper().replace("/API/ORDERS/", "/api/orders/"), headers=token)
    assert checkout.order_part(upper.json()) == c.order
    admin = c.orders.get(c.path_for("/api/orders/{id}"), admin=True)
    assert checkout.order_part(admin.json()) == c.order
    assert admin.json()["actions"] == ["cancel", "fulfil"]
    return [r, upper, admin]


def get_404(c):
    path = c.path_for("/api/orders/{id}")
    other = checkout.place(c.orders, [(c.plenty, 1)], email=unique_email())[0].json()["access_token"]
    out = [c.anon.get("/api/orders/not-a-uuid", headers={"X-Order-Token": c.token}),
           c.anon.get(f"/api/orders/{uuid.uuid4()}", headers={"X-Order-Token": c.token}),
           c.anon.get(path),                                           # no token
           c.anon.get(path, headers={"X-Order-Token": other}),         # another order's token
           c.anon.get(path, headers={"X-Order-Token": "x" * 43}),
           c.anon.get(path, headers={"X-Order-Token": c.token + "="}),
           c.anon.get(f"{path}?token={c.token}"),                      # never read from the URL
           c.anon.get(f"{path}?X-Order-Token={c.token}")]
    assert [r.error_code for r in out] == ["not_found"] * len(out)
    assert len({r.body for r in out}) == 1, "every 404 says the same"
    return out


def fresh_order(c, **kw):
    r, _ = checkout.place(c.orders, [(c.plenty, 1)], email=unique_email(), **kw)
    assert r.status in (201, 402), r
    body = r.json()
    return body.get("order", body)


def fulfil_200(c):
    order = fresh_order(c)
    r = c.orders.post(f"/api/orders/{order['id']}/fulfil", None, admin=True)
    assert r.json()["status"] == "FULFILLED" and r.json()["id"] == order["id"]
    return [r]


def fulfil_409(c):
    fulfilled = fresh_order(c)
    first = c.orders.post(f"/api/orders/{fulfilled['id']}/fulfil", None, admin=True)
    assert first.status == 200, first
    again = c.orders.post(f"/api/orders/{fulfilled['id']}/fulfil", None, admin=True)
    declined = fresh_order(c, card=checkout.DECLINE)
    refused = c.orders.post(f"/api/orders/{declined['id']}/fulfil", None, admin=True)
    assert [(r.error_code, r.json()["error"]["current_status"]) for r in (again, refused)] == \
        [("illegal_transition", "FULFILLED"), ("illegal_transition", "PAYMENT_DECLINED")]
    return [again, refused]


# --- recipes of the lifecycle moves ------------------------------------------

REFUSES_FIRST_REFUND = "4000000000005126"


def placed(c, card=checkout.APPROVE):
    """A new CONFIRMED order and its token."""
    r, _ = checkout.place(c.orders, [(c.plenty, 1)], card=card, email=unique_email())
    assert r.status == 201, r
    body = r.json()
    return body, {"X-Order-Token": body["access_token"]}


def move(c, order_id, action, body=None, headers=None, admin=False):
    return c.anon.post(f"/api/orders/{order_id}/{action}", body, headers=headers or {}) if not admin else \
        c.orders.post(f"/api/orders/{order_id}/{action}", body, headers=headers or {}, admin=True)


def fulfilled(c, card=checkout.APPROVE):
    order, _ = placed(c, card)
    assert move(c, order["id"], "fulfil", admin=True).status == 200
    return order


def cancel_200(c):
    order, token = placed(c)
    first = move(c, order["id"], "cancel", {"reason": "changed my mind"},
                 headers={**token, "Idempotency-Key": str(uuid.uuid4())})
    assert first.json()["status"] == "CANCELLED" and first.json()["refund"]["status"] == "refunded", first
    again = move(c, order["id"], "cancel", headers=token)
    assert again.json()["status"] == "CANCELLED" and again.json()["history"] == first.json()["history"]
    by_admin = move(c, placed(c)[0]["id"], "cancel", admin=True)
    assert by_admin.json()["history"][1]["actor"] == "admin"
    return [first, again, by_admin]


def refused_cancel(c):
    order, token = placed(c, REFUSES_FIRST_REFUND)
    r = move(c, order["id"], "cancel", headers=token)
    assert r.json()["status"] == "CANCEL_REFUND_FAILED" and r.json()["refund"]["status"] == "refused", r
    return order, r


def moves_during_an_outage(c):
    """product-service down: a cancel stays CANCELLING (202), and so does a
    retry that finds it still under way."""
    order, token = placed(c)
    with c.product_service_down():
        pending = move(c, order["id"], "cancel", headers=token)
        retried = move(c, order["id"], "retry-refund", admin=True)
    assert [r.json()["status"] for r in (pending, retried)] == ["CANCELLING"] * 2, (pending, retried)
    return pending, retried


def cancel_202(c):
    _, refused = refused_cancel(c)
    pending, _ = moves_during_an_outage(c)
    return [refused, pending]


def lifecycle_400(c, action, headers):
    order, token = placed(c)
    path = f"/api/orders/{order['id']}/{action}"
    bad_json = c.orders.request("POST", path, raw_body=b'{"reason":', admin=True,
                                headers={"Content-Type": "application/json"})
    bad_key = c.orders.post(path, None, headers={"Idempotency-Key": "has space"}, admin=True)
    no_host = raw(c, f"POST {path} HTTP/1.1\r\nContent-Length: 0\r\n\r\n".encode())
    out = [bad_json, bad_key, no_host]
    assert [r.error_code for r in out] == ["invalid_json", "invalid_idempotency_key", "bad_request"]
    return out


def cancel_409(c):
    order = fulfilled(c)
    shipped = move(c, order["id"], "cancel", headers={"X-Order-Token": order["access_token"]})
    declined = checkout.place(c.orders, [(c.plenty, 1)], card=checkout.DECLINE, email=unique_email())[0].json()
    refused = move(c, declined["order"]["id"], "cancel", headers={"X-Order-Token": declined["access_token"]})
    assert [r.json()["error"]["current_status"] for r in (shipped, refused)] == ["FULFILLED", "PAYMENT_DECLINED"]
    return [shipped, refused]


def lifecycle_422(c, action, bodies):
    order, token = placed(c) if action == "cancel" else (fulfilled(c), {})
    out = [move(c, order["id"], action, body, headers=token, admin=action != "cancel") for body in bodies]
    assert [r.error_code for r in out] == ["validation_failed"] * len(bodies), out
    return out


def refund_200(c):
    order = fulfilled(c)
    before = c.catalog.get(f"/api/products/{c.plenty}").json()["stock"]
    r = move(c, order["id"], "refund", {"restock": True, "reason": "returned unopened"}, admin=True)
    assert r.json()["status"] == "REFUNDED" and r.json()["reservation_state"] == "returned", r
    assert c.catalog.get(f"/api/products/{c.plenty}").json()["stock"] == before + 1
    kept = move(c, fulfilled(c)["id"], "refund", admin=True)
    assert kept.json()["reservation_state"] == "committed", kept
    return [r, kept]


def refund_202(c):
    order = fulfilled(c, REFUSES_FIRST_REFUND)
    r = move(c, order["id"], "refund", {"restock": False}, admin=True)
    assert r.json()["status"] == "RETURN_REFUND_FAILED", r
    return [r]


def refund_409(c):
    order, _ = placed(c)
    r = move(c, order["id"], "refund", admin=True)
    assert r.json()["error"]["current_status"] == "CONFIRMED", r
    return [r]


def retry_200(c):
    order, _ = refused_cancel(c)
    r = move(c, order["id"], "retry-refund", admin=True)
    assert r.json()["status"] == "CANCELLED" and r.json()["refund"]["status"] == "refunded", r
    returned = fulfilled(c, REFUSES_FIRST_REFUND)
    assert move(c, returned["id"], "refund", admin=True).json()["status"] == "RETURN_REFUND_FAILED"
    again = move(c, returned["id"], "retry-refund", admin=True)
    assert again.json()["status"] == "REFUNDED", again
    return [r, again]


def retry_409(c):
    order, _ = placed(c)
    r = move(c, order["id"], "retry-refund", admin=True)
    assert r.json()["error"]["current_status"] == "CONFIRMED", r
    return [r]


def add_lifecycle_recipes(r):
    cancel = "/api/orders/{id}/cancel"
    refund = "/api/orders/{id}/refund"
    retry = "/api/orders/{id}/retry-refund"
    bad_bodies = [{"reason": "x" * 501}, {"reason": 5}, {"why": "no"}]
    r[("POST", cancel, "200")] = cancel_200
    r[("POST", cancel, "202")] = cancel_202
    r[("POST", cancel, "400")] = lambda c: lifecycle_400(c, "cancel", {})
    r[("POST", cancel, "409")] = cancel_409
    r[("POST", cancel, "422")] = lambda c: lifecycle_422(c, "cancel", bad_bodies + [{"restock": True}])
    r[("POST", refund, "200")] = refund_200
    r[("POST", refund, "202")] = refund_202
    r[("POST", refund, "400")] = lambda c: lifecycle_400(c, "refund", {})
    r[("POST", refund, "409")] = refund_409
    r[("POST", refund, "422")] = lambda c: lifecycle_422(c, "refund", bad_bodies + [{"restock": "yes"}])
    r[("POST", retry, "200")] = retry_200
    r[("POST", retry, "202")] = lambda c: [moves_during_an_outage(c)[1]]
    r[("POST", retry, "409")] = retry_409
    for path in (cancel, refund, retry):
        r[("POST", path, "401")] = lambda c, path=path: c.anon.post(
            c.path_for(path), None, headers={"Authorization": "Basic x"})
        r[("POST", path, "403")] = lambda c, path=path: c.anon.post(
            c.path_for(path), None, headers={"Authorization": "Bearer nope-nope-nope-nope"})
        r[("POST", path, "404")] = lambda c, path=path: [
            c.orders.post(path.replace("{id}", "not-a-uuid"), None, admin=True),
            c.orders.post(path.replace("{id}", str(uuid.uuid4())), None, admin=True)]
    # A customer without the order's token is told 404 too.
    r[("POST", cancel, "404")] = lambda c: [
        c.anon.post(c.path_for(cancel), None),
        c.anon.post(c.path_for(cancel), None, headers={"X-Order-Token": "x" * 43}),
        c.orders.post(f"/api/orders/{uuid.uuid4()}/cancel", None, admin=True)]
    for path in (cancel, refund):
        r[("POST", path, "415")] = lambda c, path=path: c.orders.request(
            "POST", c.path_for(path), raw_body=b"x", headers={"Content-Type": "text/plain"}, admin=True)


def specific():
    r = {}
    add_lifecycle_recipes(r)
    r[("POST", "/api/orders/{id}/fulfil", "200")] = fulfil_200
    r[("POST", "/api/orders/{id}/fulfil", "401")] = lambda c: c.anon.post(
        c.path_for("/api/orders/{id}/fulfil"), None, headers={"X-Order-Token": c.token})
    r[("POST", "/api/orders/{id}/fulfil", "403")] = lambda c: c.anon.post(
        c.path_for("/api/orders/{id}/fulfil"), None, headers={"Authorization": "Bearer nope-nope-nope-nope"})
    r[("POST", "/api/orders/{id}/fulfil", "404")] = lambda c: [
        c.orders.post("/api/orders/not-a-uuid/fulfil", None, admin=True),
        c.orders.post(f"/api/orders/{uuid.uuid4()}/fulfil", None, admin=True)]
    r[("POST", "/api/orders/{id}/fulfil", "409")] = fulfil_409
    r[("POST", "/api/orders", "201")] = post_201
    r[("POST", "/api/orders", "400")] = post_400
    r[("POST", "/api/orders", "402")] = post_402
    r[("POST", "/api/orders", "409")] = post_409
    r[("POST", "/api/orders", "415")] = lambda c: c.orders.request(
        "POST", "/api/orders", raw_body=b"x", headers={"Content-Type": "text/plain"})
    r[("POST", "/api/orders", "422")] = post_422
    r[("POST", "/api/orders", "503")] = post_503
    r[("GET", "/api/orders", "200")] = list_200
    r[("GET", "/api/orders", "400")] = list_400
    r[("GET", "/api/orders", "401")] = lambda c: c.anon.get(f"/api/orders?email={c.email}")
    r[("GET", "/api/orders", "403")] = lambda c: c.anon.get(
        f"/api/orders?email={c.email}", headers={"Authorization": "Bearer nope-nope-nope-nope"})
    r[("GET", "/api/orders/{id}", "200")] = get_200
    r[("GET", "/api/orders/{id}", "400")] = lambda c: raw(
        c, c.path_for("GET /api/orders/{id} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n").encode())
    r[("GET", "/api/orders/{id}", "404")] = get_404
    r[("GET", "/api/orders/{id}", "401")] = lambda c: c.anon.get(
        c.path_for("/api/orders/{id}"), headers={"Authorization": "Basic x", "X-Order-Token": c.token})
    r[("GET", "/api/orders/{id}", "403")] = lambda c: c.anon.get(
        c.path_for("/api/orders/{id}"), headers={"Authorization": "Bearer nope-nope-nope-nope"})
    r[("GET", "/health", "200")] = lambda c: c.orders.get("/health")
    r[("GET", "/ready", "200")] = lambda c: c.orders.get("/ready")
    r[("GET", "/health", "400")] = lambda c: raw(c, b"GET /health HTTP/1.1\r\n\r\n")
    r[("GET", "/ready", "400")] = lambda c: raw(c, b"GET /ready HTTP/1.1\r\n\r\n")
    return r


SPECIFIC = specific()
GENERIC_STATUSES = {"400", "413", "414", "417", "431", "501"}


def recipe(method, path, status):
    if (method, path, status) in SPECIFIC:
        return SPECIFIC[(method, path, status)]
    if status in GENERIC_STATUSES:
        return lambda c: generic(status)(c, method, path)
    if status == "503":
        if path == "/health":
            return overloaded
        return lambda c: [overloaded(c), database_down(c, method, path)]
    return None


def test_every_recipe_is_documented():
    documented_set = set(documented())
    extra = [key for key in SPECIFIC if key not in documented_set]
    assert extra == [], f"recipes for statuses the document does not list: {extra}"


def header_value(schema, text):
    if schema.get("type") == "integer":
        assert text.lstrip("-").isdigit(), f"{text!r} is not an integer"
        return int(text)
    return text


def check_order(order):
    """What the schema cannot say: the statuses' rules and the arithmetic."""
    lines = order["items"]
    priced = all(line["unit_price_cents"] is not None for line in lines)
    if priced:
        for line in lines:
            assert line["line_total_cents"] == line["quantity"] * line["unit_price_cents"], line
        assert order["total_cents"] == sum(line["line_total_cents"] for line in lines), order
    else:
        assert order["total_cents"] is None, order
    outcome = order["payment"]["outcome"]
    status = order["status"]
    if status == "CONFIRMED":
        assert priced and outcome == "approved", order
    elif status == "PAYMENT_DECLINED":
        assert priced and outcome in ("card_declined", "insufficient_funds"), order
    elif status == "REJECTED":
        assert not priced and outcome is None, order
    assert order["created_at"] <= order["updated_at"], order


def check_response(method, path, status, response):
    op = SPEC["paths"][path][method.lower()]
    spec = resolve(op["responses"][status])
    assert str(response.status) == status, f"{method} {path}: expected {status}, got {response}"
    for name, header in (spec.get("headers") or {}).items():
        header = resolve(header)
        value = response.headers.get(name.lower())
        if value is None:
            assert not header.get("required"), f"{method} {path} {status}: missing header {name}"
            continue
        jsonschema.Draft202012Validator(header["schema"], resolver=RESOLVER).validate(
            header_value(header["schema"], value))
    content = spec.get("content")
    if not content:
        assert response.body == b"", f"{method} {path} {status}: a body where none is documented"
        return
    media, media_spec = next(iter(content.items()))
    assert response.headers.get("content-type", "").startswith(media)
    body = response.json()
    jsonschema.Draft202012Validator(media_spec["schema"], resolver=RESOLVER).validate(body)
    if path.startswith("/api/orders") and isinstance(body, dict):
        if "error" in body:
            orders = [body["order"]] if "order" in body else []
        else:
            orders = body["items"] if "items" in body and "id" not in body else [body]
        for order in orders:
            check_order(order)
        if "order" in body and status == "402":
            assert body["order"]["payment"]["outcome"] == body["error"]["code"], body
        if status == "201":
            assert response.headers["location"] == f"/api/orders/{body['id']}"


def test_http_layer_table(ctx):
    """The statuses the description's table documents for every path."""
    error = {"type": "object", "additionalProperties": False, "required": ["error"], "properties": {"error": {
        "type": "object", "additionalProperties": False, "required": ["code", "message"], "properties": {
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "message": {"$ref": "#/components/schemas/ErrorMessage"}}}}}
    validate = jsonschema.Draft202012Validator(error, resolver=RESOLVER).validate
    for path, allow in (("/api/orders", "GET, HEAD, POST"), (ctx.path_for("/api/orders/{id}"), "GET, HEAD")):
        r = ctx.anon.request("OPTIONS", path)
        assert (r.status, r.error_code, r.headers.get("allow")) == (405, "method_not_allowed", allow), r
        validate(r.json())
    r = ctx.anon.request("DELETE", ctx.path_for("/api/orders/{id}"))
    assert (r.status, r.error_code) == (405, "method_not_allowed")
    for path in ("/api/orders/", "/metrics", f"/api/orders/{ctx.order['id']}/x"):
        r = ctx.anon.get(path)
        assert (r.status, r.error_code) == (404, "not_found"), (path, r)
        validate(r.json())
    r = raw(ctx, b"GET /health HTTP/2.0\r\nHost: x\r\n\r\n")
    assert (r.status, r.error_code) == (505, "http_version_not_supported"), r
    r = raw(ctx, b"TRACE /api/orders HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (r.status, r.error_code) == (501, "not_implemented"), r
    head = ctx.anon.request("HEAD", ctx.path_for("/api/orders/{id}"), headers={"X-Order-Token": ctx.token})
    assert head.status == 200 and head.body == b"" and head.headers.get("cache-control") == "no-store"
    traced = ctx.anon.get("/health", headers={"X-Request-Id": "contract.test-1"})
    assert traced.headers.get("x-request-id") == "contract.test-1"
    assert traced.headers.get("x-content-type-options") == "nosniff"


def checkout_traffic(c, client):
    """Ordinary checkouts and order reads, as (what, expected status, response)."""
    email = unique_email()
    placed, key = checkout.place(client, [(c.plenty, 1)], email=email)
    order_path = placed.headers.get("location", "/api/orders/x")
    invalid = checkout.order_body([(c.plenty, 0)], email="nope")
    retry = checkout.place(client, [(c.plenty, 1)], key=key, email=email)[0]
    token = {"X-Order-Token": retry.json().get("access_token", "") if retry.status == 201 else ""}
    return [("checkout", 201, placed),
            ("retry", 201, retry),
            ("order page", 200, client.get(order_path, headers=token)),
            ("staff search", 200, client.get(f"/api/orders?email={email}", admin=True)),
            ("declined", 402, checkout.place(client, [(c.plenty, 1)], card=checkout.DECLINE, email=email)[0]),
            ("short of stock", 409, checkout.place(client, [(c.scarce, 2)], email=email)[0]),
            ("unknown product", 422, checkout.place(client, [(987654321, 1)], email=email)[0]),
            ("invalid cart", 422, checkout_with(client, invalid)),
            ("no key", 400, client.post("/api/orders", checkout.order_body([(c.plenty, 1)]))),
            ("unknown order", 404, client.get(f"/api/orders/{uuid.uuid4()}")),
            ("health", 200, client.get("/health")),
            ("ready", 200, client.get("/ready"))]


def test_prism_proxy_in_front_of_the_service(ctx):
    """As the API's users check it: `prism proxy` in front of the running
    service, checkout traffic through it. Prism must report no violation of
    an answer; in front of the same service with the document written with
    keywords beside `$ref`, it reports them (the check can fail)."""
    for spec, clean in ((SPEC_PATH, True), (openapi.with_sibling_refs(SPEC), False)):
        with openapi.PrismProxy(spec, ctx.stack.orders.base_url) as proxy:
            client = proxy.client(admin_key=service.TEST_ADMIN_KEY)
            try:
                traffic = checkout_traffic(ctx, client)
            finally:
                client.close()
            assert [(what, r.status) for what, _, r in traffic] == [(what, want) for what, want, _ in traffic]
            found = {what: proxy.response_violations(r) for what, _, r in traffic}
            if clean:
                assert {k: v for k, v in found.items() if v} == {}, proxy.output()[-3000:]
            else:
                messages = [v["message"] for v in found["declined"]]
                assert any("found 'message'" in m for m in messages), found


@pytest.mark.parametrize("method,path,status", documented(), ids=lambda v: str(v))
def test_documented_response(ctx, method, path, status):
    if status in NOT_PROVOKED:
        pytest.skip(NOT_PROVOKED[status])
    make = recipe(method, path, status)
    assert make is not None, f"no recipe provokes {status} for {method} {path}: add one"
    responses = make(ctx)
    responses = responses if isinstance(responses, list) else [responses]
    for response in responses:
        EXCHANGES.record(method, path, response)
    for response in responses:
        check_response(method, path, status, response)
    spec = resolve(SPEC["paths"][path][method.lower()]["responses"][status])
    wanted = set()
    for media in (spec.get("content") or {}).values():
        wanted |= documented_codes(media["schema"])
    seen = {r.error_code for r in responses}
    assert wanted <= seen, f"{method} {path} {status}: documented codes never provoked: {sorted(wanted - seen)}"


def test_document_style():
    assert openapi.style_problems(SPEC) == []


def test_examples_match_their_schemas():
    assert openapi.example_problems(SPEC) == []


def test_prism_finds_no_violation():
    """The second validator: every response the recipes provoked (replays
    included), through Prism's response validator, without a single
    violation."""
    provoked = {(e["method"], e["path"], str(e["status"])) for e in EXCHANGES.items}
    expected = {key for key in documented() if key[2] not in NOT_PROVOKED}
    assert provoked == expected, f"not recorded (run the whole module): {sorted(expected - provoked)}"
    checked, violations = openapi.prism_violations(SPEC_PATH, EXCHANGES)
    assert checked == len(EXCHANGES)
    assert violations == [], "\n".join(f"{v['exchange']}: {v['message']}" for v in violations)


def test_prism_rejects_refs_with_siblings():
    """The check can fail: the same responses against the document written
    with keywords beside `$ref` (valid JSON Schema 2020-12, which jsonschema
    still accepts) give Prism's violations."""
    assert len(EXCHANGES) > 0, "run the whole module"
    sibling_style = openapi.with_sibling_refs(SPEC)
    assert openapi.style_problems(sibling_style) != []
    resolver = jsonschema.RefResolver.from_schema(sibling_style)
    for e in EXCHANGES.items:
        response = sibling_style["paths"][e["path"]][e["method"].lower()]["responses"][str(e["status"])]
        while "$ref" in response:
            response = resolver.resolve(response["$ref"])[1]
        if response.get("content"):
            schema = next(iter(response["content"].values()))["schema"]
            jsonschema.Draft202012Validator(schema, resolver=resolver).validate(json.loads(e["body"]))
    _, violations = openapi.prism_violations(sibling_style, EXCHANGES)
    assert any("must NOT have additional properties; found 'message'" in v["message"] for v in violations), violations
