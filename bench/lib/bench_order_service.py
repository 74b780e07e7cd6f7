"""order-service benchmark: order creation (the whole checkout saga: order
record, reservation at product-service, payment with latency 0, commit,
final status) with synchronous_commit on:
  - peak orders/s with wrk -t1 -c32 (a unique Idempotency-Key per order);
  - p99 at 70% of that rate with rate_load (open loop, 32 connections)
    [<= 20 ms], against pgbench's p99 for the same statements at the same
    offered rate (pgbench --rate, 32 clients), runs alternating [<= 2x];
  - pgbench running the same SQL statements, each in its own transaction as
    the saga runs them, as one custom script with 32 clients, in the same
    run [service >= 60% of its rate];
  - the order page (GET /api/orders/{id}, the order with its history):
    peak reads/s with wrk, and p99 at 70% of that rate [<= 5 ms];
  - cancels (POST /api/orders/{id}/cancel by an admin: guarded move, stock
    back at product-service, refund, settle), each of a different confirmed
    order, against pgbench running the same statements, each in its own
    transaction as the service runs them, on orders pgbench confirmed itself
    [service >= 60% of its rate].
Writes the results as JSON to the path given as the only argument."""

import json
import os
import re
import statistics
import sys
import tempfile
import time

import benchlib
from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import service

CLIENTS = 32
# The checkout always runs (the order page reads one of its orders);
# BENCH_ORDER_PARTS=checkout leaves out the order page and the cancels, for
# an order-service built before they existed (bench/run.sh --before).
ALL_PARTS = ("checkout", "order_page", "cancel")
PARTS = [p for p in os.environ.get("BENCH_ORDER_PARTS", ",".join(ALL_PARTS)).split(",") if p]
if not set(PARTS) <= set(ALL_PARTS):
    sys.exit(f"BENCH_ORDER_PARTS: unknown part(s) {sorted(set(PARTS) - set(ALL_PARTS))}; known: {', '.join(ALL_PARTS)}")
LUA = os.path.join(os.path.dirname(__file__), "post_orders.lua")
CANCEL_LUA = os.path.join(os.path.dirname(__file__), "cancel_orders.lua")
# The service stamps each write with its own clock in ms ($n of the SQL).
NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"


def substitute(sql, params):
    for i in sorted(params, reverse=True):  # $10 before $1
        sql = sql.replace(f"${i}", params[i])
    if re.search(r"\$\d", sql):
        raise RuntimeError(f"a parameter of this statement has no value in the pgbench script: {sql}")
    return sql


def saga_script(product_id, price, body):
    """The six statements one confirmed order runs, with $n replaced by
    pgbench expressions (a fresh order id and key per run)."""
    orders = service.statements("order-service")
    catalog = service.statements("product-service")
    oid = "md5(:client_id || '-' || :n)::uuid"
    items = f"'[{{\"product_id\":{product_id},\"quantity\":1}}]'"
    priced = (f"'[{{\"product_id\":{product_id},\"sku\":\"BENCH\",\"name\":\"Bench item\",\"quantity\":1,"
              f"\"unit_price_cents\":{price}}}]'")
    quoted_body = "'" + body.replace("'", "''") + "'"
    steps = [
        substitute(orders["insert_order"], {1: oid, 2: "'k-' || :client_id || '-' || :n", 3: "'fingerprint'",
                                            4: "'bench@example.com'", 5: "'Bench'", 6: items, 7: "'4242'", 8: oid,
                                            9: "15", 10: NOW_MS}),
        substitute(catalog["reserve_stock"], {1: oid, 2: f"'{{{product_id}}}'", 3: "'{1}'"}),
        substitute(orders["record_reservation"], {1: oid, 2: oid, 3: "15", 4: priced, 5: str(price), 6: NOW_MS}),
        substitute(orders["record_charge"], {1: oid, 2: str(price), 3: "'4242'", 4: "'approved'"}),
        substitute(catalog["commit_reservation"], {1: oid}),
        substitute(orders["finish_order"], {1: oid, 2: oid, 3: "'CONFIRMED'", 4: "'committed'", 5: "NULL", 6: "NULL",
                                            7: "201", 8: quoted_body, 9: NOW_MS, 10: "'approved'"}),
    ]
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    f.write("\\set n random(1, 9000000000000000000)\n")
    for sql in steps:
        f.write(sql + ";\n")
    f.close()
    return f.name, steps


