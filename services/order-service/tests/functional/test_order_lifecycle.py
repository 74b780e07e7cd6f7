"""The order lifecycle's storage on a real PostgreSQL (migration
0003_order_lifecycle.sql): every order's moves in an append-only history,
the checkout's end being its first move; the new statuses and columns."""

import concurrent.futures
import hashlib
import threading

import pytest

from ecomtest import checkout
from ecomtest import http


def product(stack, stock=10):
    return checkout.make_products(stack.catalog_client, 1, stock)[0]


def history(shop, order_id):
    rows = shop.sql("SELECT actor || '|' || from_status || '|' || to_status || '|' || coalesce(reason, '') "
                    f"FROM orders.order_history WHERE order_id = '{order_id}' ORDER BY id")
    return rows.splitlines()


def test_the_checkouts_end_is_the_first_history_row(stack, shop):
    pid = product(stack, stock=5)
    confirmed, _ = checkout.place(stack.order_client, [(pid, 1)])
    declined, _ = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)
    assert confirmed.status == 201 and declined.status == 402
    assert history(shop, confirmed.json()["id"]) == ["system|PENDING|CONFIRMED|checkout"]
    assert history(shop, declined.json()["order"]["id"]) == ["system|PENDING|PAYMENT_DECLINED|checkout"]
    # The row's time is the order's updated_at, the time the body shows.
    same = shop.sql("SELECT h.at = o.updated_at FROM orders.order_history h JOIN orders.orders o "
                    f"ON o.id = h.order_id WHERE o.id = '{confirmed.json()['id']}'")
    assert same == "t"


def test_a_replayed_checkout_adds_no_history_row(stack, shop):
    pid = product(stack, stock=5)
    first, key = checkout.place(stack.order_client, [(pid, 1)])
    again, _ = checkout.place(stack.order_client, [(pid, 1)], key=key)
    assert first.status == 201 and again.headers.get("idempotent-replayed") == "true", again
    assert len(history(shop, first.json()["id"])) == 1


@pytest.mark.parametrize("statement", [
    "UPDATE orders.order_history SET reason = 'rewritten'",
    "DELETE FROM orders.order_history",
    "TRUNCATE orders.order_history",
])
@pytest.mark.parametrize("role", ["orders_svc", None])
def test_history_is_append_only(stack, shop, statement, role):
    pid = product(stack, stock=2)
    r, _ = checkout.place(stack.order_client, [(pid, 1)])
    assert r.status == 201
    before = shop.sql("SELECT count(*) FROM orders.order_history")
    prefix = f"SET ROLE {role}; " if role else ""
    with pytest.raises(RuntimeError) as refused:
        shop.sql(prefix + statement)
    # The service's role lost the privilege; even the owner or a superuser meets the trigger.
    assert "permission denied" in str(refused.value) or "append-only" in str(refused.value)
    assert shop.sql("SELECT count(*) FROM orders.order_history") == before
    assert shop.sql("SELECT count(*) FROM orders.order_history WHERE reason = 'rewritten'") == "0"


def test_the_lifecycle_statuses_are_stored_and_nothing_else(stack, shop):
    pid = product(stack, stock=2)
    order_id = checkout.place(stack.order_client, [(pid, 1)])[0].json()["id"]
    for status in ("CANCELLING", "CANCELLED", "FULFILLED", "REFUNDING", "REFUNDED",
                   "CANCEL_REFUND_FAILED", "RETURN_REFUND_FAILED"):
        shop.sql(f"BEGIN; UPDATE orders.orders SET status = '{status}' WHERE id = '{order_id}'; ROLLBACK")
    for status in ("SHIPPED", "refunded", "REFUND_FAILED"):
        with pytest.raises(RuntimeError, match="orders_status_check"):
            shop.sql(f"UPDATE orders.orders SET status = '{status}' WHERE id = '{order_id}'")
    shop.sql(f"BEGIN; UPDATE orders.orders SET reservation_state = 'returned' WHERE id = '{order_id}'; ROLLBACK")
    with pytest.raises(RuntimeError, match="access_token_sha256"):
        shop.sql(f"UPDATE orders.orders SET access_token_sha256 = '\\x00ff' WHERE id = '{order_id}'")
    with pytest.raises(RuntimeError, match="order_history"):
        shop.sql("INSERT INTO orders.order_history (order_id, actor, from_status, to_status) "
                 f"VALUES ('{order_id}', 'robot', 'CONFIRMED', 'FULFILLED')")
    assert shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order_id}'") == "CONFIRMED"


