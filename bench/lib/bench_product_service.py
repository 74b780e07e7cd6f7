"""product-service benchmarks (issue targets in brackets):
  1. GET /api/products/{id} from the cache: peak req/s with wrk -t1 -c64
     [>= 50,000], and p99 at 70% of that rate with rate_load [<= 5 ms];
     The same against bench/reference/bare_server answering the same body,
     runs alternating [>= 0.95x];
  2. GET /api/products?limit=20 with the cache off, against pgbench running
     the same SQL with the same client count in the same run [>= 0.8x], and
     against bench/reference/list_server (the same statement and JSON from a
     minimal server of the same design), runs alternating [>= 0.9x];
  3. RSS idle [<= 16 MB] and peak under load [<= 48 MB];
  4. start to /ready with migrations already applied [<= 100 ms];
  5. HTTP_THREADS 1 versus 2 for both endpoints (the threading choice);
  6. tracing on (every request sampled, the collector endpoint dead: a
     loopback port nobody listens on) versus off, runs interleaved, for the
     cached GET and the uncached list (one server span + one database span
     per request) [on >= 90% of off].
Writes the results as JSON to the path given as the only argument."""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib
from ecomtest import cluster as pg
from ecomtest import service



def pgbench_script(statement, params):
    """A pgbench script running `statement` of product-service (as printed by
    `product-service --print-statements`) with its $n replaced by literals:
    exactly the SQL the service runs."""
    sql = service.statements("product-service")[statement]
    for i, value in sorted(enumerate(params, start=1), reverse=True):
        sql = sql.replace(f"${i}", str(value))
    f = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    f.write(sql + ";\n")
    f.close()
    return f.name, sql