def cancel_script():
    """The statements one cancel runs (OrderMoves::ask with the stock back
    and the refund), on the next order of orders.bench_cancel."""
    orders = service.statements("order-service")
    catalog = service.statements("product-service")
    oid = ":oid::uuid"
    page = substitute(orders["order_page"], {1: oid})
    steps = [
        page,
        substitute(orders["move_order"], {1: oid, 2: "'CONFIRMED'", 3: "'CANCELLING'", 4: "'admin'", 5: "NULL",
                                          6: "NULL"}),
        page,
        substitute(catalog["return_reservation"], {1: oid}),
        substitute(catalog["get_reservation"], {1: oid}),
        substitute(orders["mark_returned"], {1: oid}),
        substitute(orders["refund_charge"], {1: oid}),
        substitute(orders["move_order"], {1: oid, 2: "'CANCELLING'", 3: "'CANCELLED'", 4: "'system'", 5: "NULL",
                                          6: "NULL"}),
        page,
    ]
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    # nextval in a scalar subquery: once per transaction, not once per row scanned.
    f.write("SELECT id AS oid FROM orders.bench_cancel WHERE n = (SELECT nextval('orders.bench_cancel_next')) \\gset\n")
    for sql in steps:
        f.write(sql + ";\n")
    f.close()
    return f.name, steps


def bench_order_page(stack, sql, order_id):
    """Peak reads of one order's page, then p99 at 70% of it. The checkout
    phases before it leave dead rows and dirty pages: they are vacuumed and
    checkpointed first, so their cleanup is not measured as the page's tail."""
    for table in ("orders.orders", "orders.order_history", "orders.payment_charges", "catalog.reservations"):
        sql(f"VACUUM ANALYZE {table}")
    sql("CHECKPOINT")
    url = f"{stack.orders.base_url}/api/orders/{order_id}"
    auth = f"Authorization: Bearer {service.TEST_ADMIN_KEY}"
    # What each read costs the service and its database sessions, at the
    # peak (wrk keeps 32 requests waiting: they share event-loop turns and
    # pipeline batches) and at 70% of it (requests spread evenly in time).
    groups = {"order-service": [stack.orders.process.pid],
              "postgres": [int(pid) for pid in sql("SELECT pid FROM pg_stat_activity WHERE usename = 'orders_svc'").split()]}
    peak_every, peak_used, peak_quiet = benchlib.quiet_rounds(
        lambda: {"service": benchlib.with_cpu(groups, lambda: benchlib.wrk_ok(url, connections=CLIENTS, headers=[auth]),
                                              lambda run: run["requests"])})
    rate70 = benchlib.tail_rate("order_page.at_70_percent.rate", benchlib.median_of(peak_used["service"], "rps"))
    every, used, quiet = benchlib.tail_rounds(
        lambda: {"service": benchlib.with_cpu(
            groups, lambda: benchlib.rate_load("127.0.0.1", stack.orders.port, f"/api/orders/{order_id}", rate70,
                                               connections=CLIENTS, extra=["--header", auth]),
            lambda run: run["target_rate"] * (benchlib.SECONDS + 1))})  # rate_load's 1-s warm-up runs too
    return {"peak": {"runs": peak_every["service"], "quiet": peak_quiet,
                     "median_reads_per_s": benchlib.median_of(peak_used["service"], "rps"),
                     "median_cpu_us_per_read": cpu_medians(peak_used["service"])},
            "at_70_percent": {"rate": round(rate70), "runs": every["service"], "quiet": quiet,
                              "median_p99_ms": benchlib.median_of(used["service"], "p99_ms"),
                              "median_p50_ms": benchlib.median_of(used["service"], "p50_ms"),
                              "median_cpu_us_per_read": cpu_medians(used["service"])}}


