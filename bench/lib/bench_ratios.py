"""The ratios of issue 18, each against its baseline measured in the same run,
runs alternating so that drift on a shared machine hits both alike:
  1. GET /api/products/{id} from the cache against bench/reference/bare_server
     answering the same body [>= 0.95x];
  2. GET /api/products?limit=20, cache off, against bench/reference/list_server
     (the same statement and JSON from a minimal server of the same design)
     [>= 0.9x] and against pgbench running the same SQL, -c64 [>= 0.8x];
  3. checkout (POST /api/orders, the whole saga) p50/p99/p99.9 at 70% of the
     service's peak against pgbench running the same statements at the same
     offered rate (--rate) [p99 <= 2x pgbench's].
Writes the results as JSON to the path given as the only argument."""

import json
import os
import sys
import tempfile

import benchlib
import bench_order_service as orders
import bench_product_service as products
from ecomtest import checkout
from ecomtest import cluster as pg
from ecomtest import service

LIST = "/api/products?limit=20"


def cached_get(db):
    proc = service.product_service(db, LOG_SAMPLE_RATE=0)
    try:
        products.load_demo(proc)
        status, body = products.http_get(proc.port, "/api/products/1")
        assert status == 200, status
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
            f.write(body)
        bare = products.ReferenceServer("bare_server", "--body-file", f.name)
        try:
            out = products.measure_peak(proc, "/api/products/1", reference_url=bare.base_url + "/")
        finally:
            bare.stop()
            os.unlink(f.name)
    finally:
        proc.stop()
        proc.close()
    out.update(path="/api/products/1", reference=f"bench/reference/bare_server, the same {len(body)}-byte body")
    return out


def uncached_list(cluster, db):
    script, sql = products.pgbench_script("list_products", [0, 21])
    proc = service.product_service(db, LOG_SAMPLE_RATE=0, CATALOG_CACHE="false")
    reference = products.ReferenceServer("list_server", "--conninfo",
                                         cluster.conninfo(dbname=db.name, user="catalog_svc"), "--sql",
                                         service.statements("product-service")["list_products"],
                                         env=dict(os.environ, PGPASSWORD=db.passwords["catalog"]))
    env = dict(os.environ, PGPASSWORD=db.passwords["catalog"])
    conn_args = ["-h", cluster.host, "-p", str(cluster.port), "-U", "catalog_svc", db.name]
    try:
        if products.http_get(proc.port, LIST) != products.http_get(reference.port, LIST):
            raise RuntimeError("list_server's answer differs from the service's")
        every, used, quiet = benchlib.quiet_rounds(
            lambda: {"service": benchlib.wrk_ok(proc.base_url + LIST), "reference": benchlib.wrk_ok(reference.base_url + LIST),
                     "pgbench": {"tps": benchlib.pgbench(conn_args, script, clients=64, env=env)}})
    finally:
        reference.stop()
        proc.stop()
        proc.close()
    out = {"path": LIST, "reference": "bench/reference/list_server, the same statement and JSON",
           "pgbench_sql": sql, "runs": every["service"], "reference_runs": every["reference"],
           "pgbench_runs": every["pgbench"], "quiet": quiet, "median_rps": benchlib.median_of(used["service"], "rps"),
           "reference_median_rps": benchlib.median_of(used["reference"], "rps"),
           "pgbench_median_tps": benchlib.median_of(used["pgbench"], "tps")}
    out["ratio_to_reference"] = round(out["median_rps"] / out["reference_median_rps"], 3)
    out["ratio_to_pgbench"] = round(out["median_rps"] / out["pgbench_median_tps"], 3)
    # Each round's service run over its pgbench run, a few seconds apart: a
    # second reading when the host's speed drifts between rounds (reported,
    # not the target's statistic).
    out["round_ratios_to_pgbench"] = [round(svc["rps"] / pgb["tps"], 3)
                                      for svc, pgb in zip(used["service"], used["pgbench"])]
    return out


def checkout_tail(cluster, db):
    stack = checkout.Stack(db, product_env={"LOG_SAMPLE_RATE": 0},
                           order_env={"LOG_SAMPLE_RATE": 0, "PAYMENT_LATENCY_MS": 0, "DB_POOL_SIZE": 4})
    try:
        price = 1000
        pid = checkout.make_products(stack.catalog_client, 1, 1_000_000_000, price=price, prefix="BENCH")[0]
        body = json.dumps(checkout.order_body([(pid, 1)]))
        os.environ["ORDER_BODY"] = body
        return orders.checkout_tail(stack, cluster, db, pid, price, body)[0]
    finally:
        stack.close()


def main(out_path):
    cluster = pg.Cluster.from_conninfo(os.environ["ECOM_BENCH_PG"])
    results = {"suite": "ratios", "machine": benchlib.machine(), "command": "bench/run.sh ratios",
               "seconds_per_run": benchlib.SECONDS, "runs": benchlib.RUNS, "tries": benchlib.TRIES, "tail_steal_limit": benchlib.tail_steal_limit(),
               "postgres_synchronous_commit_fsync": cluster.psql("SHOW synchronous_commit") + "/" +
               cluster.psql("SHOW fsync")}
    db = benchlib.create_shop(cluster)
    try:
        results["cached_get_by_id"] = cached_get(db)
        results["uncached_list_20"] = uncached_list(cluster, db)
        results["checkout_at_70_percent"] = checkout_tail(cluster, db)
    finally:
        db.drop()
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    benchlib.write(out_path, results)
    c, l, o = results["cached_get_by_id"], results["uncached_list_20"], results["checkout_at_70_percent"]
    print(f"cached GET {c['median_rps']:.0f} req/s = {c['ratio_to_reference']:.2f}x bare_server")
    print(f"list {l['median_rps']:.0f} req/s = {l['ratio_to_reference']:.2f}x list_server, "
          f"{l['ratio_to_pgbench']:.2f}x pgbench")
    print(f"checkout p99 at {o['rate']}/s: {o['median_p99_ms']:.2f} ms vs pgbench {o['pgbench_median_p99_ms']:.2f} ms "
          f"= {o['p99_ratio_to_pgbench']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1])
