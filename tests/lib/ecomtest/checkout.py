"""Checkout helpers for tests: a catalog to sell from, orders sent with
Idempotency-Keys, and the invariants that must hold whatever happened."""

import json
import uuid

from . import http as ehttp
from . import service

APPROVE = "4242424242424242"
APPROVE_SAME_LAST4 = "4000000000024242"  # another approved card ending in 4242
DECLINE = "4000000000000002"
NO_FUNDS = "4000000000009995"


def order_body(items, card=APPROVE, email="buyer@example.com", name="Test Buyer"):
    return {
        "customer": {"email": email, "name": name},
        "items": [{"product_id": pid, "quantity": qty} for pid, qty in items],
        "payment": {"card_number": card, "exp_month": 12, "exp_year": 2035, "cvc": "123"},
    }


def place(client, items, card=APPROVE, key=None, **kw):
    key = key or str(uuid.uuid4())
    return client.post("/api/orders", order_body(items, card, **kw), headers={"Idempotency-Key": key}), key


def make_products(catalog_client, count, stock, price=1000, prefix="S"):
    ids = []
    for i in range(count):
        r = catalog_client.post("/api/products", {
            "sku": f"{prefix}-{uuid.uuid4().hex[:8]}", "name": f"Storm item {i}", "category": "storm",
            "price_cents": price + i, "stock": stock}, admin=True)
        assert r.status == 201, r
        ids.append(r.json()["id"])
    return ids


def stock_report(shop, product_ids):
    """product id -> (stock, held, committed) from the catalog schema."""
    ids = ",".join(str(i) for i in product_ids)
    rows = shop.sql(
        f"SELECT p.id, p.stock, "
        f"COALESCE(SUM(i.quantity) FILTER (WHERE r.state = 'held'), 0), "
        f"COALESCE(SUM(i.quantity) FILTER (WHERE r.state = 'committed'), 0) "
        f"FROM catalog.products p LEFT JOIN catalog.reservation_items i ON i.product_id = p.id "
        f"LEFT JOIN catalog.reservations r ON r.order_id = i.order_id "
        f"WHERE p.id IN ({ids}) GROUP BY p.id ORDER BY p.id")
    out = {}
    for line in rows.splitlines():
        pid, stock, held, committed = (int(x) for x in line.split("|"))
        out[pid] = (stock, held, committed)
    return out


def confirmed_quantities(shop, product_ids):
    """product id -> quantity sold in CONFIRMED orders (orders schema)."""
    ids = ",".join(str(i) for i in product_ids)
    rows = shop.sql(
        "SELECT (line->>'product_id')::bigint, SUM((line->>'quantity')::int) FROM orders.orders o, "
        "jsonb_array_elements(o.items) line WHERE o.status = 'CONFIRMED' "
        f"AND (line->>'product_id')::bigint IN ({ids}) GROUP BY 1")
    out = {pid: 0 for pid in product_ids}
    for line in rows.splitlines():
        pid, qty = (int(x) for x in line.split("|"))
        out[pid] = qty
    return out


def assert_stock_invariant(shop, initial):
    """For every product: stock + held + committed = initial stock, stock >= 0."""
    report = stock_report(shop, list(initial))
    for pid, (stock, held, committed) in report.items():
        assert stock >= 0, f"product {pid} has negative stock {stock}"
        assert stock + held + committed == initial[pid], \
            f"product {pid}: stock {stock} + held {held} + committed {committed} != initial {initial[pid]}"
    return report


# Statuses whose charge stays (sold), and those whose refund may still be
# owed (a cancel or return under way, or refused and waiting for staff).
KEEPS_CHARGE = ("CONFIRMED", "FULFILLED")
REFUND_OWED = ("PENDING", "CANCELLING", "REFUNDING", "CANCEL_REFUND_FAILED", "RETURN_REFUND_FAILED")


def assert_orders_consistent(shop):
    """Every sold order (CONFIRMED, FULFILLED) was charged once and its
    reservation committed; every other settled order that was charged was
    refunded; no stock held for a finished order; no charge without an
    order; each order's refund outcome is its charge's."""
    keeps = ",".join(f"'{s}'" for s in KEEPS_CHARGE)
    owed = ",".join(f"'{s}'" for s in REFUND_OWED)
    bad = shop.sql(
        "SELECT o.id, o.status, c.outcome, c.refunded_at IS NOT NULL, r.state FROM orders.orders o "
        "LEFT JOIN orders.payment_charges c ON c.order_id = o.id "
        "LEFT JOIN catalog.reservations r ON r.order_id = o.id "
        f"WHERE (o.status IN ({keeps}) AND (c.outcome IS DISTINCT FROM 'approved' "
        "OR r.state IS DISTINCT FROM 'committed' OR c.refunded_at IS NOT NULL)) "
        f"OR (o.status NOT IN ({keeps}) AND o.status NOT IN ({owed}) AND c.outcome = 'approved' "
        "AND c.refunded_at IS NULL) "
        "OR (o.status = 'CANCELLED' AND r.state IN ('held', 'committed')) "
        "OR (o.status IN ('PAYMENT_DECLINED', 'REJECTED') AND r.state = 'held')")
    assert bad == "", f"inconsistent orders:\n{bad}"
    orphans = shop.sql("SELECT count(*) FROM orders.payment_charges c LEFT JOIN orders.orders o ON o.id = c.order_id "
                       "WHERE o.id IS NULL")
    assert orphans == "0"
    # The order's record of its refund (what the order page shows) is the
    # provider's ledger's, copied by a trigger in the same transaction.
    differ = shop.sql("SELECT o.id FROM orders.orders o LEFT JOIN orders.payment_charges c ON c.order_id = o.id "
                      "WHERE (o.refunded_at, o.refund_refused_at, o.refund_failure_code) IS DISTINCT FROM "
                      "(c.refunded_at, c.refund_refused_at, c.refund_failure_code)")
    assert differ == "", f"orders whose refund outcome differs from their charge's:\n{differ}"


def counts_by_status(shop):
    rows = shop.sql("SELECT status, count(*) FROM orders.orders GROUP BY status")
    return {s: int(n) for s, n in (line.split("|") for line in rows.splitlines())}


class Stack:
    """product-service and order-service on one database."""

    def __init__(self, shop, product_env=None, order_env=None):
        self.shop = shop
        self.products = service.product_service(shop, **(product_env or {}))
        self.orders = service.order_service(shop, self.products.base_url, **(order_env or {}))
        self.catalog_client = ehttp.Client(self.products.base_url, admin_key=service.TEST_ADMIN_KEY)
        self.order_client = ehttp.Client(self.orders.base_url, admin_key=service.TEST_ADMIN_KEY)

    def close(self):
        self.catalog_client.close()
        self.order_client.close()
        codes = {}
        for proc in (self.orders, self.products):
            if proc.alive():
                codes[proc.name] = proc.stop()
            proc.close()
        return codes


# What the order page (OrderDetail) adds to an order (Order) of a checkout's answer.
DETAIL_FIELDS = ("reservation_state", "refund", "history", "actions")


def order_part(detail):
    """The fields of an order page that a checkout's answer has too."""
    return {k: v for k, v in detail.items() if k not in DETAIL_FIELDS}


def parse(response):
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None
