"""order-service benchmark: order creation (the whole checkout saga: order
record, reservation at product-service, payment with latency 0, commit,
final status) with synchronous_commit on:
  - peak orders/s with wrk -t1 -c32 (a unique Idempotency-Key per order);
  - p99 at 70% of that rate with rate_load (open loop, 32 connections)
    [<= 20 ms], against pgbench's p99 for the same statements at the same
    offered rate (pgbench --rate, 32 clients), runs alternating [<= 2x];
  - pgbench running the same SQL statements, each in its own transaction as
    the saga runs them, as one custom script with 32 clients, in the same
    run [service >= 60% of its rate].
Writes the results as JSON to the path given as the only argument."""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib
from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import service

CLIENTS = 32
LUA = os.path.join(os.path.dirname(__file__), "post_orders.lua")
# The service stamps each write with its own clock in ms ($n of the SQL).
NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"


def statements(binary):
    out = subprocess.run([service.binary(binary), "--print-statements"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def substitute(sql, params):
    for i in sorted(params, reverse=True):  # $10 before $1
        sql = sql.replace(f"${i}", params[i])
    if re.search(r"\$\d", sql):
        raise RuntimeError(f"a parameter of this statement has no value in the pgbench script: {sql}")
    return sql


def saga_script(product_id, price, body):
    """The six statements one confirmed order runs, with $n replaced by
    pgbench expressions (a fresh order id and key per run)."""
    orders = statements("order-service")
    catalog = statements("product-service")
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
    db = cluster.create_shop()
    results = {"suite": "order-service", "machine": benchlib.machine(), "command": "bench/run.sh order-service",
               "seconds_per_run": benchlib.SECONDS, "runs": benchlib.RUNS, "clients": CLIENTS}
    stack = checkout.Stack(db, product_env={"LOG_SAMPLE_RATE": 0},
                           order_env={"LOG_SAMPLE_RATE": 0, "PAYMENT_LATENCY_MS": 0, "DB_POOL_SIZE": 4})
    try:
        settings = cluster.psql("SHOW synchronous_commit") + "/" + cluster.psql("SHOW fsync")
        results["postgres_synchronous_commit_fsync"] = settings
        price = 1000
        pid = checkout.make_products(stack.catalog_client, 1, 1_000_000_000, price=price, prefix="BENCH")[0]
        body = json.dumps(checkout.order_body([(pid, 1)]))
        os.environ["ORDER_BODY"] = body
        peak = []
        for _ in range(benchlib.RUNS):
            out = subprocess.run(["wrk", "-t1", f"-c{CLIENTS}", f"-d{int(benchlib.SECONDS)}s", "--latency", "-s", LUA,
                                  stack.orders.base_url], capture_output=True, text=True, check=True).stdout
            run = benchlib.parse_wrk(out)
            assert run["non_2xx"] == 0, out
            peak.append(run)
        results["peak"] = {"runs": peak, "median_orders_per_s": benchlib.median_of(peak, "rps")}
        rate70 = 0.7 * results["peak"]["median_orders_per_s"]
        # A real confirmed order's JSON is what finish_order stores as the response.
        sample = confirmed_sample(stack)
        script, steps = saga_script(pid, price, json.dumps(sample, separators=(",", ":")))
        results["pgbench_statements"] = steps
        env = dict(os.environ, PGOPTIONS="-c search_path=orders,catalog", PGPASSWORD=cluster.password or "")
        conn = ["-h", cluster.host, "-p", str(cluster.port), "-U", "postgres", db.name]
        # Tail latency at the same offered rate, the service's and pgbench's
        # for the same statements, runs alternating so the disk's fsync
        # latency of the moment hits both alike.
        latency, pg_latency = [], []
        for _ in range(max(5, benchlib.RUNS)):
            latency.append(benchlib.rate_load("127.0.0.1", stack.orders.port, "/api/orders", rate70,
                                              connections=CLIENTS,
                                              extra=["--method", "POST", "--body", body, "--idempotency-keys", "1"]))
            pg_latency.append(benchlib.pgbench_at_rate(conn, script, clients=CLIENTS, rate=rate70, env=env))
        results["at_70_percent"] = {"rate": round(rate70), "runs": latency,
                                    "median_p99_ms": statistics.median(r["p99_ms"] for r in latency),
                                    "median_p50_ms": statistics.median(r["p50_ms"] for r in latency),
                                    "median_p999_ms": statistics.median(r["p999_ms"] for r in latency),
                                    "pgbench_runs": pg_latency,
                                    "pgbench_median_p99_ms": statistics.median(r["p99_ms"] for r in pg_latency),
                                    "pgbench_median_p50_ms": statistics.median(r["p50_ms"] for r in pg_latency),
                                    "pgbench_median_p999_ms": statistics.median(r["p999_ms"] for r in pg_latency)}
        results["at_70_percent"]["p99_ratio_to_pgbench"] = round(
            results["at_70_percent"]["median_p99_ms"] / results["at_70_percent"]["pgbench_median_p99_ms"], 2)
        tps = [benchlib.pgbench(conn, script, clients=CLIENTS, env=env) for _ in range(benchlib.RUNS)]
        results["pgbench_same_sql_tps"] = tps
        results["pgbench_median_tps"] = statistics.median(tps)
        results["ratio_to_pgbench"] = round(results["peak"]["median_orders_per_s"] / results["pgbench_median_tps"], 3)
        results["confirmed_orders"] = db.sql("SELECT count(*) FROM orders.orders WHERE status = 'CONFIRMED'")
        results["rss_peak_kib"] = {"order-service": benchlib.memory_kib(stack.orders.process.pid)["VmHWM"],
                                   "product-service": benchlib.memory_kib(stack.products.process.pid)["VmHWM"]}
    finally:
        stack.close()
        db.drop()
    benchlib.write(out_path, results)
    at70 = results["at_70_percent"]
    print(f"orders: {results['peak']['median_orders_per_s']:.0f}/s vs pgbench {results['pgbench_median_tps']:.0f} "
          f"= {results['ratio_to_pgbench']:.2f}; p99 at 70%: {at70['median_p99_ms']:.2f} ms vs pgbench "
          f"{at70['pgbench_median_p99_ms']:.2f} ms at the same rate = {at70['p99_ratio_to_pgbench']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1])