# --- the order access token (order_access.hpp) ------------------------------

def get(stack, order_id, token=None, **kw):
    headers = {"X-Order-Token": token} if token else {}
    return stack.anon.get(f"/api/orders/{order_id}", headers=headers, **kw)


@pytest.fixture(scope="module")
def anon(stack):
    client = http.Client(stack.orders.base_url)
    stack.anon = client
    yield client
    client.close()


def test_only_the_token_or_the_admin_key_opens_an_order(stack, shop, anon):
    pid = product(stack, stock=5)
    r, _ = checkout.place(stack.order_client, [(pid, 1)])
    order = r.json()
    token = order.pop("access_token")
    other = checkout.place(stack.order_client, [(pid, 1)])[0].json()["access_token"]
    assert checkout.order_part(get(stack, order["id"], token).json()) == order
    assert checkout.order_part(stack.order_client.get(f"/api/orders/{order['id']}", admin=True).json()) == order
    refused = [get(stack, order["id"]), get(stack, order["id"], other), get(stack, order["id"], "A" * 43),
               anon.get(f"/api/orders/{order['id']}?token={token}"),
               anon.get(f"/api/orders/{order['id']}?X-Order-Token={token}"),
               get(stack, "00000000-0000-4000-8000-000000000000", token)]
    assert [x.status for x in refused] == [404] * len(refused)
    assert len({x.body for x in refused}) == 1, "a 404 must not tell which orders exist"
    # Only the digest is stored; the stored answer does not hold the token.
    row = shop.sql(f"SELECT encode(access_token_sha256, 'hex') || '|' || response_body FROM orders.orders "
                   f"WHERE id = '{order['id']}'")
    digest, body = row.split("|", 1)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in body and "access_token" not in body
    assert token not in stack.orders.output()


def test_a_declined_order_has_a_token_too(stack, anon):
    pid = product(stack, stock=5)
    r, _ = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)
    assert r.status == 402
    body = r.json()
    assert checkout.order_part(get(stack, body["order"]["id"], body["access_token"]).json()) == body["order"]


def test_a_replay_issues_a_fresh_token_and_retires_the_old_one(stack, anon):
    pid = product(stack, stock=5)
    first, key = checkout.place(stack.order_client, [(pid, 1)])
    again, _ = checkout.place(stack.order_client, [(pid, 1)], key=key)
    old, new = first.json()["access_token"], again.json()["access_token"]
    assert old != new
    order_id = first.json()["id"]
    assert get(stack, order_id, old).status == 404
    assert get(stack, order_id, new).status == 200


def test_every_answer_that_records_an_order_carries_its_token(stack, anon):
    pid = product(stack, stock=1)
    short, _ = checkout.place(stack.order_client, [(pid, 5)])
    assert short.status == 409 and short.error_code == "insufficient_stock"
    body = short.json()
    assert get(stack, body["order"]["id"], body["access_token"]).json()["status"] == "REJECTED"
    unknown, _ = checkout.place(stack.order_client, [(987654321, 1)])
    assert unknown.status == 422 and unknown.error_code == "unknown_product"
    assert get(stack, unknown.json()["order"]["id"], unknown.json()["access_token"]).status == 200
    # Answers that record nothing carry none.
    invalid = stack.order_client.post("/api/orders", {"customer": {}}, headers={"Idempotency-Key": "bad-body"})
    assert invalid.status in (400, 422) and "access_token" not in invalid.json()