def ready_time_ms(db):
    """Milliseconds from exec to the first 200 on /ready (migrations already applied)."""
    port = benchlib_free_port()
    env = {"PATH": os.environ["PATH"], "PORT": str(port), "ADMIN_PORT": str(benchlib_free_port()),
           "BIND_ADDRESS": "127.0.0.1", "DATABASE_URL": db.catalog_url(), "ADMIN_API_KEY": service.TEST_ADMIN_KEY}
    request = b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    start = time.perf_counter()
    proc = subprocess.Popen([service.binary("product-service")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 10:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(request)
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return (time.perf_counter() - start) * 1000
            except OSError:
                pass
            time.sleep(0.0005)
        raise RuntimeError("product-service did not become ready")
    finally:
        proc.terminate()
        proc.wait()


def benchlib_free_port():
    from ecomtest import ports
    return ports.free_port()


def load_demo(proc):
    subprocess.run(["/usr/bin/python3", os.path.join(pg.SOURCE_DIR, "scripts", "lib", "load_demo.py"), proc.base_url,
                    service.TEST_ADMIN_KEY, os.path.join(pg.SOURCE_DIR, "services", "product-service", "demo",
                                                         "catalog.json")], check=True, capture_output=True)


def measure_peak(proc, path, reference_url=None):
    """wrk runs in quiet rounds (benchlib.quiet_rounds); the service's CPU per
    request and peak RSS over them. With reference_url, a run against the
    reference server follows each of the service's in its round (side by
    side: drift on a shared machine hits both alike)."""
    cpu_before = benchlib.cpu_seconds(proc.process.pid)
    state = {"cpu_reference": 0.0, "requests": 0.0}

    def one_round():
        r = {"service": benchlib.wrk_ok(proc.base_url + path)}
        state["requests"] += r["service"]["rps"] * benchlib.SECONDS
        if reference_url:
            before = benchlib.cpu_seconds(proc.process.pid)
            r["reference"] = benchlib.wrk_ok(reference_url)
            state["cpu_reference"] += benchlib.cpu_seconds(proc.process.pid) - before  # the idle service's ticks
        return r

    every, used, quiet = benchlib.quiet_rounds(one_round)
    cpu = benchlib.cpu_seconds(proc.process.pid) - cpu_before - state["cpu_reference"]
    out = {
        "runs": every["service"],
        "quiet": quiet,
        "median_rps": benchlib.median_of(used["service"], "rps"),
        "cpu_ms_per_1000_requests": round(cpu / state["requests"] * 1000 * 1000, 3),
        "peak_rss_kib": benchlib.memory_kib(proc.process.pid)["VmHWM"],
    }
    if reference_url:
        out["reference_runs"] = every["reference"]
        out["reference_median_rps"] = benchlib.median_of(used["reference"], "rps")
        out["ratio_to_reference"] = round(out["median_rps"] / out["reference_median_rps"], 3)
    return out


def http_get(port, path):
    """One GET on a fresh connection: (status, body bytes)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class ReferenceServer:
    """A reference server of bench/reference (built by bench/run.sh)."""

    def __init__(self, name, *args, env=None):
        self.port = benchlib_free_port()
        self.process = subprocess.Popen([os.path.join(benchlib.BUILD_DIR, "bench", name), "--port", str(self.port)] +
                                        list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=env)
        line = self.process.stdout.readline()
        if not line.startswith("listening"):
            raise RuntimeError(f"{name} did not start: {line}{self.process.stderr.read()}")
        self.base_url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait()


def tracing_overhead(db):
    """Throughput with tracing off and on (always sampled, dead collector),
    alternating off/on runs so drift on a shared machine hits both alike."""
    dead = f"http://127.0.0.1:{benchlib_free_port()}"  # refused: nobody listens there
    out = {"collector": "dead (connection refused)", "sampler": "always_on"}
    for cache, path, label in (("true", "/api/products/1", "cached_get"),
                               ("false", "/api/products?limit=20", "uncached_list")):
        env = {"LOG_SAMPLE_RATE": 0, "CATALOG_CACHE": cache}
        off = service.product_service(db, **env)
        on = service.product_service(db, **env, OTEL_EXPORTER_OTLP_ENDPOINT=dead, OTEL_TRACES_SAMPLER="always_on")
        try:
            every, used, quiet = benchlib.quiet_rounds(
                lambda: {"off": benchlib.wrk_ok(off.base_url + path), "on": benchlib.wrk_ok(on.base_url + path)})
            metrics = on.metrics()
        finally:
            for proc in (off, on):
                proc.stop()
                proc.close()
        dropped = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                      if line.startswith("otel_spans_dropped_total{"))
        exported = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                       if line.startswith("otel_spans_exported_total"))
        off_rps, on_rps = benchlib.median_of(used["off"], "rps"), benchlib.median_of(used["on"], "rps")
        out[label] = {"path": path, "off_runs": every["off"], "on_runs": every["on"], "quiet": quiet,
                      "off_median_rps": off_rps,
                      "on_median_rps": on_rps, "ratio": round(on_rps / off_rps, 3),
                      "spans_dropped": int(dropped), "spans_exported": int(exported)}
    return out


def main(out_path):
    cluster = pg.Cluster.from_conninfo(os.environ["ECOM_BENCH_PG"])
    db = benchlib.create_shop(cluster)
    results = {"suite": "product-service", "machine": benchlib.machine(),
               "command": "bench/run.sh product-service", "seconds_per_run": benchlib.SECONDS,
               "runs": benchlib.RUNS, "tries": benchlib.TRIES, "tail_steal_limit": benchlib.tail_steal_limit()}
    try:
        # --- cached reads --------------------------------------------------
        proc = service.product_service(db, LOG_SAMPLE_RATE=0)
        load_demo(proc)
        time.sleep(0.5)
        results["rss_idle_kib"] = benchlib.memory_kib(proc.process.pid)["VmRSS"]
        # The bare server answers the same body the service serves here.
        status, body = http_get(proc.port, "/api/products/1")
        assert status == 200, status
        body_file = tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False)
        body_file.write(body)
        body_file.close()
        bare = ReferenceServer("bare_server", "--body-file", body_file.name)
        try:
            cached = measure_peak(proc, "/api/products/1", reference_url=bare.base_url + "/")
        finally:
            bare.stop()
            os.unlink(body_file.name)
        cached["reference"] = f"bench/reference/bare_server, the same {len(body)}-byte body"
        rate70 = benchlib.tail_rate("cached_get_by_id.at_70_percent.rate", cached["median_rps"])
        # Tail latency on a shared 2-core VM is noisy: five quiet runs, the median p99.
        every, used, quiet = benchlib.tail_rounds(
            lambda: {"service": benchlib.rate_load("127.0.0.1", proc.port, "/api/products/1", rate70)})
        cached["at_70_percent"] = {"rate": round(rate70), "runs": every["service"], "quiet": quiet,
                                   "median_p99_ms": benchlib.median_of(used["service"], "p99_ms"),
                                   "median_p50_ms": benchlib.median_of(used["service"], "p50_ms")}
        cached["peak_rss_kib"] = benchlib.memory_kib(proc.process.pid)["VmHWM"]
        results["cached_get_by_id"] = cached
        proc.stop()
        proc.close()

        # --- uncached list versus pgbench ---------------------------------
        script, sql = pgbench_script("list_products", [0, 21])  # limit 20 + 1 to see if more follow
        proc = service.product_service(db, LOG_SAMPLE_RATE=0, CATALOG_CACHE="false")
        statement = service.statements("product-service")["list_products"]
        reference = ReferenceServer("list_server", "--conninfo", cluster.conninfo(dbname=db.name, user="catalog_svc"),
                                    "--sql", statement, env=dict(os.environ, PGPASSWORD=db.passwords["catalog"]))
        try:
            # The same JSON, byte for byte, or the comparison means nothing.
            service_body = http_get(proc.port, "/api/products?limit=20")
            reference_body = http_get(reference.port, "/api/products?limit=20")
            if service_body != reference_body:
                raise RuntimeError(f"list_server's answer differs from the service's: {reference_body[1][:300]!r} "
                                   f"versus {service_body[1][:300]!r}")
            listing = measure_peak(proc, "/api/products?limit=20",
                                   reference_url=reference.base_url + "/api/products?limit=20")
        finally:
            reference.stop()
        listing["reference"] = "bench/reference/list_server, the same statement and JSON"
        proc.stop()
        proc.close()
        listing["pgbench_sql"] = sql
        env = dict(os.environ, PGPASSWORD=db.passwords["catalog"])
        conn_args = ["-h", cluster.host, "-p", str(cluster.port), "-U", "catalog_svc", db.name]
        every, used, quiet = benchlib.quiet_rounds(
            lambda: {"pgbench": {"tps": benchlib.pgbench(conn_args, script, clients=64, env=env)}})
        listing["pgbench_runs"] = every["pgbench"]
        listing["pgbench_quiet"] = quiet
        listing["pgbench_median_tps"] = benchlib.median_of(used["pgbench"], "tps")
        listing["ratio_to_pgbench"] = round(listing["median_rps"] / listing["pgbench_median_tps"], 3)
        results["uncached_list_20"] = listing

        # --- threads: 1 versus 2 -------------------------------------------
        threads = {}
        for n in (1, 2):
            for cache, path in (("true", "/api/products/1"), ("false", "/api/products?limit=20")):
                proc = service.product_service(db, LOG_SAMPLE_RATE=0, HTTP_THREADS=n, CATALOG_CACHE=cache)
                runs = [benchlib.wrk(proc.base_url + path) for _ in range(benchlib.RUNS)]
                threads[f"threads_{n}_{'cached_get' if cache == 'true' else 'uncached_list'}"] = \
                    benchlib.median_of(runs, "rps")
                proc.stop()
                proc.close()
        results["threads"] = threads

        # --- tracing overhead ----------------------------------------------
        results["tracing"] = tracing_overhead(db)

        # --- start-up ------------------------------------------------------
        startup = [ready_time_ms(db) for _ in range(7)]
        results["startup_to_ready_ms"] = {"runs": [round(s, 1) for s in startup],
                                          "median": round(statistics.median(startup), 1)}
    finally:
        db.drop()
    benchlib.write(out_path, results)
    print(f"cached GET: {cached['median_rps']:.0f} req/s, p99 {cached['at_70_percent']['median_p99_ms']:.2f} ms at 70%")
    print(f"cached GET: {cached['ratio_to_reference']:.2f}x the bare server ({cached['reference_median_rps']:.0f} req/s)")
    print(f"uncached list: {listing['median_rps']:.0f} req/s vs pgbench {listing['pgbench_median_tps']:.0f} tps "
          f"= {listing['ratio_to_pgbench']:.2f}; {listing['ratio_to_reference']:.2f}x the reference server "
          f"({listing['reference_median_rps']:.0f} req/s)")
    for label in ("cached_get", "uncached_list"):
        t = results["tracing"][label]
        print(f"tracing on (dead collector) / off, {label}: {t['on_median_rps']:.0f} / {t['off_median_rps']:.0f} "
              f"= {t['ratio']:.2f}")
    print(f"RSS idle {results['rss_idle_kib'] / 1024:.1f} MiB, peak {max(cached['peak_rss_kib'], listing['peak_rss_kib']) / 1024:.1f} MiB; "
          f"ready in {results['startup_to_ready_ms']['median']} ms")


if __name__ == "__main__":
    main(sys.argv[1])
