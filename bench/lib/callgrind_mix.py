"""Instructions per request for a fixed request mix, counted by callgrind:
repeatable on a shared machine where wall-clock rates are not.

Each server runs under `valgrind --tool=callgrind`; after a warm-up the
counters are zeroed (callgrind_control -z), the mix is sent in rounds of one
request on each of --connections keep-alive connections (default 16: all of
a round are sent before any answer is read, so the server, slowed down by
valgrind, finds them ready together, much as under wrk's load; 1 gives one
request at a time), and the counters are dumped (callgrind_control -d). Instructions / requests is the
figure; it covers every thread of the process, the kernel excluded.

Mixes:
  list:   GET /api/products?limit=20, product-service with CATALOG_CACHE=false,
          against bench/reference/list_server (same query, same JSON);
  cached: GET /api/products/1 from the cache, against bench/reference/bare_server
          answering the same body.

Usage: callgrind_mix.py [--requests N] [--connections C] [--only service|reference] [--service-binary PATH]
                        [--before-binary PATH --before-commit SHA] [--keep DIR] [out.json]
Environment: ECOM_BENCH_PG (the cluster), ECOM_BUILD_DIR."""

import argparse
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import benchlib
from ecomtest import cluster as pg
from ecomtest import ports
from ecomtest import service

LIST_PATH = "/api/products?limit=20"
GET_PATH = "/api/products/1"
WARMUP = 200


class Connection:
    """One keep-alive HTTP/1.1 connection; responses framed by Content-Length."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def get(self, path):
        self.send(path)
        return self.receive(path)

    def send(self, path):
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())

    def receive(self, path):
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        while len(self.buf) < length:
            self._recv()
        body, self.buf = self.buf[:length], self.buf[length:]
        status = int(head.split(b" ", 2)[1])
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return head, body

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        self.buf += chunk

    def close(self):
        self.sock.close()


def wait_port(port, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not listen in time")


# The C library's wrappers of the system calls an event loop makes: callgrind
# counts the calls to them (the kernel's work itself is not counted).
SYSCALLS = ("epoll_wait", "epoll_ctl", "recv", "recvmsg", "send", "sendmsg", "read", "write", "writev", "readv",
            "poll", "ioctl")


def summary(dump):
    with open(dump) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return 0


def syscall_wrappers(dump):
    """Calls to each of SYSCALLS recorded in a callgrind dump."""
    names, counts, callee = {}, {}, None
    with open(dump) as f:
        for line in f:
            if line.startswith(("fn=", "cfn=")):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m:
                    if m.group(2) is not None:
                        names[m.group(1)] = m.group(2)
                    if line.startswith("cfn="):
                        callee = names.get(m.group(1))
            elif line.startswith("calls=") and callee in SYSCALLS:
                counts[callee] = counts.get(callee, 0) + int(line[6:].split()[0])
    return counts


def top_functions(dump, requests, count=8):
    """The functions with the most instructions of their own, per request."""
    names, own, current, after_call = {}, {}, None, False
    with open(dump) as f:
        for line in f:
            if line.startswith(("fn=", "cfn=")):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m and m.group(2) is not None:
                    names[m.group(1)] = m.group(2)
                if line.startswith("fn=") and m:
                    current = names.get(m.group(1))
                    after_call = False
            elif line.startswith("calls="):
                after_call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    if after_call:
                        after_call = False  # the inclusive cost of a call, not the caller's own
                    else:
                        own[current] = own.get(current, 0) + int(parts[1])
    short = {}
    for name, n in own.items():
        label = re.sub(r"\(.*", "", name or "?")  # no argument lists
        label = re.sub(r"<.*>", "<...>", label)
        short[label] = short.get(label, 0) + n
    return [{"function": name, "instructions_per_request": round(n / requests)}
            for name, n in sorted(short.items(), key=lambda kv: -kv[1])[:count]]


def send_round(conns, path):
    """One request on each connection, all sent before any answer is read
    (the server finds them all ready at once, as under wrk's load)."""
    for conn in conns:
        conn.send(path)
    body = b""
    for conn in conns:
        _, body = conn.receive(path)
    return body


def count(argv, env, port, path, requests, outdir, label, connections, ready_path=None):
    """Starts argv under callgrind, sends the mix, returns instructions per request."""
    out_pattern = os.path.join(outdir, f"callgrind.{label}.%p")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_pattern}",
                             "--dump-instr=no", "--collect-jumps=no"] + argv,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc)
        if ready_path:
            deadline = time.monotonic() + 120
            while True:
                conn = Connection(port)
                try:
                    conn.get(ready_path)
                    break
                except RuntimeError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
                finally:
                    conn.close()
        conns = [Connection(port) for _ in range(connections)]
        for _ in range(WARMUP // connections):
            send_round(conns, path)
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], check=True, capture_output=True)
        body = b""
        for _ in range(requests // connections):
            body = send_round(conns, path)
        before = set(glob.glob(os.path.join(outdir, f"callgrind.{label}.{proc.pid}*")))
        subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True, capture_output=True)
        for conn in conns:
            conn.close()
        requests = requests // connections * connections
        dumps = sorted(set(glob.glob(os.path.join(outdir, f"callgrind.{label}.{proc.pid}*"))) - before)
        if not dumps:
            raise RuntimeError("callgrind wrote no dump")
        instructions = 0
        calls = {}
        for dump in dumps:  # one file per thread with --separate-threads, else one
            instructions = max(instructions, summary(dump))
            for name, n in syscall_wrappers(dump).items():
                calls[name] = calls.get(name, 0) + n
        return {"label": label, "requests": requests, "instructions": instructions,
                "instructions_per_request": round(instructions / requests), "body_bytes": len(body),
                "syscalls_per_request": {name: round(n / requests, 2) for name, n in calls.items()},
                "top_functions": top_functions(dumps[-1], requests),
                "dump": os.path.basename(dumps[-1])}, body
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def service_env(db, port, cache):
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": str(port),
            "ADMIN_PORT": str(ports.free_port()), "BIND_ADDRESS": "127.0.0.1", "LOG_SAMPLE_RATE": "0",
            "DATABASE_URL": db.catalog_url(), "ADMIN_API_KEY": service.TEST_ADMIN_KEY,
            "INTERNAL_API_KEY": service.TEST_INTERNAL_KEY, "CATALOG_CACHE": cache}


