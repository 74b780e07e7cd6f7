"""Storms of concurrent orders: no oversell, and one key gives one order."""

import concurrent.futures
import json
import random
import threading
import uuid

from ecomtest import checkout
from ecomtest import http


def run_storm(stack, product_ids, orders, clients, seed, card_mix=False, keys=None):
    """Sends `orders` random orders from `clients` concurrent clients; returns
    (order id -> status code seen, order ids seen as 201)."""
    rng = random.Random(seed)
    plans = []
    for i in range(orders):
        lines = rng.sample(product_ids, rng.randint(1, 3))
        card = checkout.APPROVE if not card_mix or rng.random() < 0.8 else checkout.DECLINE
        plans.append(([(pid, rng.randint(1, 3)) for pid in lines], card, keys[i] if keys else str(uuid.uuid4())))
    local = threading.local()
    seen = {}
    lock = threading.Lock()

    def send(plan):
        if not hasattr(local, "client"):
            local.client = http.Client(stack.orders.base_url, timeout=30)
        items, card, key = plan
        try:
            r, _ = checkout.place(local.client, items, card=card, key=key)
            status = r.status
            body = checkout.parse(r)
        except Exception as e:  # noqa: BLE001 - a dropped connection is an outcome too
            local.client.close()
            status, body = repr(e), None
        with lock:
            seen[key] = (status, body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(send, plans))
    return seen


def test_oversell_storm(stack, shop):
    seed = random.randrange(1 << 30)
    print(f"oversell storm seed={seed}")
    initial_stock = 40
    products = checkout.make_products(stack.catalog_client, 20, initial_stock, prefix="OS")
    initial = {pid: initial_stock for pid in products}
    # About 2,000 x 2 lines x 2 units = 8,000 units wanted; 800 exist.
    seen = run_storm(stack, products, orders=2000, clients=64, seed=seed)
    statuses = [s for s, _ in seen.values()]
    assert all(isinstance(s, int) for s in statuses), [s for s in statuses if not isinstance(s, int)][:5]
    assert set(statuses) <= {201, 409}, {s: statuses.count(s) for s in set(statuses)}
    report = checkout.assert_stock_invariant(shop, initial)
    sold = checkout.confirmed_quantities(shop, products)
    for pid in products:
        stock, held, committed = report[pid]
        assert held == 0, f"product {pid}: {held} still held after every order was answered"
        assert sold[pid] == committed, f"product {pid}: confirmed orders sold {sold[pid]}, committed {committed}"
        assert sold[pid] + stock == initial_stock
    # Demand far exceeds supply: everything sells except what no order could fit.
    assert sum(sold.values()) >= 0.95 * initial_stock * len(products)
    confirmed_201 = sum(1 for s, _ in seen.values() if s == 201)
    assert checkout.counts_by_status(shop).get("CONFIRMED", 0) >= confirmed_201
    checkout.assert_orders_consistent(shop)


def test_idempotency_storm_gives_one_order_and_one_charge(stack, shop):
    pid = checkout.make_products(stack.catalog_client, 1, 100, prefix="IS")[0]
    key = str(uuid.uuid4())
    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(50)

    def send():
        client = http.Client(stack.orders.base_url, timeout=30)
        barrier.wait()
        r, _ = checkout.place(client, [(pid, 1)], key=key)
        client.close()
        with lock:
            results.append((r.status, r.error_code, r.body))

    threads = [threading.Thread(target=send) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    assert all(code == "request_in_progress" for s, code, _ in results if s == 409)
    assert statuses.count(201) >= 1
    # Every 201 is the same order, each with its own fresh access token.
    answers = [json.loads(b) for s, _, b in results if s == 201]
    tokens = [a.pop("access_token") for a in answers]
    assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1
    assert len(set(tokens)) == len(tokens)
    assert shop.sql(f"SELECT count(*) FROM orders.orders WHERE idempotency_key = '{key}'") == "1"
    order_id = shop.sql(f"SELECT id FROM orders.orders WHERE idempotency_key = '{key}'")
    assert shop.sql(f"SELECT count(*) FROM orders.payment_charges WHERE order_id = '{order_id}'") == "1"
    assert stack.catalog_client.get(f"/api/products/{pid}").json()["stock"] == 99
