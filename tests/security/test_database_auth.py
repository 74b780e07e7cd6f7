"""The local PostgreSQL clusters (scripts/lib/postgres.sh for run.sh and
test.sh, the tests' private clusters) check passwords as RDS does:
scram-sha-256 on every TCP connection, for the services' roles and the
superuser alike; only the cluster's owner may use the Unix socket (peer).
A wrong password is refused, so a bad password configuration fails here
before it fails on AWS."""

import os
import subprocess

import pytest

from ecomtest import cluster as pg


def connect(cluster, user, password, dbname="postgres"):
    """psql over TCP as `user`; no password file, never a prompt."""
    conninfo = f"host={cluster.host} port={cluster.port} dbname={dbname} user={user} connect_timeout=5"
    if password is not None:
        conninfo += f" password={password}"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGPASSFILE": os.path.join(os.sep, "nonexistent")}
    return subprocess.run(["psql", "-X", "-A", "-t", "-w", "-d", conninfo, "-c", "SELECT current_user"],
                          env=env, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module", params=["shared", "private"])
def cluster(request):
    if request.param == "shared":
        yield pg.Cluster.shared()
        return
    private = pg.PrivateCluster()
    yield private
    private.destroy()


def test_service_roles_need_their_own_password(cluster):
    shop = cluster.create_shop()
    try:
        for role, key in (("catalog_svc", "catalog"), ("orders_svc", "orders")):
            ok = connect(cluster, role, shop.passwords[key], shop.name)
            assert ok.returncode == 0 and ok.stdout.strip() == role, ok.stderr
        for role, password in (("catalog_svc", "wrong-password"), ("catalog_svc", shop.passwords["orders"]),
                               ("orders_svc", shop.passwords["catalog"])):
            refused = connect(cluster, role, password, shop.name)
            assert refused.returncode != 0, (role, refused.stdout)
            assert "password authentication failed" in refused.stderr, refused.stderr
        missing = connect(cluster, "orders_svc", None, shop.name)
        assert missing.returncode != 0 and "no password supplied" in missing.stderr, missing.stderr
    finally:
        shop.drop()


def test_the_superuser_needs_its_password_over_tcp(cluster):
    assert getattr(cluster, "password", None), "the cluster's superuser has no password"
    ok = connect(cluster, cluster.user, cluster.password)
    assert ok.returncode == 0, ok.stderr
    for password in (None, "wrong-password"):
        refused = connect(cluster, cluster.user, password)
        assert refused.returncode != 0, refused.stdout
        assert "no password supplied" in refused.stderr or "password authentication failed" in refused.stderr, \
            refused.stderr


def test_tcp_connections_use_scram_and_nothing_is_trusted(cluster):
    rules = [line.split("|") for line in cluster.psql(
        "SELECT type, auth_method FROM pg_hba_file_rules WHERE error IS NULL").splitlines()]
    assert rules, "pg_hba.conf has no rules"
    assert all(method != "trust" for _, method in rules), rules
    assert {method for kind, method in rules if kind.startswith("host")} == {"scram-sha-256"}, rules
    assert {method for kind, method in rules if kind == "local"} <= {"peer"}, rules
    assert cluster.psql("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL") == "0"
    assert cluster.psql("SHOW password_encryption") == "scram-sha-256"
    hashes = cluster.psql("SELECT rolname, left(rolpassword, 14) FROM pg_authid WHERE rolcanlogin "
                          "AND rolname IN ('postgres', 'catalog_svc', 'orders_svc')")
    for line in hashes.splitlines():
        role, prefix = line.split("|")
        assert prefix == "SCRAM-SHA-256$", (role, prefix)
