"""Service binaries as processes: started on free ports with their
environment, waited for, signalled, and their JSON logs kept."""

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

from . import ports

BUILD_DIR = os.environ.get("ECOM_BUILD_DIR", "")
# The services a run starts: another build's when set (bench/run.sh --before
# measures a commit's services with this tree's harness, tools and SQL).
MEASURED_BUILD_DIR = os.environ.get("ECOM_MEASURED_BUILD_DIR") or BUILD_DIR
TEST_ADMIN_KEY = "test-admin-key-0123456789"
TEST_INTERNAL_KEY = "test-internal-key-0123456789"
TEST_CARD_FINGERPRINT_KEY = "test-card-fingerprint-key-0123456789"


def binary(name, build_dir=None):
    build_dir = build_dir or MEASURED_BUILD_DIR
    path = os.path.join(build_dir, "services", name, name)
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} is not built (build directory {build_dir!r})")
    return path


def statements(name):
    """The SQL statements `name` runs, by name (`<name> --print-statements`),
    always from this tree's build (ECOM_BUILD_DIR): the baselines a benchmark
    measures beside a service run the same SQL whichever build it starts."""
    out = subprocess.run([binary(name, BUILD_DIR), "--print-statements"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


class ServiceProcess:
    def __init__(self, name, env, wait=True, ready_timeout=30, port=None, admin_port=None, build_dir=None):
        self.name = name
        self.build_dir = build_dir
        self.port = port or ports.free_port()
        self.admin_port = admin_port or ports.free_port()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PORT": str(self.port),
            "ADMIN_PORT": str(self.admin_port),
            "BIND_ADDRESS": "127.0.0.1",
            "LOG_SAMPLE_RATE": "0",
            "DRAIN_TIMEOUT_SECONDS": "10",
        }
        for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if key in os.environ:
                self.env[key] = os.environ[key]
        self.env.update(env)
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen([binary(name, build_dir)], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.started_at = time.monotonic()
        if wait:
            self.wait_ready(ready_timeout)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_url(self):
        return f"http://127.0.0.1:{self.admin_port}"

    def status(self, path, timeout=2):
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return None

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
            if self.status("/ready", timeout=1) == 200:
                return
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.output()}")

    def alive(self):
        return self.process.poll() is None

    def metrics(self):
        with urllib.request.urlopen(self.admin_url + "/metrics", timeout=5) as r:
            return r.read().decode()

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def signal(self, sig):
        if self.alive():
            self.process.send_signal(sig)

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit code."""
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"{self.name} did not stop within {timeout}s after SIGTERM")

    def kill(self):
        if self.alive():
            self.process.kill()
        self.process.wait()

    def output(self):
        self.log.flush()
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def log_lines(self):
        lines = []
        for line in self.output().splitlines():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                lines.append({"raw": line})
        return lines

    def restart(self, wait=True):
        """Starts the same binary again on the same ports (after kill or stop)."""
        if self.alive():
            raise RuntimeError(f"{self.name} is still running")
        self.process = subprocess.Popen([binary(self.name, self.build_dir)], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()

    def close(self):
        if self.alive():
            try:
                self.stop(timeout=15)
            except AssertionError:
                pass
        os.unlink(self.log.name)


def product_service(database, build_dir=None, **extra_env):
    env = {"DATABASE_URL": database.catalog_url(), "ADMIN_API_KEY": TEST_ADMIN_KEY,
           "INTERNAL_API_KEY": TEST_INTERNAL_KEY}
    env.update({k: str(v) for k, v in extra_env.items()})
    return ServiceProcess("product-service", env, build_dir=build_dir)


def order_service(database, product_service_url, build_dir=None, **extra_env):
    env = {"DATABASE_URL": database.orders_url(), "ADMIN_API_KEY": TEST_ADMIN_KEY,
           "PRODUCT_SERVICE_URL": product_service_url, "INTERNAL_API_KEY": TEST_INTERNAL_KEY,
           "CARD_FINGERPRINT_KEY": TEST_CARD_FINGERPRINT_KEY}
    env.update({k: str(v) for k, v in extra_env.items()})
    return ServiceProcess("order-service", env, build_dir=build_dir)


def frontend(static_dir, product_service_url, **extra_env):
    env = {"STATIC_DIR": static_dir, "PRODUCT_SERVICE_URL": product_service_url}
    env.update({k: str(v) for k, v in extra_env.items()})
    return ServiceProcess("frontend", env)
