"""Storms of lifecycle moves (issue 16): 64 clients cancelling, fulfilling
and cancelling again the same 200 orders at once, then with order-service
killed (SIGKILL) mid-storm and restarted. Afterwards, once the reconciler's
window has passed:
  - every order is in exactly one settled state, CANCELLED or FULFILLED;
  - each product's stock is its initial stock less what FULFILLED orders hold;
  - refunds (charges refunded) equal cancellations, and nothing else was refunded;
  - every order's history has each move once, in a chain from its checkout."""

import concurrent.futures
import random
import threading
import time

from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import http
from ecomtest import service

ORDERS = 200
CLIENTS = 64
MOVES_PER_ORDER = 4
RECONCILE_WINDOW_S = 2


def place_orders(stack, products, rng):
    carts = [[(pid, rng.randint(1, 2)) for pid in rng.sample(products, rng.randint(1, 2))] for _ in range(ORDERS)]
    local = threading.local()

    def place(lines):
        if not hasattr(local, "client"):
            local.client = http.Client(stack.orders.base_url, timeout=30)
        r, _ = checkout.place(local.client, lines)
        assert r.status == 201, r
        return r.json()

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(place, carts))


def storm(base_url, orders, rng, kill_after=None):
    """Each order gets MOVES_PER_ORDER moves in random order from CLIENTS
    clients: cancels by its customer (token) and by an admin, and fulfils.
    Returns the HTTP statuses seen (or the exception's name). With
    kill_after=(n, kill): the client that sees the n-th answer calls kill()
    and the moves not yet sent are dropped."""
    stop = threading.Event()
    plan = []
    for order in orders:
        for _ in range(MOVES_PER_ORDER):
            plan.append((order, rng.choice(["cancel", "cancel", "admin-cancel", "fulfil"])))
    rng.shuffle(plan)
    local = threading.local()
    seen = []
    lock = threading.Lock()

    def send(step):
        if stop is not None and stop.is_set():
            return
        order, action = step
        if not hasattr(local, "client"):
            local.client = http.Client(base_url, admin_key=service.TEST_ADMIN_KEY, timeout=30)
        try:
            if action == "cancel":
                r = local.client.post(f"/api/orders/{order['id']}/cancel", None,
                                      headers={"X-Order-Token": order["access_token"]})
            elif action == "admin-cancel":
                r = local.client.post(f"/api/orders/{order['id']}/cancel", None, admin=True)
            else:
                r = local.client.post(f"/api/orders/{order['id']}/fulfil", None, admin=True)
            outcome = r.status
        except Exception as e:  # noqa: BLE001 - a killed service drops connections
            local.client.close()
            del local.client
            outcome = type(e).__name__
        with lock:
            seen.append(outcome)
            kill_now = kill_after is not None and len(seen) == kill_after[0]
        if kill_now:
            stop.set()  # the moves not sent yet are dropped
            kill_after[1]()  # SIGKILL: no drain, the moves in flight are cut

    with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(send, plan))
    return seen


def settle_leftovers(base_url, orders):
    """Orders no move reached (a storm cut short by the kill) are fulfilled,
    so every order ends settled."""
    client = http.Client(base_url, admin_key=service.TEST_ADMIN_KEY, timeout=30)
    try:
        for order in orders:
            client.post(f"/api/orders/{order['id']}/fulfil", None, admin=True)
    finally:
        client.close()


