#!/usr/bin/python3
"""The API and SQL side of the restore drill (scripts/dr-drill.sh).

  dr_checks.py place    --orders URL --catalog URL --out FILE [--tag T]
      places real orders through order-service's API (approved, declined,
      out of stock), with the test cards of the README, and writes what each
      answer said
  dr_checks.py snapshot --db CONNINFO --out FILE
      what the database holds: every order with its lines and total, the
      order count by status, every product's stock, held and committed
      quantities
  dr_checks.py verify   --db CONNINFO --catalog-db CONNINFO --orders-db CONNINFO
                        --orders URL --catalog URL --admin-key K
                        --catalog-json FILE --snapshot FILE --placed FILE
                        [--lost FILE]
      checks the restored database and the services running on it:
      the stock invariant (initial stock = stock + held + committed, for
      every product), every order of the snapshot present with the same
      status, lines and total (SQL and API), the same order count, nothing
      PENDING, the orders placed after the dump absent, each service role
      confined to its own schema; then that the
      restored system takes writes (a product and an order)

Python's standard library and psql only. Exits 1 with one line per failed
check; prints one line per check that passed.
"""

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid

APPROVE = "4242424242424242"
DECLINE = "4000000000000002"
NO_FUNDS = "4000000000009995"


# ------------------------------------------------------------------ helpers


def call(method, url, body=None, headers=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw or b"null")
        except json.JSONDecodeError:
            return e.code, {"raw": raw.decode(errors="replace")}


def psql_json(conninfo, sql):
    """Runs one query that returns one json value and decodes it."""
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {r.stderr.strip()}")
    return json.loads(r.stdout.strip() or "null")


def order_body(items, card, tag):
    return {
        "customer": {"email": f"dr-drill-{tag}@example.com", "name": "DR Drill"},
        "items": [{"product_id": pid, "quantity": qty} for pid, qty in items],
        "payment": {"card_number": card, "exp_month": 12, "exp_year": 2035, "cvc": "123"},
    }


def all_products(catalog):
    products, cursor = [], None
    while True:
        url = f"{catalog}/api/products?limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page = call("GET", url)
        if status != 200:
            raise RuntimeError(f"GET {url}: {status} {page}")
        products += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return products


# ------------------------------------------------------------------ place


def place(args):
    products = [p for p in all_products(args.catalog) if p["stock"] >= 3]
    # The scarcest first: the drill sells some products out.
    products.sort(key=lambda p: (p["stock"], p["id"]))
    if len(products) < 6:
        raise RuntimeError(f"need 6 products with stock >= 3 in the catalog, found {len(products)}")
    p = products
    plan = [
        ("approved, two lines", [(p[0]["id"], 2), (p[1]["id"], 1)], APPROVE, 201),
        ("approved, one line", [(p[2]["id"], 1)], APPROVE, 201),
        ("approved, three lines", [(p[3]["id"], 1), (p[4]["id"], 1), (p[0]["id"], 1)], APPROVE, 201),
        ("card declined", [(p[5]["id"], 1)], DECLINE, 402),
        ("insufficient funds", [(p[1]["id"], 1)], NO_FUNDS, 402),
        ("out of stock", [(p[2]["id"], p[2]["stock"] + 1)], APPROVE, 409),
        ("approved, Luhn-valid other card", [(p[5]["id"], 2)], "5555555555554444", 201),
    ]
    if args.count:
        plan = plan[:args.count]
    placed = []
    for label, items, card, expected in plan:
        key = str(uuid.uuid4())
        status, body = call("POST", f"{args.orders}/api/orders", order_body(items, card, args.tag),
                            {"Idempotency-Key": key})
        if status != expected:
            raise RuntimeError(f"order '{label}': expected {expected}, got {status} {body}")
        order = body if status == 201 else (body or {}).get("order")
        placed.append({"label": label, "http_status": status, "key": key, "order": order})
        print(f"  placed: {label}: {status} {order['status'] if order else (body or {}).get('error', {}).get('code')}")
    with open(args.out, "w") as f:
        json.dump(placed, f, indent=1)
    return 0


# ------------------------------------------------------------------ snapshot

ORDERS_SQL = """
SELECT COALESCE(jsonb_agg(jsonb_build_object(
         'id', id, 'status', status, 'total_cents', total_cents, 'items', items,
         'reservation_state', reservation_state, 'payment_outcome', payment_outcome,
         'idempotency_key', idempotency_key) ORDER BY id), '[]'::jsonb)
FROM orders.orders
"""