def test_a_wrong_admin_key_is_refused_whatever_the_order(stack, anon):
    pid = product(stack, stock=2)
    r, _ = checkout.place(stack.order_client, [(pid, 1)])
    order = r.json()
    for order_id in (order["id"], "00000000-0000-4000-8000-000000000000"):
        bad = anon.get(f"/api/orders/{order_id}", headers={"Authorization": "Bearer wrong-wrong-wrong",
                                                            "X-Order-Token": order["access_token"]})
        assert bad.status == 403, bad


# --- fulfil: CONFIRMED -> FULFILLED (admin) ----------------------------------

def fulfil(stack, order_id, **kw):
    return stack.order_client.post(f"/api/orders/{order_id}/fulfil", None, **kw)


def test_fulfil_moves_a_confirmed_order_once_with_its_history(stack, shop, anon):
    pid = product(stack, stock=5)
    order = checkout.place(stack.order_client, [(pid, 2)])[0].json()
    r = fulfil(stack, order["id"], admin=True)
    assert r.status == 200, r
    assert r.json()["status"] == "FULFILLED" and r.json()["items"] == order["items"]
    assert get(stack, order["id"], order["access_token"]).json()["status"] == "FULFILLED"
    assert history(shop, order["id"]) == ["system|PENDING|CONFIRMED|checkout", "admin|CONFIRMED|FULFILLED|"]
    again = fulfil(stack, order["id"], admin=True)
    assert again.status == 409 and again.error_code == "illegal_transition", again
    assert again.json()["error"]["current_status"] == "FULFILLED"
    assert len(history(shop, order["id"])) == 2
    # Fulfilment moves no stock: it was committed at checkout.
    assert stack.catalog_client.get(f"/api/products/{pid}").json()["stock"] == 3
    assert 'order_transitions_total{from="confirmed",to="fulfilled"}' in stack.orders.metrics()


def test_only_a_confirmed_order_can_be_fulfilled(stack, shop, anon):
    pid = product(stack, stock=1)
    declined = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)[0].json()["order"]
    short = checkout.place(stack.order_client, [(pid, 5)])[0].json()["order"]
    for order, status in ((declined, "PAYMENT_DECLINED"), (short, "REJECTED")):
        r = fulfil(stack, order["id"], admin=True)
        assert (r.status, r.error_code, r.json()["error"]["current_status"]) == (409, "illegal_transition", status)
        assert shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'") == status
        assert len(history(shop, order["id"])) == 1


def test_concurrent_fulfils_move_the_order_once(stack, shop, anon):
    pid = product(stack, stock=5)
    order_id = checkout.place(stack.order_client, [(pid, 1)])[0].json()["id"]
    barrier = threading.Barrier(16)

    def one(_):
        client = http.Client(stack.orders.base_url, admin_key=stack.order_client.admin_key)
        try:
            barrier.wait()
            return client.post(f"/api/orders/{order_id}/fulfil", None, admin=True).status
        finally:
            client.close()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = sorted(pool.map(one, range(16)))
    assert statuses == [200] + [409] * 15, statuses
    assert history(shop, order_id)[-1] == "admin|CONFIRMED|FULFILLED|"
    assert len(history(shop, order_id)) == 2


def test_fulfil_needs_the_admin_key(stack, anon):
    pid = product(stack, stock=2)
    order = checkout.place(stack.order_client, [(pid, 1)])[0].json()
    as_customer = anon.post(f"/api/orders/{order['id']}/fulfil", None, headers={"X-Order-Token": order["access_token"]})
    wrong = anon.post(f"/api/orders/{order['id']}/fulfil", None, headers={"Authorization": "Bearer wrong-wrong-wrong"})
    assert (as_customer.status, wrong.status) == (401, 403)
    assert get(stack, order["id"], order["access_token"]).json()["status"] == "CONFIRMED"
    unknown = fulfil(stack, "00000000-0000-4000-8000-000000000000", admin=True)
    assert (unknown.status, unknown.error_code) == (404, "not_found")