def assert_invariants(shop, stack, orders, products, initial_stock):
    ids = ",".join(f"'{o['id']}'" for o in orders)
    pg.wait_until(lambda: shop.sql(f"SELECT count(*) FROM orders.orders WHERE id IN ({ids}) "
                                   "AND status NOT IN ('CANCELLED', 'FULFILLED')") == "0",
                  60, interval=0.5, message="every order settled (the reconciler finishes the cancels under way)")
    statuses = dict(line.split("|") for line in shop.sql(
        f"SELECT id, status FROM orders.orders WHERE id IN ({ids})").splitlines())
    assert len(statuses) == ORDERS
    # Stock: initial less what the fulfilled orders hold.
    held = {pid: 0 for pid in products}
    for order in orders:
        if statuses[order["id"]] == "FULFILLED":
            for line in order["items"]:
                held[line["product_id"]] += line["quantity"]
    for pid in products:
        stock = stack.catalog_client.get(f"/api/products/{pid}").json()["stock"]
        assert stock == initial_stock - held[pid], (pid, stock, initial_stock, held[pid])
    # Refunds equal cancellations.
    refunded = shop.sql(f"SELECT o.status, count(*) FROM orders.orders o JOIN orders.payment_charges c "
                        f"ON c.order_id = o.id WHERE o.id IN ({ids}) AND c.refunded_at IS NOT NULL GROUP BY 1")
    cancelled = sum(1 for s in statuses.values() if s == "CANCELLED")
    assert refunded == (f"CANCELLED|{cancelled}" if cancelled else ""), refunded
    # History: each move once, a chain from the checkout to the settled state.
    rows = shop.sql(f"SELECT order_id, string_agg(from_status || '>' || to_status, ' ' ORDER BY id) "
                    f"FROM orders.order_history WHERE order_id IN ({ids}) GROUP BY order_id").splitlines()
    chains = dict(line.split("|") for line in rows)
    for order_id, status in statuses.items():
        expected = "PENDING>CONFIRMED " + ("CONFIRMED>FULFILLED" if status == "FULFILLED"
                                            else "CONFIRMED>CANCELLING CANCELLING>CANCELLED")
        assert chains[order_id] == expected, (order_id, chains[order_id])
    checkout.assert_orders_consistent(shop)
    return cancelled


def new_stack(shop, **order_env):
    return checkout.Stack(shop, order_env={"RECONCILE_WINDOW_SECONDS": RECONCILE_WINDOW_S,
                                           "RECONCILE_INTERVAL_MS": 200, **order_env})


def test_cancel_fulfil_storm_keeps_every_invariant(shop):
    seed = random.randrange(1 << 30)
    print(f"lifecycle storm seed={seed}")
    rng = random.Random(seed)
    stack = new_stack(shop)
    try:
        products = checkout.make_products(stack.catalog_client, 8, 1000, prefix="LS")
        orders = place_orders(stack, products, rng)
        seen = storm(stack.orders.base_url, orders, rng)
        assert set(seen) <= {200, 409}, sorted(set(map(str, seen)))
        cancelled = assert_invariants(shop, stack, orders, products, 1000)
        assert 0 < cancelled < ORDERS, cancelled
    finally:
        codes = stack.close()
    assert all(code == 0 for code in codes.values()), codes


def test_a_killed_order_service_mid_storm_leaves_every_invariant(shop):
    seed = random.randrange(1 << 30)
    print(f"lifecycle kill storm seed={seed}")
    rng = random.Random(seed)
    # Every charge and refund takes 20 ms: refunds are in flight when the kill comes.
    stack = new_stack(shop, PAYMENT_LATENCY_MS=20)
    try:
        products = checkout.make_products(stack.catalog_client, 8, 1000, prefix="LK")
        orders = place_orders(stack, products, rng)
        seen = storm(stack.orders.base_url, orders, rng, kill_after=(ORDERS // 4, stack.orders.kill))
        assert len(seen) < ORDERS * MOVES_PER_ORDER, "killed mid-storm"
        lost = [s for s in seen if not isinstance(s, int)]
        print(f"{len(seen)} moves answered or cut before the kill took effect, {len(lost)} cut")
        stack.orders.restart()
        # The storm goes on against the restarted service, then the orders
        # nothing reached are settled.
        storm(stack.orders.base_url, orders, rng)
        settle_leftovers(stack.orders.base_url, orders)
        time.sleep(RECONCILE_WINDOW_S)
        assert_invariants(shop, stack, orders, products, 1000)
    finally:
        stack.close()