STOCK_SQL = """
SELECT COALESCE(jsonb_object_agg(p.sku, jsonb_build_object(
         'id', p.id, 'stock', p.stock, 'held', COALESCE(h.held, 0), 'committed', COALESCE(h.committed, 0))), '{}'::jsonb)
FROM catalog.products p
LEFT JOIN (SELECT i.product_id,
                  SUM(i.quantity) FILTER (WHERE r.state = 'held') AS held,
                  SUM(i.quantity) FILTER (WHERE r.state = 'committed') AS committed
             FROM catalog.reservation_items i JOIN catalog.reservations r USING (order_id)
            GROUP BY i.product_id) h ON h.product_id = p.id
WHERE p.deleted_at IS NULL
"""


def take_snapshot(conninfo):
    return {"orders": psql_json(conninfo, ORDERS_SQL), "products": psql_json(conninfo, STOCK_SQL)}


def snapshot(args):
    snap = take_snapshot(args.db)
    with open(args.out, "w") as f:
        json.dump(snap, f, indent=1)
    by_status = {}
    for o in snap["orders"]:
        by_status[o["status"]] = by_status.get(o["status"], 0) + 1
    print(f"  snapshot: {len(snap['orders'])} orders {by_status}, {len(snap['products'])} products")
    return 0


# ------------------------------------------------------------------ verify


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed += 1
            print(f"  FAIL  {what}: {detail}")


def stock_invariant(checks, products, initial, when):
    bad = []
    for sku, row in sorted(products.items()):
        if sku not in initial:
            continue
        if row["stock"] < 0 or row["stock"] + row["held"] + row["committed"] != initial[sku]:
            bad.append(f"{sku}: stock {row['stock']} + held {row['held']} + committed {row['committed']} "
                       f"!= initial {initial[sku]}")
    missing = sorted(set(initial) - set(products))
    checks.check(not bad and not missing,
                 f"stock invariant {when}: initial stock = stock + held + committed for all {len(initial)} products",
                 "; ".join(bad[:5] + [f"{m} missing" for m in missing[:5]]))


def check_schema_isolation(checks, catalog_db, orders_db):
    """Each service role reads its own schema and cannot read the other's:
    the grants of scripts/sql/bootstrap.sql came back with the restore."""
    def can_read(conninfo, table):
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", conninfo, "-c", f"SELECT count(*) FROM {table}"],
                           capture_output=True, text=True, timeout=30)
        return r.returncode == 0, r.stderr.strip()
    own = [can_read(catalog_db, "catalog.products"), can_read(orders_db, "orders.orders")]
    other = [can_read(catalog_db, "orders.orders"), can_read(orders_db, "catalog.products")]
    checks.check(all(ok for ok, _ in own) and not any(ok for ok, _ in other)
                 and all("permission denied" in err for _, err in other),
                 "catalog_svc and orders_svc each read only their own schema (permission denied on the other's)",
                 f"own: {own}, other: {other}")


