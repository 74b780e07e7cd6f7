"""The order lifecycle's storage on a real PostgreSQL (migration
0003_order_lifecycle.sql): every order's moves in an append-only history,
the checkout's end being its first move; the new statuses and columns."""

import pytest

from ecomtest import checkout


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