def cpu_medians(runs):
    return {name: statistics.median(run["cpu_us_per_request"][name] for run in runs)
            for name in runs[0]["cpu_us_per_request"]}


def bench_cancels(stack, db, conn, env):
    """Cancels by the service (of the orders it confirmed) against pgbench
    (of the orders pgbench's saga script confirmed), each order once."""
    ids = db.sql("SELECT id FROM orders.orders WHERE status = 'CONFIRMED' AND customer_email = 'buyer@example.com' "
                 "ORDER BY created_at").splitlines()
    # pgbench's orders: copies of a confirmed order (with its charge and its
    # committed reservation), enough for every run at twice the service's rate.
    db.sql("CREATE TABLE orders.bench_cancel (n bigint PRIMARY KEY, id uuid NOT NULL); "
           "CREATE SEQUENCE orders.bench_cancel_next")
    with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
        f.write("\n".join(ids) + "\n")
    state = {"sent": 0, "first": 0, "largest": 0}

    def cancel_round():
        # Each run starts past every id an earlier run may have sent: wrk
        # counts the answers it read, and up to CLIENTS more were in flight.
        service_env = dict(os.environ, CANCEL_IDS=f.name, CANCEL_FIRST=str(state["first"]),
                           ADMIN_KEY=service.TEST_ADMIN_KEY)
        run = benchlib.wrk_ok(stack.orders.base_url, connections=CLIENTS, script=CANCEL_LUA, env=service_env)
        state["sent"] += run["requests"]
        state["first"] += run["requests"] + CLIENTS
        state["largest"] = max(state["largest"], run["requests"])
        return {"service": run}

    # Another round only while the confirmed orders last for one more run as
    # large as the largest so far.
    every, used, quiet = benchlib.quiet_rounds(
        cancel_round, more=lambda: state["first"] + state["largest"] + CLIENTS <= len(ids))
    sent, first = state["sent"], state["first"]
    cancelled = int(db.sql("SELECT count(*) FROM orders.orders WHERE status = 'CANCELLED' "
                           "AND customer_email = 'buyer@example.com'"))
    if first > len(ids) or not sent <= cancelled <= sent + CLIENTS * len(every["service"]):
        raise RuntimeError(f"the service's cancels ran out of confirmed orders ({sent} sent, {len(ids)} orders, "
                           f"{cancelled} cancelled): lower BENCH_SECONDS")
    median = benchlib.median_of(used["service"], "rps")
    pg_available = int(2 * median * benchlib.SECONDS * benchlib.RUNS * benchlib.TRIES) + 10_000
    template = ids[-1]  # one the service did not cancel
    db.sql(f"""
        INSERT INTO orders.bench_cancel SELECT g, gen_random_uuid() FROM generate_series(1, {pg_available}) g;
        INSERT INTO orders.orders (id, idempotency_key, request_fingerprint, customer_email, customer_name,
                                   requested_items, items, total_cents, currency, card_last4, status,
                                   reservation_state, payment_outcome, response_status, response_body)
        SELECT b.id, 'bench-cancel-' || b.n, t.request_fingerprint, 'bench@example.com', t.customer_name,
               t.requested_items, t.items, t.total_cents, t.currency, t.card_last4, 'CONFIRMED', 'committed',
               'approved', t.response_status, t.response_body
          FROM orders.bench_cancel b, orders.orders t WHERE t.id = '{template}';
        INSERT INTO orders.order_history (order_id, actor, from_status, to_status, reason)
        SELECT id, 'system', 'PENDING', 'CONFIRMED', 'checkout' FROM orders.bench_cancel;
        INSERT INTO orders.payment_charges (order_id, amount_cents, card_last4, outcome)
        SELECT b.id, c.amount_cents, c.card_last4, 'approved'
          FROM orders.bench_cancel b, orders.payment_charges c WHERE c.order_id = '{template}';
        INSERT INTO catalog.reservations (order_id, state) SELECT id, 'committed' FROM orders.bench_cancel;
        INSERT INTO catalog.reservation_items (order_id, product_id, quantity, unit_price_cents, sku, name)
        SELECT b.id, i.product_id, i.quantity, i.unit_price_cents, i.sku, i.name
          FROM orders.bench_cancel b, catalog.reservation_items i WHERE i.order_id = '{template}';""")
    db.sql("VACUUM ANALYZE orders.orders")
    script, steps = cancel_script()
    pg_every, pg_used, pg_quiet = benchlib.quiet_rounds(
        lambda: {"pgbench": {"tps": benchlib.pgbench(conn, script, clients=CLIENTS, env=env)}})
    taken = int(db.sql("SELECT last_value FROM orders.bench_cancel_next"))
    pg_cancelled = int(db.sql("SELECT count(*) FROM orders.orders WHERE status = 'CANCELLED' "
                              "AND customer_email = 'bench@example.com'"))
    if taken > pg_available or pg_cancelled < taken - CLIENTS:
        raise RuntimeError(f"pgbench's cancels ran out of confirmed orders ({taken} taken, {pg_available} orders, "
                           f"{pg_cancelled} cancelled): lower BENCH_SECONDS")
    pg_median = benchlib.median_of(pg_used["pgbench"], "tps")
    return {"runs": every["service"], "median_cancels_per_s": median, "orders_cancelled": cancelled,
            "pgbench_statements": steps, "pgbench_runs": pg_every["pgbench"], "pgbench_median_tps": pg_median,
            "pgbench_orders_cancelled": pg_cancelled, "quiet": quiet and pg_quiet,
            "ratio_to_pgbench": round(median / pg_median, 3)}


