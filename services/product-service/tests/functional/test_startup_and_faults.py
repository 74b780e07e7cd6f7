"""Start-up checks, concurrent migrations, the cache across replicas, a
PostgreSQL restart under the service's feet, and SIGTERM under load."""

import os
import signal
import subprocess
import threading
import time
import http.client as httpclient
import json

import pytest

from conftest import new_product
from ecomtest import cluster as pg
from ecomtest import http, ports, service


def run_once(env, timeout=30):
    full_env = {"PATH": os.environ["PATH"], "PORT": "0", "ADMIN_PORT": "0", "BIND_ADDRESS": "127.0.0.1"}
    full_env.update(env)
    return subprocess.run([service.binary("product-service")], env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def test_bad_configuration_names_every_variable(shop):
    result = run_once({"DATABASE_URL": shop.catalog_url(), "ADMIN_API_KEY": "short", "HTTP_THREADS": "0",
                       "LOG_SAMPLE_RATE": "2", "DB_POOL_SIZE": "many"})
    assert result.returncode == 2
    for name in ("ADMIN_API_KEY", "HTTP_THREADS", "LOG_SAMPLE_RATE", "DB_POOL_SIZE"):
        assert name in result.stdout, result.stdout
    assert '"level":"fatal"' in result.stdout
    result = run_once({"DATABASE_URL": shop.catalog_url()})
    assert result.returncode == 2 and "ADMIN_API_KEY" in result.stdout
    result = run_once({"DATABASE_URL": "host='unterminated", "ADMIN_API_KEY": service.TEST_ADMIN_KEY})
    assert result.returncode == 2 and "DATABASE_URL" in result.stdout


def test_command_line_options():
    """The binary's options (shared by every service through
    ecom::service_main): its SQL as JSON for the benchmarks, the usage for
    anything unknown, and a health probe that fails when nothing listens."""
    binary = service.binary("product-service")
    out = subprocess.run([binary, "--print-statements"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0
    statements = json.loads(out.stdout)
    assert statements["reserve_stock"].startswith("SELECT reserve_stock(")
    bad = subprocess.run([binary, "--nope"], capture_output=True, text=True, timeout=10)
    assert bad.returncode == 2
    assert "usage: product-service [--print-statements | --health-check]" in bad.stderr
    frontend = subprocess.run([service.binary("frontend"), "--print-statements"], capture_output=True, text=True,
                              timeout=10)
    assert frontend.returncode == 2 and "usage: frontend [--health-check]" in frontend.stderr  # it has no SQL
    probe = subprocess.run([binary, "--health-check"], capture_output=True, text=True, timeout=10,
                           env={"PATH": os.environ.get("PATH", ""), "PORT": str(ports.free_port()),
                                "ADMIN_PORT": str(ports.free_port())})
    assert probe.returncode != 0


def test_unreachable_database_stops_startup_with_a_clear_error():
    result = run_once({"DATABASE_URL": "postgresql://catalog_svc:pw@127.0.0.1:1/shop", "ADMIN_API_KEY": service.TEST_ADMIN_KEY,
                       "DB_STARTUP_TIMEOUT_MS": "500"})
    assert result.returncode == 1
    assert "cannot connect to the database" in result.stdout
    assert "pw@" not in result.stdout  # the password is never logged


def test_a_wrong_database_password_stops_startup(shop):
    """The local cluster checks passwords as RDS does (scram-sha-256 over
    TCP): a wrong or missing password stops start-up with the database's
    reason, and the password is never logged."""
    url = shop.catalog_url()
    wrong = url.replace(":" + shop.passwords["catalog"] + "@", ":wrong-password-0123@")
    assert wrong != url
    without = url.replace(":" + shop.passwords["catalog"] + "@", "@")
    for database_url, reason in ((wrong, "password authentication failed"), (without, "no password supplied")):
        result = run_once({"DATABASE_URL": database_url, "ADMIN_API_KEY": service.TEST_ADMIN_KEY,
                           "DB_STARTUP_TIMEOUT_MS": "1000", "PGPASSFILE": "/nonexistent"}, timeout=20)
        assert result.returncode == 1, result.stdout
        assert "cannot connect to the database" in result.stdout and reason in result.stdout, result.stdout
        assert "wrong-password-0123" not in result.stdout


def test_replicas_starting_together_migrate_once(shared_cluster):
    db = shared_cluster.create_shop()
    try:
        replicas = [service.ServiceProcess("product-service", {"DATABASE_URL": db.catalog_url(),
                                                               "ADMIN_API_KEY": service.TEST_ADMIN_KEY}, wait=False)
                    for _ in range(3)]
        for r in replicas:
            r.wait_ready()
        assert db.sql("SELECT count(*) FROM catalog.schema_migrations") == str(len(os.listdir(os.path.join(
            pg.SOURCE_DIR, "services", "product-service", "migrations"))))
        for r in replicas:
            assert r.stop() == 0
            r.close()
    finally:
        db.drop()


def test_the_cache_follows_writes_on_another_replica(shop):
    a = service.product_service(shop)
    b = service.product_service(shop)
    try:
        ca = http.Client(a.base_url, admin_key=service.TEST_ADMIN_KEY)
        cb = http.Client(b.base_url)
        token = "probe" + str(time.monotonic_ns())
        product = ca.post("/api/products", new_product(stock=0, name=f"Cache {token}"), admin=True).json()
        path = f"/api/products/{product['id']}"
        worst = 0.0
        for stock in range(1, 31):
            assert cb.get(path).status == 200  # B caches the current version
            assert ca.patch(path, {"stock": stock}, admin=True).status == 200
            written = time.monotonic()
            while True:
                seen = cb.get(path).json()["stock"]
                if seen == stock:
                    break
                assert seen == stock - 1
                assert time.monotonic() - written < 1.0, "replica B kept a stale product for over 1 s"
            worst = max(worst, time.monotonic() - written)
            # Once fresh, never stale again.
            for _ in range(3):
                assert cb.get(path).json()["stock"] == stock
        # List pages are invalidated too.
        listed = {p["id"]: p for p in cb.get(f"/api/products?q={token}").json()["items"]}
        assert listed[product["id"]]["stock"] == 30
        assert ca.patch(path, {"stock": 31}, admin=True).status == 200
        pg.wait_until(lambda: cb.get(f"/api/products?q={token}").json()["items"][0]["stock"] == 31, 1.0,
                      message="list page invalidation")
        print(f"worst notify latency observed: {worst * 1000:.1f} ms")

        # With its notification connection killed, B bypasses the cache and
        # still never serves stale data; then it listens again.
        shop.cluster.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          f"WHERE datname = '{shop.name}' AND query = 'LISTEN catalog_changes' "
                          f"AND pid IN (SELECT pid FROM pg_stat_activity WHERE application_name = 'product-service')")
        shop.sql(f"UPDATE catalog.products SET stock = 77 WHERE id = {product['id']}")
        pg.wait_until(lambda: cb.get(path).json()["stock"] == 77, 1.0, message="fresh read after listener loss")
        pg.wait_until(lambda: 'cache_active 1' in b.metrics(), 5.0, message="listener reconnect")
        shop.sql(f"UPDATE catalog.products SET stock = 78 WHERE id = {product['id']}")
        pg.wait_until(lambda: cb.get(path).json()["stock"] == 78, 1.0, message="invalidation after reconnect")
        ca.close()
        cb.close()
    finally:
        for proc in (a, b):
            assert proc.stop() == 0
            proc.close()


def test_postgres_restart_mid_run():
    cluster = pg.PrivateCluster()
    try:
        db = cluster.create_shop()
        proc = service.product_service(db, DB_ACQUIRE_TIMEOUT_MS=500)
        client = http.Client(proc.base_url, admin_key=service.TEST_ADMIN_KEY, timeout=5)
        pid = client.post("/api/products", new_product(), admin=True).json()["id"]
        assert client.get("/ready").status == 200
        cluster.stop("fast")
        pg.wait_until(lambda: client.get("/ready").status == 503, 5.0, message="/ready to turn 503")
        r = client.get(f"/api/products?limit=5")
        assert r.status == 503 and r.error_code == "database_unavailable" and r.headers["retry-after"] == "1"
        assert client.post("/api/products", new_product(), admin=True).status == 503
        assert proc.alive()
        cluster.start()
        pg.wait_until(lambda: client.get("/ready").status == 200, 15.0, message="/ready to turn 200 again")
        assert client.get(f"/api/products/{pid}").status == 200
        assert client.post("/api/products", new_product(), admin=True).status == 201
        assert client.get("/api/products?limit=5").status == 200
        client.close()
        assert proc.stop() == 0
        # 503s were logged during the outage; nothing else went wrong.
        unexpected = [l for l in proc.log_lines() if l.get("level") in ("error", "fatal") and l.get("status") != 503]
        assert unexpected == [], unexpected
        proc.close()
    finally:
        cluster.destroy()


def test_sigterm_under_load_fails_no_accepted_request(shop):
    proc = service.product_service(shop, DRAIN_TIMEOUT_SECONDS=10)
    seed = http.Client(proc.base_url, admin_key=service.TEST_ADMIN_KEY)
    pid = seed.post("/api/products", new_product(), admin=True).json()["id"]
    seed.close()
    stop = threading.Event()
    outcomes = {"ok": 0, "refused": 0, "failed": []}
    lock = threading.Lock()

    def load(worker):
        n = 0
        while not stop.is_set():
            n += 1
            conn = httpclient.HTTPConnection("127.0.0.1", proc.port, timeout=10)
            try:
                conn.connect()
            except ConnectionRefusedError:
                with lock:
                    outcomes["refused"] += 1
                time.sleep(0.01)
                continue
            try:
                if n % 5 == 0:
                    conn.request("POST", "/api/products", body=json.dumps(new_product()),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {service.TEST_ADMIN_KEY}", "Connection": "close"})
                    expected = 201
                else:
                    conn.request("GET", f"/api/products/{pid}", headers={"Connection": "close"})
                    expected = 200
                resp = conn.getresponse()
                resp.read()
                with lock:
                    if resp.status == expected:
                        outcomes["ok"] += 1
                    else:
                        outcomes["failed"].append(resp.status)
            except Exception as e:  # a connection that was accepted and then dropped
                with lock:
                    outcomes["failed"].append(repr(e))
            finally:
                conn.close()

    threads = [threading.Thread(target=load, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    proc.signal(signal.SIGTERM)
    code = proc.process.wait(timeout=15)
    stop.set()
    for t in threads:
        t.join()
    assert code == 0, proc.output()[-2000:]
    assert outcomes["failed"] == [], outcomes
    assert outcomes["ok"] > 100
    proc.close()


def test_a_rotation_grace_window_accepts_the_previous_keys_too(shop):
    """During a rotation (scripts/rotate-secret.sh) the task definitions give
    the previous admin and internal keys beside the new ones: both open the
    door, any other key still gets 403. A previous key that is too short, or
    a previous internal key without a current one, stops start-up naming it."""
    old_admin, old_internal = "old-admin-key-0123456789", "old-internal-key-0123456789"
    svc = service.product_service(shop, ADMIN_API_KEY_PREVIOUS=old_admin, INTERNAL_API_KEY_PREVIOUS=old_internal)
    try:
        anon = http.Client(svc.base_url)
        for key, status in ((service.TEST_INTERNAL_KEY, 200), (old_internal, 200), (old_admin, 403),
                            ("wrong-internal-key-0000", 403)):
            r = anon.get("/internal/reservations", headers={"Authorization": f"Bearer {key}"})
            assert r.status == status, (key, r)
        for key, status in ((service.TEST_ADMIN_KEY, 201), (old_admin, 201), (old_internal, 403)):
            r = anon.post("/api/products", new_product(), headers={"Authorization": f"Bearer {key}"})
            assert r.status == status, (key, r)
        anon.close()
    finally:
        svc.close()
    base = {"DATABASE_URL": shop.catalog_url(), "ADMIN_API_KEY": service.TEST_ADMIN_KEY}
    result = run_once({**base, "ADMIN_API_KEY_PREVIOUS": "short"})
    assert result.returncode == 2 and "ADMIN_API_KEY_PREVIOUS" in result.stdout, result.stdout
    result = run_once({**base, "INTERNAL_API_KEY_PREVIOUS": old_internal})
    assert result.returncode == 2 and "INTERNAL_API_KEY_PREVIOUS" in result.stdout, result.stdout
