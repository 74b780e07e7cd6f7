"""Cancels, returns and refunds against a real PostgreSQL and the real
product-service (src/order_moves.hpp): the stock goes back exactly once,
the charge is refunded exactly once, every move is in the history, a
refused refund waits for an operator's retry, and what a crash or an
outage leaves half-way is finished by the reconciler. Also the order
desk's list (filters, keyset pages) and the bodies the moves refuse."""

import concurrent.futures
import time
import uuid

import pytest

from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import http

REFUSES_FIRST_REFUND = "4000000000005126"


@pytest.fixture
def anon(stack):
    client = http.Client(stack.orders.base_url)
    yield client
    client.close()


def product(stack, stock=10):
    return checkout.make_products(stack.catalog_client, 1, stock)[0]


def stock_of(stack, pid):
    return stack.catalog_client.get(f"/api/products/{pid}").json()["stock"]


def history(shop, order_id):
    rows = shop.sql("SELECT actor || '|' || from_status || '|' || to_status || '|' || coalesce(reason, '') "
                    f"FROM orders.order_history WHERE order_id = '{order_id}' ORDER BY id")
    return rows.splitlines()


def refunds(shop, order_id):
    """The provider's ledger's refund state of the order's charge, which the
    order's own record (what its page shows) always equals."""
    state = "coalesce(refunded_at::text, '') || '|' || coalesce(refund_failure_code, '') || '|' || " \
            "coalesce(refund_refused_at::text, '')"
    ledger = shop.sql(f"SELECT {state} FROM orders.payment_charges WHERE order_id = '{order_id}'")
    order = shop.sql(f"SELECT {state} FROM orders.orders WHERE id = '{order_id}'")
    assert order == (ledger or "||"), (order, ledger)
    return ledger.rsplit("|", 1)[0] if ledger else ledger


def place(stack, pid, quantity=1, card=checkout.APPROVE, email=None):
    r, _ = checkout.place(stack.order_client, [(pid, quantity)], card=card,
                          email=email or f"c-{uuid.uuid4().hex[:8]}@example.com")
    assert r.status == 201, r
    return r.json()


def cancel(stack, order, token=None, admin=False, body=None, headers=None):
    h = dict(headers or {})
    if token:
        h["X-Order-Token"] = token
    return stack.order_client.post(f"/api/orders/{order['id']}/cancel", body, headers=h, admin=admin)


def admin_post(stack, order_id, action, body=None):
    return stack.order_client.post(f"/api/orders/{order_id}/{action}", body, admin=True)