def checkout_tail(stack, cluster, db, product_id, price, body):
    """Peak orders/s (wrk, a new Idempotency-Key each), then p50/p99/p99.9 at
    70% of it (rate_load, open loop) against pgbench running the saga's
    statements at the same offered rate (--rate, latency from the scheduled
    start), the two alternating so the disk's fsync latency of the moment
    hits both alike. Each phase keeps its quiet rounds (benchlib.quiet_rounds)."""
    peak_every, peak_used, peak_quiet = benchlib.quiet_rounds(
        lambda: {"service": benchlib.wrk_ok(stack.orders.base_url, connections=CLIENTS, script=LUA)})
    rate70 = benchlib.tail_rate("checkout.rate", benchlib.median_of(peak_used["service"], "rps"))
    # A real confirmed order's JSON is what finish_order stores as the response.
    sample = confirmed_sample(stack)
    script, steps = saga_script(product_id, price, json.dumps(sample, separators=(",", ":")))
    conn, env = pgbench_connection(cluster, db)
    every, used, quiet = benchlib.tail_rounds(
        lambda: {"service": benchlib.rate_load("127.0.0.1", stack.orders.port, "/api/orders", rate70,
                                               connections=CLIENTS,
                                               extra=["--method", "POST", "--body", body, "--idempotency-keys", "1"]),
                 "pgbench": benchlib.pgbench_at_rate(conn, script, clients=CLIENTS, rate=rate70, env=env)})
    out = {"peak_runs": peak_every["service"], "peak_quiet": peak_quiet,
           "peak_median_orders_per_s": benchlib.median_of(peak_used["service"], "rps"), "rate": round(rate70),
           "clients": CLIENTS, "pgbench_statements": steps, "sample_order_id": sample["id"],
           "runs": every["service"], "pgbench_runs": every["pgbench"], "quiet": peak_quiet and quiet}
    for who, runs in (("", used["service"]), ("pgbench_", used["pgbench"])):
        for p in ("p50_ms", "p99_ms", "p999_ms"):
            out[f"{who}median_{p}"] = benchlib.median_of(runs, p)
    out["p99_ratio_to_pgbench"] = round(out["median_p99_ms"] / out["pgbench_median_p99_ms"], 2)
    return out, script


def pgbench_connection(cluster, db):
    """pgbench's connection arguments and environment for the saga's and the
    cancel's statements (both schemas on the search path)."""
    env = dict(os.environ, PGOPTIONS="-c search_path=orders,catalog", PGPASSWORD=cluster.password or "")
    return ["-h", cluster.host, "-p", str(cluster.port), "-U", "postgres", db.name], env