def list_sql():
    return service.statements("product-service")["list_products"]


def load_demo(db):
    proc = service.product_service(db, LOG_SAMPLE_RATE=0)
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(pg.SOURCE_DIR, "scripts", "lib", "load_demo.py"),
                        proc.base_url, service.TEST_ADMIN_KEY,
                        os.path.join(pg.SOURCE_DIR, "services", "product-service", "demo", "catalog.json")],
                       check=True, capture_output=True)
    finally:
        proc.stop()
        proc.close()


def command_line(args):
    """The command as a reader would rerun it (no machine paths)."""
    words = ["bench/callgrind.sh", "--requests", str(args.requests), "--connections", str(args.connections)]
    if args.before_binary:
        words += ["--before-binary", f"<product-service built at {args.before_commit or '?'}>",
                  "--before-commit", args.before_commit]
    if args.only:
        words += ["--only", args.only]
    return " ".join(words)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=16,
                        help="keep-alive connections, one request on each per round (1: strictly one at a time)")
    parser.add_argument("--service-binary", help="another product-service build to count (an A/B comparison)")
    parser.add_argument("--before-binary", help="an older product-service build, counted too (a before/after row)")
    parser.add_argument("--before-commit", default="", help="the commit --before-binary was built from")
    parser.add_argument("--only", choices=("service", "reference"))
    parser.add_argument("--keep", help="keep the callgrind dumps in this folder (for callgrind_annotate)")
    parser.add_argument("out", nargs="?")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("callgrind_mix: valgrind is not installed (apt-get install valgrind)")
    cluster = pg.Cluster.from_conninfo(os.environ["ECOM_BENCH_PG"])
    db = cluster.create_shop()
    outdir = args.keep or tempfile.mkdtemp(prefix="callgrind-")
    os.makedirs(outdir, exist_ok=True)
    build = os.environ["ECOM_BUILD_DIR"]
    results = {"suite": "callgrind", "machine": benchlib.machine(), "requests": args.requests, "warmup": WARMUP,
               "connections": args.connections,
               "command": command_line(args), "mixes": {}}
    try:
        load_demo(db)
        bodies = {}
        for mix, path, cache in (("list", LIST_PATH, "false"), ("cached", GET_PATH, "true")):
            row = {"path": path}
            if args.only != "reference":
                port = ports.free_port()
                row["service"], bodies[mix] = count([args.service_binary or service.binary("product-service")], service_env(db, port, cache),
                                                    port, path, args.requests, outdir, f"service-{mix}",
                                                    args.connections, ready_path="/ready")
            if args.before_binary:
                port = ports.free_port()
                row["before"], _ = count([args.before_binary], service_env(db, port, cache), port, path, args.requests,
                                         outdir, f"before-{mix}", args.connections, ready_path="/ready")
                row["before"]["commit"] = args.before_commit
            if args.only != "service":
                port = ports.free_port()
                if mix == "list":
                    env = dict(os.environ, PGPASSWORD=db.passwords["catalog"])
                    argv = [os.path.join(build, "bench", "list_server"), "--port", str(port),
                            "--conninfo", cluster.conninfo(dbname=db.name, user="catalog_svc"), "--sql", list_sql()]
                else:
                    body = bodies.get(mix)
                    if body is None:
                        probe = service.product_service(db, LOG_SAMPLE_RATE=0)
                        body = Connection(probe.port).get(path)[1]
                        probe.stop()
                        probe.close()
                    body_file = os.path.join(outdir, "cached-body.json")
                    with open(body_file, "wb") as f:
                        f.write(body)
                    argv = [os.path.join(build, "bench", "bare_server"), "--port", str(port), "--body-file", body_file]
                    env = os.environ.copy()
                row["reference"], ref_body = count(argv, env, port, path, args.requests, outdir,
                                                   f"reference-{mix}", args.connections)
                if mix in bodies and ref_body != bodies[mix]:
                    raise RuntimeError(f"{mix}: the reference server's body differs from the service's")
            if "service" in row and "reference" in row:
                row["service_over_reference"] = round(row["service"]["instructions_per_request"] /
                                                      row["reference"]["instructions_per_request"], 2)
            results["mixes"][mix] = row
    finally:
        db.drop()
    for mix, row in results["mixes"].items():
        parts = [f"{who} {row[who]['instructions_per_request']:,} instructions/request "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(row[who]['syscalls_per_request'].items()))})"
                 for who in ("service", "reference") if who in row]
        ratio = f" (service/reference {row['service_over_reference']}x)" if "service_over_reference" in row else ""
        print(f"{mix:7s} {row['path']}: " + ", ".join(parts) + ratio)
    if args.keep:
        print(f"dumps in {outdir}: callgrind_annotate --inclusive=yes FILE")
    else:
        shutil.rmtree(outdir, ignore_errors=True)
    if args.out:
        benchlib.write(args.out, results)


if __name__ == "__main__":
    main()