def test_a_customer_cancels_with_the_order_token_stock_back_and_refunded_once(stack, shop):
    pid = product(stack, stock=10)
    order = place(stack, pid, quantity=3)
    assert stock_of(stack, pid) == 7
    r = cancel(stack, order, token=order["access_token"], body={"reason": "ordered the wrong colour"},
               headers={"Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 200, r
    body = r.json()
    assert body["status"] == "CANCELLED" and body["reservation_state"] == "returned"
    assert body["refund"]["status"] == "refunded" and body["refund"]["failure_code"] is None
    assert body["actions"] == []
    assert [(h["actor"], h["from"], h["to"], h["reason"]) for h in body["history"]] == [
        ("system", "PENDING", "CONFIRMED", "checkout"),
        ("customer", "CONFIRMED", "CANCELLING", "ordered the wrong colour"),
        ("system", "CANCELLING", "CANCELLED", None)]
    assert stock_of(stack, pid) == 10
    # Asked again (a retry, another tab): the same state, nothing moves twice.
    again = cancel(stack, order, token=order["access_token"])
    assert again.status == 200 and again.json()["status"] == "CANCELLED"
    assert stock_of(stack, pid) == 10
    assert len(history(shop, order["id"])) == 3
    assert refunds(shop, order["id"]).endswith("|")
    assert shop.sql(f"SELECT state FROM catalog.reservations WHERE order_id = '{order['id']}'") == "returned"
    metrics = stack.orders.metrics()
    assert 'order_transitions_total{from="confirmed",to="cancelling"}' in metrics
    assert 'order_refunds_total{outcome="refunded"}' in metrics


def test_cancel_needs_the_token_or_the_admin_key(stack, shop, anon):
    pid = product(stack, stock=5)
    order = place(stack, pid)
    other = place(stack, pid)
    for token in (None, other["access_token"], "x" * 43):
        r = cancel(stack, order, token=token)
        assert r.status == 404 and r.error_code == "not_found", r
    assert shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'") == "CONFIRMED"
    bad_key = anon.post(f"/api/orders/{order['id']}/cancel", None,
                        headers={"Authorization": "Bearer wrong-wrong-wrong"})
    assert bad_key.status == 403
    r = cancel(stack, order, admin=True)
    assert r.status == 200 and r.json()["status"] == "CANCELLED"
    assert history(shop, order["id"])[1] == "admin|CONFIRMED|CANCELLING|"
    assert stock_of(stack, pid) == 4  # `other` still holds one


def test_only_a_confirmed_order_can_be_cancelled(stack, shop):
    pid = product(stack, stock=5)
    fulfilled = place(stack, pid)
    assert admin_post(stack, fulfilled["id"], "fulfil").status == 200
    declined = checkout.place(stack.order_client, [(pid, 1)], card=checkout.DECLINE)[0].json()
    for order, token, status in ((fulfilled, fulfilled["access_token"], "FULFILLED"),
                                 (declined["order"], declined["access_token"], "PAYMENT_DECLINED")):
        r = cancel(stack, order, token=token)
        assert (r.status, r.error_code, r.json()["error"]["current_status"]) == (409, "illegal_transition", status)
    cancelled = place(stack, pid)
    assert cancel(stack, cancelled, admin=True).status == 200
    late = admin_post(stack, cancelled["id"], "fulfil")
    assert late.status == 409 and late.json()["error"]["current_status"] == "CANCELLED"
    assert stock_of(stack, pid) == 4


def test_concurrent_cancels_and_a_racing_fulfil_move_the_order_once(stack, shop):
    pid = product(stack, stock=20)
    for _ in range(5):
        order = place(stack, pid, quantity=2)

        def one(i, order=order):
            if i == 3:
                return admin_post(stack, order["id"], "fulfil").status
            client = http.Client(stack.orders.base_url)
            try:
                return client.post(f"/api/orders/{order['id']}/cancel", None,
                                   headers={"X-Order-Token": order["access_token"]}).status
            finally:
                client.close()

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(one, range(8)))
        final = shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'")
        assert final in ("CANCELLED", "FULFILLED"), final
        moves = history(shop, order["id"])
        assert len(moves) == len(set(moves)), moves
        if final == "CANCELLED":
            assert moves[1:] in (["customer|CONFIRMED|CANCELLING|", "system|CANCELLING|CANCELLED|"],), moves
            assert statuses[3] == 409 and all(s == 200 for i, s in enumerate(statuses) if i != 3), statuses
        else:
            assert moves[1:] == ["admin|CONFIRMED|FULFILLED|"], moves
            assert all(s == 409 for i, s in enumerate(statuses) if i != 3), statuses
    cancelled = int(shop.sql("SELECT count(*) FROM orders.orders o JOIN orders.payment_charges c ON c.order_id = o.id "
                             f"WHERE o.status = 'CANCELLED' AND c.refunded_at IS NOT NULL AND o.items @> "
                             f"'[{{\"product_id\": {pid}}}]'"))
    sold = int(shop.sql(f"SELECT count(*) FROM orders.orders WHERE status = 'FULFILLED' AND items @> "
                        f"'[{{\"product_id\": {pid}}}]'"))
    assert cancelled + sold == 5
    assert stock_of(stack, pid) == 20 - 2 * sold


def test_a_return_is_refunded_and_restocked_only_when_asked(stack, shop):
    pid = product(stack, stock=10)
    kept, restocked = place(stack, pid, quantity=2), place(stack, pid, quantity=3)
    early = admin_post(stack, kept["id"], "refund")
    assert early.status == 409 and early.json()["error"]["current_status"] == "CONFIRMED"
    for order in (kept, restocked):
        assert admin_post(stack, order["id"], "fulfil").status == 200
    r = admin_post(stack, kept["id"], "refund", {"reason": "damaged in transit"})
    assert r.status == 200 and r.json()["status"] == "REFUNDED" and r.json()["reservation_state"] == "committed"
    assert stock_of(stack, pid) == 5
    r = admin_post(stack, restocked["id"], "refund", {"restock": True})
    assert r.status == 200 and r.json()["reservation_state"] == "returned", r
    assert stock_of(stack, pid) == 8
    assert history(shop, restocked["id"])[1:] == [
        "admin|CONFIRMED|FULFILLED|", "admin|FULFILLED|REFUNDING|", "system|REFUNDING|REFUNDED|"]
    again = admin_post(stack, restocked["id"], "refund", {"restock": True})
    assert again.status == 200 and stock_of(stack, pid) == 8
    # A customer cannot refund, and a customer's cancel of a return is refused.
    assert cancel(stack, kept, token=kept["access_token"]).status == 409


def test_a_refused_refund_waits_for_an_operators_retry(stack, shop):
    pid = product(stack, stock=4)
    order = place(stack, pid, quantity=2, card=REFUSES_FIRST_REFUND)
    r = cancel(stack, order, token=order["access_token"])
    assert r.status == 202, r
    body = r.json()
    assert body["status"] == "CANCEL_REFUND_FAILED" and body["refund"]["status"] == "refused"
    assert body["refund"]["failure_code"] == "refund_refused"
    assert stock_of(stack, pid) == 4, "the stock goes back before the refund is asked for"
    # The customer sees no action; the admin sees the retry.
    assert body["actions"] == []
    desk = stack.order_client.get("/api/orders?status=CANCEL_REFUND_FAILED&limit=100", admin=True).json()
    assert order["id"] in [o["id"] for o in desk["items"]]
    page = stack.order_client.get(f"/api/orders/{order['id']}", admin=True).json()
    assert page["actions"] == ["retry_refund"]
    retried = admin_post(stack, order["id"], "retry-refund")
    assert retried.status == 200 and retried.json()["status"] == "CANCELLED", retried
    assert retried.json()["refund"]["status"] == "refunded"
    assert stock_of(stack, pid) == 4, "a retry does not move the stock again"
    assert history(shop, order["id"])[1:] == [
        "customer|CONFIRMED|CANCELLING|", "system|CANCELLING|CANCEL_REFUND_FAILED|refund_refused",
        "admin|CANCEL_REFUND_FAILED|CANCELLING|", "system|CANCELLING|CANCELLED|"]
    assert admin_post(stack, order["id"], "retry-refund").status == 200  # asked again: its state
    assert 'order_refunds_total{outcome="refused"}' in stack.orders.metrics()


def test_a_cancel_during_an_outage_is_finished_by_the_reconciler(stack, shop):
    pid = product(stack, stock=6)
    order = place(stack, pid, quantity=2)
    stack.products.stop()
    try:
        r = cancel(stack, order, token=order["access_token"])
        assert r.status == 202 and r.json()["status"] == "CANCELLING", r
        assert r.json()["actions"] == []
    finally:
        stack.products.restart()
    # The reconciler (window 5 s) gives the stock back and refunds.
    pg.wait_until(lambda: shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'") == "CANCELLED",
                  30, interval=0.2, message="the reconciler to finish the cancel")
    assert stock_of(stack, pid) == 6
    assert history(shop, order["id"])[-1] == "system|CANCELLING|CANCELLED|"


def test_a_crash_between_the_steps_is_finished_by_the_reconciler(stack, shop):
    """The state a crash leaves: the order moved to CANCELLING (with its
    history row) and the stock already given back, the refund not asked
    for; and a return moved to REFUNDING with nothing done. Both are
    finished once, without moving the stock twice."""
    pid = product(stack, stock=9)
    cancelling, refunding = place(stack, pid, quantity=2), place(stack, pid, quantity=1)
    assert admin_post(stack, refunding["id"], "fulfil").status == 200
    old = "now() - interval '1 minute'"
    shop.sql(f"""
        WITH moved AS (UPDATE orders.orders SET status = 'CANCELLING', updated_at = {old}
                       WHERE id = '{cancelling['id']}' RETURNING id)
        INSERT INTO orders.order_history (order_id, actor, from_status, to_status)
        SELECT id, 'customer', 'CONFIRMED', 'CANCELLING' FROM moved;
        SET search_path TO catalog; SELECT catalog.return_reservation('{cancelling['id']}'); RESET search_path;
        WITH moved AS (UPDATE orders.orders SET status = 'REFUNDING', restock_on_return = true, updated_at = {old}
                       WHERE id = '{refunding['id']}' RETURNING id)
        INSERT INTO orders.order_history (order_id, actor, from_status, to_status)
        SELECT id, 'admin', 'FULFILLED', 'REFUNDING' FROM moved;""")
    assert stock_of(stack, pid) == 8
    pg.wait_until(lambda: shop.sql("SELECT string_agg(status, ',' ORDER BY status) FROM orders.orders "
                                   f"WHERE id IN ('{cancelling['id']}', '{refunding['id']}')") == "CANCELLED,REFUNDED",
                  30, interval=0.2, message="the reconciler to finish both")
    assert stock_of(stack, pid) == 9
    for order in (cancelling, refunding):
        assert refunds(shop, order["id"]).endswith("|") and refunds(shop, order["id"]) != "|"
    assert 'reconciler_actions_total{action="compensated"}' in stack.orders.metrics()


@pytest.mark.parametrize("body, field", [
    ({"reason": "x" * 501}, "reason"),
    ({"reason": 5}, "reason"),
    ({"restock": True}, "restock"),
    ({"why": "no"}, "why"),
])
def test_a_cancel_body_that_is_not_valid_changes_nothing(stack, shop, body, field):
    pid = product(stack, stock=2)
    order = place(stack, pid)
    r = cancel(stack, order, token=order["access_token"], body=body)
    assert r.status == 422 and r.error_code == "validation_failed", r
    assert [d["field"] for d in r.json()["error"]["details"]] == [field]
    assert shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'") == "CONFIRMED"


def test_a_malformed_body_or_key_is_a_400(stack, shop):
    pid = product(stack, stock=2)
    order = place(stack, pid)
    path = f"/api/orders/{order['id']}/cancel"
    token = {"X-Order-Token": order["access_token"]}
    bad_json = stack.order_client.request("POST", path, raw_body=b'{"reason":', headers={
        **token, "Content-Type": "application/json"})
    bad_key = stack.order_client.post(path, None, headers={**token, "Idempotency-Key": "has space"})
    assert [r.error_code for r in (bad_json, bad_key)] == ["invalid_json", "invalid_idempotency_key"]
    refund_bad = stack.order_client.request("POST", f"/api/orders/{order['id']}/refund", raw_body=b'{"restock":"yes"}',
                                            headers={"Content-Type": "application/json"}, admin=True)
    assert refund_bad.status == 422 and refund_bad.json()["error"]["details"][0]["field"] == "restock"
    assert shop.sql(f"SELECT status FROM orders.orders WHERE id = '{order['id']}'") == "CONFIRMED"


def test_the_order_desk_filters_and_pages(stack, shop):
    pid = product(stack, stock=20)
    email = f"desk-{uuid.uuid4().hex[:8]}@example.com"
    placed = [place(stack, pid, email=email) for _ in range(5)]
    assert admin_post(stack, placed[1]["id"], "fulfil").status == 200
    assert cancel(stack, placed[2], admin=True).status == 200
    newest_first = [o["id"] for o in reversed(placed)]

    seen, cursor = [], None
    while True:
        q = f"/api/orders?email={email.upper()}&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = stack.order_client.get(q, admin=True).json()
        assert len(page["items"]) <= 2
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first

    def ids(query):
        r = stack.order_client.get(f"/api/orders?email={email}&{query}", admin=True)
        assert r.status == 200, r
        return [o["id"] for o in r.json()["items"]]

    assert ids("status=FULFILLED") == [placed[1]["id"]]
    assert ids("status=FULFILLED,CANCELLED") == [placed[2]["id"], placed[1]["id"]]
    created = placed[3]["created_at"]
    assert ids(f"created_from={created}") == newest_first[:2]
    assert ids(f"created_to={created}") == newest_first[2:]
    assert ids("created_from=2000-01-01T00:00:00%2B01:00&created_to=2001-01-01T00:00:00Z") == []

    for query, name in (("status=SHIPPED", "status"), ("status=", "status"), ("email=nope", "email"),
                        ("created_from=2026-01-01", "created_from"), ("created_to=yesterday", "created_to"),
                        ("cursor=abc", "cursor"), ("limit=0", "limit")):
        r = stack.order_client.get(f"/api/orders?{query}", admin=True)
        assert r.status == 400 and r.error_code == "invalid_parameter" and name in r.json()["error"]["message"], r
    assert stack.order_client.get("/api/orders").status == 401


def test_a_database_from_before_the_refund_on_the_order_is_migrated_with_its_refunds():
    """0004_refund_outcome_on_order.sql on a database whose orders were
    refunded (and refused) before the order recorded its refund: the
    migration copies each charge's refund state to its order, whose page
    shows it."""
    shop = pg.Cluster.shared().create_shop()
    stack = checkout.Stack(shop)
    try:
        pid = product(stack, stock=10)
        refunded = place(stack, pid)
        refused = place(stack, pid, card=REFUSES_FIRST_REFUND)
        kept = place(stack, pid)
        assert cancel(stack, refunded, admin=True).json()["refund"]["status"] == "refunded"
        assert cancel(stack, refused, admin=True).json()["refund"]["status"] == "refused"
        stack.close()
        # The schema as it was before the migration, with the same charges.
        shop.sql("DROP FUNCTION orders.copy_refund_outcome_to_order() CASCADE; "  # and its triggers
                 "ALTER TABLE orders.orders DROP COLUMN refunded_at, DROP COLUMN refund_refused_at, "
                 "DROP COLUMN refund_failure_code; "
                 "DELETE FROM orders.schema_migrations WHERE name IN "
                 "('0004_refund_outcome_on_order.sql', '0005_refund_outcome_on_every_change.sql')")
        stack = checkout.Stack(shop)
        for order in (refunded, refused, kept):
            refunds(shop, order["id"])  # the order's record equals the ledger's
        pages = {o["id"]: stack.order_client.get(f"/api/orders/{o['id']}", admin=True).json()
                 for o in (refunded, refused, kept)}
        assert pages[refunded["id"]]["refund"]["status"] == "refunded"
        assert pages[refused["id"]]["refund"]["status"] == "refused"
        assert pages[refused["id"]]["refund"]["failure_code"] == "refund_refused"
        assert pages[kept["id"]]["refund"] is None
    finally:
        stack.close()
        shop.drop()


# sql::refund_charge as order-service ran it before the order kept its
# refund's outcome: what a task of the previous version still does during a
# blue/green rollout, after the new version's migration.
PREVIOUS_REFUND_CHARGE = (
    "WITH c AS (SELECT order_id, card_last4 = '5126' AND refund_refused_at IS NULL AS refuse "
    "FROM orders.payment_charges WHERE order_id = '{id}' AND refunded_at IS NULL AND outcome = 'approved' "
    "FOR UPDATE) UPDATE orders.payment_charges p SET refunded_at = CASE WHEN c.refuse THEN NULL ELSE now() END, "
    "refund_refused_at = CASE WHEN c.refuse THEN now() ELSE p.refund_refused_at END, "
    "refund_failure_code = CASE WHEN c.refuse THEN 'refund_refused' ELSE NULL END "
    "FROM c WHERE p.order_id = c.order_id RETURNING CASE WHEN c.refuse THEN 'refused' ELSE 'refunded' END")


def test_a_refund_written_by_the_previous_version_reaches_the_orders_page(stack, shop):
    pid = product(stack, stock=5)
    refused_then_refunded = place(stack, pid, card=REFUSES_FIRST_REFUND)
    refunded = place(stack, pid)
    assert shop.sql(PREVIOUS_REFUND_CHARGE.format(id=refused_then_refunded["id"])) == "refused"
    assert shop.sql(PREVIOUS_REFUND_CHARGE.format(id=refunded["id"])) == "refunded"
    page = stack.order_client.get(f"/api/orders/{refused_then_refunded['id']}", admin=True).json()
    assert page["refund"]["status"] == "refused" and page["refund"]["failure_code"] == "refund_refused"
    assert refunds(shop, refused_then_refunded["id"]).endswith("|refund_refused")
    # The operator's retry, by the same old statement: refunded, no failure left.
    assert shop.sql(PREVIOUS_REFUND_CHARGE.format(id=refused_then_refunded["id"])) == "refunded"
    for order in (refused_then_refunded, refunded):
        page = stack.order_client.get(f"/api/orders/{order['id']}", admin=True).json()
        assert page["refund"]["status"] == "refunded" and page["refund"]["failure_code"] is None, page
        assert refunds(shop, order["id"]).endswith("|")


def test_an_operator_clearing_a_refund_by_hand_clears_the_orders_copy(stack, shop):
    """A refund recorded by mistake, undone in the ledger by hand (every
    refund column back to NULL): the order's copy follows."""
    order = place(stack, product(stack, stock=5), card=REFUSES_FIRST_REFUND)
    assert cancel(stack, order, admin=True).json()["refund"]["status"] == "refused"
    shop.sql("UPDATE orders.payment_charges SET refunded_at = NULL, refund_refused_at = NULL, "
             f"refund_failure_code = NULL WHERE order_id = '{order['id']}'")
    assert refunds(shop, order["id"]) == "|"  # the order's record equals the ledger's
    page = stack.order_client.get(f"/api/orders/{order['id']}", admin=True).json()
    assert page["refund"] is None, page