def confirmed_sample(stack):
    """The latest order once it is CONFIRMED (the last orders of a wrk run may
    still be in flight): what finish_order stores as the response. A pending
    order's JSON has `:null` in it, which pgbench would take for a variable."""
    for _ in range(50):
        sample = stack.order_client.get("/api/orders?email=buyer@example.com&limit=1", admin=True).json()["items"][0]
        if sample["status"] == "CONFIRMED":
            return sample
        time.sleep(0.1)
    raise RuntimeError(f"the latest order did not become CONFIRMED: {sample}")


def main(out_path):
    cluster = pg.Cluster.from_conninfo(os.environ["ECOM_BENCH_PG"])
    db = benchlib.create_shop(cluster)
    results = {"suite": "order-service", "machine": benchlib.machine(), "command": "bench/run.sh order-service",
               "seconds_per_run": benchlib.SECONDS, "runs": benchlib.RUNS, "tries": benchlib.TRIES,
               "tail_steal_limit": benchlib.tail_steal_limit(), "clients": CLIENTS}
    stack = checkout.Stack(db, product_env={"LOG_SAMPLE_RATE": 0},
                           order_env={"LOG_SAMPLE_RATE": 0, "PAYMENT_LATENCY_MS": 0, "DB_POOL_SIZE": 4})
    try:
        settings = cluster.psql("SHOW synchronous_commit") + "/" + cluster.psql("SHOW fsync")
        results["postgres_synchronous_commit_fsync"] = settings
        price = 1000
        pid = checkout.make_products(stack.catalog_client, 1, 1_000_000_000, price=price, prefix="BENCH")[0]
        body = json.dumps(checkout.order_body([(pid, 1)]))
        os.environ["ORDER_BODY"] = body
        results["checkout"], script = checkout_tail(stack, cluster, db, pid, price, body)
        conn, env = pgbench_connection(cluster, db)
        every, used, quiet = benchlib.quiet_rounds(
            lambda: {"pgbench": {"tps": benchlib.pgbench(conn, script, clients=CLIENTS, env=env)}})
        results["pgbench_same_sql"] = {"runs": every["pgbench"], "quiet": quiet,
                                       "median_tps": benchlib.median_of(used["pgbench"], "tps")}
        results["ratio_to_pgbench"] = round(results["checkout"]["peak_median_orders_per_s"] /
                                            results["pgbench_same_sql"]["median_tps"], 3)
        results["confirmed_orders"] = db.sql("SELECT count(*) FROM orders.orders WHERE status = 'CONFIRMED'")
        if "order_page" in PARTS:
            results["order_page"] = bench_order_page(stack, db.sql, results["checkout"]["sample_order_id"])
        if "cancel" in PARTS:
            results["cancel"] = bench_cancels(stack, db, conn, env)
        results["rss_peak_kib"] = {"order-service": benchlib.memory_kib(stack.orders.process.pid)["VmHWM"],
                                   "product-service": benchlib.memory_kib(stack.products.process.pid)["VmHWM"]}
    finally:
        stack.close()
        db.drop()
    benchlib.write(out_path, results)
    at70 = results["checkout"]
    print(f"orders: {at70['peak_median_orders_per_s']:.0f}/s vs pgbench {results['pgbench_same_sql']['median_tps']:.0f} "
          f"= {results['ratio_to_pgbench']:.2f}; p99 at 70%: {at70['median_p99_ms']:.2f} ms vs pgbench "
          f"{at70['pgbench_median_p99_ms']:.2f} ms at the same rate = {at70['p99_ratio_to_pgbench']:.2f}x")
    if set(PARTS) != set(ALL_PARTS):
        return
    page, cancel = results["order_page"], results["cancel"]
    print(f"order page: {page['peak']['median_reads_per_s']:.0f}/s, p99 at 70%: "
          f"{page['at_70_percent']['median_p99_ms']:.2f} ms; cancels: {cancel['median_cancels_per_s']:.0f}/s vs "
          f"pgbench {cancel['pgbench_median_tps']:.0f} = {cancel['ratio_to_pgbench']:.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
