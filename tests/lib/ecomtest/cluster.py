"""PostgreSQL for tests: the shared cluster that scripts/test.sh starts
(ECOM_TEST_PG), fresh databases on it, and private clusters a test may stop
and restart without disturbing the others. Like RDS, every cluster checks
passwords on TCP (scram-sha-256), the superuser's too."""

import contextlib
import fcntl
import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time

from . import ports

PG_BIN = os.environ.get("ECOM_PG_BIN", "/usr/lib/postgresql/15/bin")
SOURCE_DIR = os.environ.get(
    "ECOM_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
BOOTSTRAP_SQL = os.path.join(SOURCE_DIR, "scripts", "sql", "bootstrap.sql")


def _as_postgres():
    """Commands that must not run as root run as the postgres user."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def _conninfo_dict(conninfo):
    out = {}
    for part in conninfo.split():
        key, _, value = part.partition("=")
        out[key] = value
    return out


class Cluster:
    """A PostgreSQL server the tests talk to as a superuser."""

    def __init__(self, host, port, user="postgres", password=None):
        self.host = host
        self.port = port
        self.user = user
        self.password = password

    @classmethod
    def from_conninfo(cls, conninfo):
        """From "host=... port=... user=... password=..." (no quoting)."""
        d = _conninfo_dict(conninfo)
        return cls(d.get("host", "127.0.0.1"), int(d.get("port", "5432")), d.get("user", "postgres"),
                   d.get("password"))

    @classmethod
    def shared(cls):
        conninfo = os.environ.get("ECOM_TEST_PG")
        if not conninfo:
            raise RuntimeError("ECOM_TEST_PG is not set: run the tests through scripts/test.sh")
        return cls.from_conninfo(conninfo)

    def conninfo(self, dbname="postgres", user=None, password=None):
        s = f"host={self.host} port={self.port} dbname={dbname} user={user or self.user}"
        password = password or (self.password if user in (None, self.user) else None)
        if password:
            s += f" password={password}"
        return s

    def role_passwords(self):
        """The passwords of the per-service roles. Roles belong to the whole
        cluster, so every database on it (tests in parallel, each with its
        own) shares them: derived from the superuser's password, the same in
        every test process, and unknown without it."""
        secret = f"{self.password or ''}@{self.host}:{self.port}"
        return {role: hashlib.sha256(f"{role}:{secret}".encode()).hexdigest()[:32]
                for role in ("catalog", "orders")}

    def url(self, dbname, user, password):
        return f"postgresql://{user}:{password}@{self.host}:{self.port}/{dbname}"

    def psql(self, sql, dbname="postgres", variables=None, file=None, check=True):
        cmd = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo(dbname)]
        for key, value in (variables or {}).items():
            cmd += ["-v", f"{key}={value}"]
        cmd += ["-f", file] if file else ["-c", sql]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def create_shop(self):
        """A fresh database with the per-service roles and schemas, as
        scripts/run.sh makes it. Returns a ShopDatabase."""
        name = "shop_" + secrets.token_hex(6)
        self.psql(f"CREATE DATABASE {name}")
        passwords = self.role_passwords()
        with self._bootstrap_turn():
            self.psql(None, dbname=name, file=BOOTSTRAP_SQL, variables={
                "dbname": name,
                "catalog_password": passwords["catalog"],
                "orders_password": passwords["orders"],
            })
        return ShopDatabase(self, name, passwords)

    @contextlib.contextmanager
    def _bootstrap_turn(self):
        """The roles belong to the whole cluster, and bootstrap.sql's advisory
        lock to one database: tests making shops in other databases of the
        same cluster at once (ctest -j) take turns here, or two ALTER ROLEs
        meet ("tuple concurrently updated")."""
        cluster_id = hashlib.sha256(f"{self.host}:{self.port}".encode()).hexdigest()[:12]
        lock_path = os.path.join(tempfile.gettempdir(), f"ecom-bootstrap-{cluster_id}.lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class ShopDatabase:
    def __init__(self, cluster, name, passwords):
        self.cluster = cluster
        self.name = name
        self.passwords = passwords

    def catalog_url(self):
        return self.cluster.url(self.name, "catalog_svc", self.passwords["catalog"])

    def orders_url(self):
        return self.cluster.url(self.name, "orders_svc", self.passwords["orders"])

    def sql(self, statement):
        return self.cluster.psql(statement, dbname=self.name)

    def drop(self):
        self.cluster.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", check=False)


class PrivateCluster(Cluster):
    """A cluster of the test's own, in a temporary folder; it may be
    stopped and restarted (fault tests). Authentication as
    scripts/lib/postgres.sh sets it up: scram-sha-256 on TCP, peer on the
    socket (only in the folder's socket directory)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ecom-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        password_file = os.path.join(self.dir, "superuser_password")
        password = secrets.token_hex(16)
        with open(os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(password + "\n")
        if os.geteuid() == 0:
            pg = pwd.getpwnam("postgres")
            os.chown(self.dir, pg.pw_uid, pg.pw_gid)
            os.chown(password_file, pg.pw_uid, pg.pw_gid)
        super().__init__("127.0.0.1", ports.free_port(), password=password)
        subprocess.run(_as_postgres() + [f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres",
                                          f"--pwfile={password_file}", "--auth-local=peer",
                                          "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        os.unlink(password_file)
        self.start()

    def start(self):
        subprocess.run(_as_postgres() + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-l",
                                          os.path.join(self.data, "server.log"), "-w", "-t", "60", "-o",
                                          f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                                          "-c fsync=off -c full_page_writes=off", "start"],
                       check=True, capture_output=True, timeout=90)

    def stop(self, mode="fast"):
        subprocess.run(_as_postgres() + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"],
                       check=False, capture_output=True, timeout=90)

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
