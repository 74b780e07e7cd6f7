"""scripts/smoke-test.sh and scripts/lib/load_demo.py against the real
platform (the three services and nginx as the ALB, on PostgreSQL): the smoke
test walks the whole checkout saga and leaves no trace a customer or the
books can see, counted in the database itself: every product's stock is
unchanged, no reservation is held or committed, no order is CONFIRMED and no
charge approved; exactly one PAYMENT_DECLINED order (and its declined payment
attempt) is added. The demo catalog loader is idempotent by SKU."""

import json
import os
import signal
import subprocess
import time

from ecomtest import cluster as pg
from ecomtest import service
from ecomtest.stack import FullStack

SMOKE_TEST = os.path.join(pg.SOURCE_DIR, "scripts", "smoke-test.sh")
LOAD_DEMO = os.path.join(pg.SOURCE_DIR, "scripts", "lib", "load_demo.py")
CATALOG = os.path.join(pg.SOURCE_DIR, "services", "product-service", "demo", "catalog.json")


def rows(shop, statement):
    out = shop.sql(statement)
    return [line.split("|") for line in out.splitlines() if line]


def ledger(shop):
    """What a customer or the books could see, read from the database."""
    return {
        "stock": dict(rows(shop, "SELECT sku, stock FROM catalog.products WHERE deleted_at IS NULL ORDER BY sku")),
        "reservations": dict(rows(shop, "SELECT state, count(*) FROM catalog.reservations GROUP BY state")),
        "orders": dict(rows(shop, "SELECT status, count(*) FROM orders.orders GROUP BY status")),
        "charges": dict(rows(shop, "SELECT outcome, count(*) FROM orders.payment_charges GROUP BY outcome")),
    }


def test_the_smoke_test_leaves_no_trace(full_stack):
    shop = full_stack.shop
    before = ledger(shop)
    assert len(before["stock"]) == len(json.load(open(CATALOG))), "the demo catalog is loaded"
    result = subprocess.run(["bash", SMOKE_TEST, full_stack.base_url], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SMOKE_WAIT_SECONDS": "20"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    after = ledger(shop)
    assert after["stock"] == before["stock"], "no stock spent"
    assert after["reservations"].get("held", "0") == "0", "nothing held"
    assert after["reservations"].get("committed") == before["reservations"].get("committed"), "nothing sold"
    assert after["orders"].get("CONFIRMED") == before["orders"].get("CONFIRMED"), "no order confirmed"
    assert after["charges"].get("approved") == before["charges"].get("approved"), "nothing charged"
    declined = int(after["orders"].get("PAYMENT_DECLINED", "0")) - int(before["orders"].get("PAYMENT_DECLINED", "0"))
    assert declined == 1, after["orders"]
    attempts = int(after["charges"].get("card_declined", "0")) - int(before["charges"].get("card_declined", "0"))
    assert attempts == 1, "the declined attempt is recorded, nothing charged"
    # The one declined order is the smoke test's, its reservation released.
    order = rows(shop, "SELECT customer_email, payment_outcome, reservation_state FROM orders.orders "
                       "WHERE status = 'PAYMENT_DECLINED' ORDER BY created_at DESC LIMIT 1")[0]
    assert order == ["smoke-test@example.com", "card_declined", "released"]


def test_the_demo_catalog_loader_is_idempotent_by_sku(full_stack):
    shop = full_stack.shop
    before = ledger(shop)["stock"]
    demo = json.load(open(CATALOG))
    result = subprocess.run(["/usr/bin/python3", LOAD_DEMO, full_stack.base_url, service.TEST_ADMIN_KEY, CATALOG],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"loaded 0 of {len(demo)} demo products; {len(demo)} already there"
    assert ledger(shop)["stock"] == before

    # An archived product frees its SKU: the loader creates it again, and only it.
    sku = demo[3]["sku"]
    shop.sql(f"UPDATE catalog.products SET stock = 1 WHERE sku = '{demo[4]['sku']}'")
    product_id = rows(shop, f"SELECT id FROM catalog.products WHERE sku = '{sku}' AND deleted_at IS NULL")[0][0]
    delete = subprocess.run(["curl", "-fsS", "-X", "DELETE", "-H", f"Authorization: Bearer {service.TEST_ADMIN_KEY}",
                             f"{full_stack.base_url}/api/products/{product_id}"], capture_output=True, text=True)
    assert delete.returncode == 0, delete.stderr
    result = subprocess.run(["/usr/bin/python3", LOAD_DEMO, full_stack.base_url, "-", CATALOG],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "ADMIN_API_KEY": service.TEST_ADMIN_KEY})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"loaded 1 of {len(demo)} demo products; {len(demo) - 1} already there"
    stock = ledger(shop)["stock"]
    assert stock[sku] == str(demo[3]["stock"])
    assert stock[demo[4]["sku"]] == "1", "an existing product is left alone"


def test_a_checkout_cancelled_while_inventory_was_down_is_started_over_once():
    """The first start of a container stack on a new machine: order-service
    cannot reach product-service for a while, its reconciler cancels the
    paused checkout once the window passes, and the smoke test's retry with
    the same key is answered 409 order_cancelled. The test then starts over
    with a new key (once), as that answer says, and passes; the cancelled
    attempt charged nothing and moved no stock."""
    shop = pg.Cluster.shared().create_shop()
    inventory = service.product_service(shop)  # the product-service order-service calls, stopped below
    stack = FullStack(shop, inventory=inventory,
                      order_env={"RECONCILE_WINDOW_SECONDS": 1, "RECONCILE_INTERVAL_MS": 200, "ORDER_LEASE_SECONDS": 1,
                                 "INVENTORY_TIMEOUT_MS": 300, "CIRCUIT_BREAKER_OPEN_MS": 300})
    smoke = None
    try:
        before = ledger(shop)
        inventory.signal(signal.SIGSTOP)
        smoke = subprocess.Popen(["bash", SMOKE_TEST, stack.base_url], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True,
                                 env={**os.environ, "SMOKE_WAIT_SECONDS": "20", "SMOKE_POLL_SECONDS": "1",
                                      "SMOKE_CHECKOUT_TRIES": "30", "SMOKE_REQUEST_TIMEOUT": "10"})
        lines = []
        for line in smoke.stdout:
            lines.append(line)
            if "again in" in line and "503" in line:
                break
        # The checkout is paused; past the reconciler's window, inventory is back.
        time.sleep(2)
        inventory.signal(signal.SIGCONT)
        out, _ = smoke.communicate(timeout=120)
        output = "".join(lines) + out
        assert smoke.returncode == 0, output
        assert "a new checkout with a new Idempotency-Key" in output, output
        assert output.count("a new checkout with a new Idempotency-Key") == 1, output
        after = ledger(shop)
        assert after["stock"] == before["stock"], "no stock spent"
        assert after["charges"].get("approved") == before["charges"].get("approved"), "nothing charged"
        assert after["reservations"].get("held", "0") == "0", "nothing held"
        assert int(after["orders"].get("CANCELLED", "0")) - int(before["orders"].get("CANCELLED", "0")) == 1
        assert int(after["orders"].get("PAYMENT_DECLINED", "0")) - int(before["orders"].get("PAYMENT_DECLINED", "0")) == 1
    finally:
        if smoke and smoke.poll() is None:
            smoke.kill()
        inventory.signal(signal.SIGCONT)
        stack.close()
        inventory.stop()
        inventory.close()
        shop.drop()