def verify(args):
    checks = Checks()
    with open(args.catalog_json) as f:
        initial = {p["sku"]: p["stock"] for p in json.load(f)}
    with open(args.snapshot) as f:
        before = json.load(f)
    with open(args.placed) as f:
        placed = json.load(f)
    lost = []
    if args.lost:
        with open(args.lost) as f:
            lost = json.load(f)

    after = take_snapshot(args.db)

    # SQL: the database as it was dumped.
    stock_invariant(checks, after["products"], initial, "after the restore")
    checks.check(after["products"] == before["products"],
                 f"every product's stock, held and committed quantities equal the dump's ({len(after['products'])} products)",
                 "differs")
    checks.check(len(after["orders"]) == len(before["orders"]),
                 f"orders count equal: {len(after['orders'])} restored, {len(before['orders'])} dumped")
    restored = {o["id"]: o for o in after["orders"]}
    confirmed = [o for o in before["orders"] if o["status"] == "CONFIRMED"]
    diff = [o["id"] for o in before["orders"] if restored.get(o["id"]) != o]
    checks.check(not diff, f"every dumped order present with the same status, lines and total "
                           f"({len(confirmed)} CONFIRMED, {len(before['orders']) - len(confirmed)} other)",
                 f"differ: {diff[:5]}")
    totals = [o["id"] for o in confirmed
              if o["total_cents"] != sum(i["quantity"] * i["unit_price_cents"] for i in o["items"])]
    checks.check(not totals and confirmed, "every CONFIRMED order's total is the sum of its lines", f"{totals[:5]}")
    pending = [o["id"] for o in after["orders"] if o["status"] == "PENDING"]
    checks.check(not pending, "no order is PENDING", f"{pending}")
    check_schema_isolation(checks, args.catalog_db, args.orders_db)

    # API: what the customers were told is what the restored service says
    # (read with the admin key: an order is shown only to its token or an admin).
    admin = {"Authorization": f"Bearer {args.admin_key}"}
    mismatched = []
    for entry in placed:
        order = entry["order"]
        if not order:
            continue
        status, body = call("GET", f"{args.orders}/api/orders/{order['id']}", headers=admin)
        if status != 200 or any(body.get(k) != order.get(k) for k in ("status", "total_cents", "items", "currency")):
            mismatched.append(f"{entry['label']} {order['id']}: {status}")
    checks.check(not mismatched,
                 f"GET /api/orders/{{id}} answers every placed order as it was answered at checkout "
                 f"({sum(1 for e in placed if e['order'])} orders)", "; ".join(mismatched))
    lost_found = []
    for entry in lost:
        status, _ = call("GET", f"{args.orders}/api/orders/{entry['order']['id']}", headers=admin)
        if status != 404:
            lost_found.append(entry["order"]["id"])
    if lost:
        checks.check(not lost_found, f"the {len(lost)} order(s) placed after the dump are not in the restore "
                                     f"(GET answers 404): the data loss a dump-based recovery point allows",
                     f"found: {lost_found}")
    stock_mismatch = []
    for sku, row in after["products"].items():
        status, body = call("GET", f"{args.catalog}/api/products/{row['id']}")
        if status != 200 or body.get("stock") != row["stock"]:
            stock_mismatch.append(f"{sku}: API {body.get('stock') if status == 200 else status}, SQL {row['stock']}")
    checks.check(not stock_mismatch, f"GET /api/products/{{id}} shows the restored stock of all {len(after['products'])} products",
                 "; ".join(stock_mismatch[:5]))

    # The restored system takes writes: identity sequences and roles came back.
    max_id = max(row["id"] for row in after["products"].values())
    status, body = call("POST", f"{args.catalog}/api/products",
                        {"sku": "DR-" + uuid.uuid4().hex[:8], "name": "DR drill product", "category": "drill",
                         "price_cents": 1234, "stock": 5},
                        {"Authorization": f"Bearer {args.admin_key}"})
    checks.check(status == 201 and body["id"] > max_id,
                 f"admin POST /api/products creates product {body.get('id') if status == 201 else '-'} after the highest restored id {max_id}",
                 f"{status} {body}")
    product_id = next(row["id"] for sku, row in sorted(after["products"].items()) if row["stock"] >= 1)
    key = str(uuid.uuid4())
    status, body = call("POST", f"{args.orders}/api/orders", order_body([(product_id, 1)], APPROVE, "restored"),
                        {"Idempotency-Key": key})
    checks.check(status == 201 and body.get("status") == "CONFIRMED",
                 "a new order on the restored system is CONFIRMED", f"{status} {body}")
    stock_invariant(checks, take_snapshot(args.db)["products"], initial, "after a new order on the restored system")

    print(f"  {checks.passed} checks passed, {checks.failed} failed")
    return 1 if checks.failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("place")
    p.add_argument("--orders", required=True)
    p.add_argument("--catalog", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--tag", default="before")
    p.add_argument("--count", type=int, default=0)
    s = sub.add_parser("snapshot")
    s.add_argument("--db", required=True)
    s.add_argument("--out", required=True)
    v = sub.add_parser("verify")
    for name in ("--db", "--catalog-db", "--orders-db", "--orders", "--catalog", "--admin-key", "--catalog-json",
                 "--snapshot", "--placed"):
        v.add_argument(name, required=True)
    v.add_argument("--lost")
    args = parser.parse_args()
    try:
        return {"place": place, "snapshot": snapshot, "verify": verify}[args.command](args)
    except (RuntimeError, OSError, KeyError, ValueError) as e:
        print(f"dr_checks.py {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
