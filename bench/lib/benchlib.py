"""Shared pieces of the benchmark suites: the machine description, wrk and
pgbench runs parsed into numbers, process CPU and memory readings."""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "lib"))
from ecomtest import service  # noqa: E402  (tests/lib is on the path from here on)

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Rounds a measurement may take to find RUNS quiet ones (quiet_rounds()).
TRIES = int(os.environ.get("BENCH_TRIES", "3"))
# Above this share of stolen CPU time, a wall-clock run measured the host's
# other tenants as much as the code.
STEAL_LIMIT = 0.02
# A tail latency at a fixed rate (tail_rounds()) wants five quiet rounds
# within a stricter limit, tail_steal_limit() at this percentile and load.
TAIL_PERCENTILE = 0.99
TAIL_LOAD = 0.7
BUILD_DIR = os.environ.get("ECOM_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "release"))


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.environ.get("ECOM_SOURCE_DIR", ".")).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_name(),
        "commit": commit,
        # The commit whose services ran, when not this tree's (bench/run.sh --before).
        "measured_commit": os.environ.get("ECOM_MEASURED_COMMIT") or commit,
        # The machine may be shared (other builds): its load when the suite started.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        # How busy the CPU was in the seconds before the suite started (other
        # work would show here; the load average also counts the processes
        # of a suite that just ended).
        "cpu_busy_before": busy_share(2.0),
        # CPU time counters when the suite started: write() turns them into
        # the share of CPU time the hypervisor took (steal) during the suite.
        "cpu_jiffies_at_start": cpu_jiffies(),
    }


def busy_share(seconds):
    """The share of CPU time spent running anything (not idle, not waiting
    for the disk, not stolen) over the next `seconds`, or None when unknown."""
    start = cpu_jiffies()
    time.sleep(seconds)
    end = cpu_jiffies()
    if not start or not end or end["total"] <= start["total"]:
        return None
    idle = (end["idle"] - start["idle"]) + (end["steal"] - start["steal"])
    return round(1 - idle / (end["total"] - start["total"]), 4)


def cpu_jiffies():
    """All CPU time and the steal part of it so far, from /proc/stat's
    first line (user nice system idle iowait irq softirq steal ...)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # idle + iowait: time with nothing to run
    return {"total": sum(fields[:8]), "idle": fields[3] + fields[4], "steal": fields[7] if len(fields) > 7 else 0}


def steal_share(start):
    """The share of CPU time stolen by the hypervisor since `start`
    (cpu_jiffies()), or None when unknown."""
    end = cpu_jiffies()
    if not start or not end or end["total"] <= start["total"]:
        return None
    return round((end["steal"] - start["steal"]) / (end["total"] - start["total"]), 4)


def tail_steal_limit(percentile=TAIL_PERCENTILE, load=TAIL_LOAD):
    """The steal a round of a tail-latency measurement may lose. Stolen time
    comes in slices of milliseconds; a slice delays the requests that arrive
    during it and those queued behind it until the backlog drains, at a load
    of `load` 1 / (1 - load) times as long as the slice. For the delayed
    requests to stay inside the percentile's tail (1 - percentile), a round
    may lose at most (1 - percentile) x (1 - load) of its CPU time: 0.3% for
    a p99 at 70% of the peak, where STEAL_LIMIT (2%) would let the
    hypervisor alone decide the p99."""
    return round((1 - percentile) * (1 - load), 6)


def tail_rate(key, peak):
    """The offered rate of a tail latency at a fixed rate: TAIL_LOAD (70%)
    of the measured peak; on the after side of bench/run.sh --before, the
    before side's rate for the same measurement (`key`, its dotted path in
    the results BENCH_TAIL_RATES_FROM names), so both sides' p99 are taken
    at the same offered load."""
    path = os.environ.get("BENCH_TAIL_RATES_FROM")
    if path:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (int, float)):
            return float(value)
    return TAIL_LOAD * peak


def tail_rounds(measure, more=lambda: True):
    """quiet_rounds() for a tail latency at a fixed rate: five quiet rounds
    (RUNS when more), each within tail_steal_limit()."""
    return quiet_rounds(measure, want=max(5, RUNS), more=more, steal_limit=tail_steal_limit())


def quiet_rounds(measure, want=None, more=lambda: True, steal_limit=STEAL_LIMIT):
    """Repeats measure() (one round: a dict of named runs taken back to back,
    the code's and its baseline's, each run a dict) until `want` (RUNS)
    rounds were quiet, i.e. the hypervisor took at most `steal_limit`
    (STEAL_LIMIT) of the CPU time during the round, or until want * TRIES
    rounds ran, or more() says no further round can run. The steal is read
    from the kernel, never from the results, so setting a round aside
    does not depend on what it measured. Every run records its round's
    `steal` share and whether the round was `quiet`. Returns
    {name: [every run]}, {name: [the runs the medians are taken over]} (the
    quiet ones when there are `want` of them, else every run) and whether
    there were enough quiet rounds for a claim."""
    want = want or RUNS
    every, quiet = {}, {}
    rounds = quiet_count = 0
    while quiet_count < want and rounds < want * TRIES and (rounds == 0 or more()):
        start = cpu_jiffies()
        runs = measure()
        steal = steal_share(start)
        rounds += 1
        is_quiet = steal is None or steal <= steal_limit
        quiet_count += is_quiet
        for name, run in runs.items():
            run["steal"] = steal
            run["quiet"] = is_quiet
            every.setdefault(name, []).append(run)
            if is_quiet:
                quiet.setdefault(name, []).append(run)
    enough = quiet_count >= want
    return every, (quiet if enough else every), enough


def create_shop(cluster):
    """cluster.create_shop(). When the measured services are another build's
    (bench/run.sh --before), this tree's services start once on the new
    database first, so its schema is this tree's: the baselines run this
    tree's SQL, and the older services run on the newer schema as they do
    during a blue/green deploy (migrations only add)."""
    db = cluster.create_shop()
    if service.MEASURED_BUILD_DIR != service.BUILD_DIR:
        products = service.product_service(db, build_dir=service.BUILD_DIR)
        try:
            service.order_service(db, products.base_url, build_dir=service.BUILD_DIR).close()
        finally:
            products.close()
    return db


def _os_name():
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def wrk(url, connections=64, seconds=None, threads=1, script=None, headers=(), env=None):
    """Peak throughput with wrk (a Lua `script`, extra `headers`); returns
    {rps, p50_ms, p99_ms, non_2xx, ...}."""
    extra = (["-s", script] if script else []) + [arg for h in headers for arg in ("-H", h)]
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds or SECONDS)}s", "--latency"] +
                         extra + [url], capture_output=True, text=True, check=True, env=env).stdout
    return parse_wrk(out)


def wrk_ok(url, **kwargs):
    """wrk() that fails when any answer was not 2xx or a connection failed
    (wrk's timeouts are answers slower than 2 s: counted, not failures)."""
    run = wrk(url, **kwargs)
    failed = re.findall(r"(connect|read|write) (\d+)", run["socket_errors"])
    if run["non_2xx"] or any(int(n) for _, n in failed):
        raise RuntimeError(f"wrk {url}: {run['non_2xx']} non-2xx answers, socket errors: {run['socket_errors']}")
    return run


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": rps,
        "requests": int(requests.group(1)) if requests else None,
        "p50_ms": _wrk_latency(out, "50%"),
        "p99_ms": _wrk_latency(out, "99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _wrk_latency(out, label):
    m = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def rate_load(host, port, path, rate, connections=64, seconds=None, extra=()):
    tool = os.path.join(BUILD_DIR, "bench", "rate_load")
    out = subprocess.run([tool, "--host", host, "--port", str(port), "--path", path, "--rate", str(int(rate)),
                          "--connections", str(connections), "--seconds", str(int(seconds or SECONDS))] + list(extra),
                         capture_output=True, text=True)
    if out.stderr:
        print(out.stderr.strip(), file=sys.stderr)
    return json.loads(out.stdout)


def pgbench(conninfo_args, script_path, clients, seconds=None, jobs=1, env=None):
    run = subprocess.run(["pgbench", "-n", "-M", "prepared", "-f", script_path, "-c", str(clients), "-j", str(jobs),
                          "-T", str(int(seconds or SECONDS))] + conninfo_args,
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"pgbench failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
    return float(re.search(r"tps = ([\d.]+)", run.stdout).group(1))


def pgbench_at_rate(conninfo_args, script_path, clients, rate, seconds=None, jobs=1, env=None):
    """pgbench as an open-loop load at `rate` transactions/s (--rate), each
    transaction's latency counted from its scheduled start (pgbench's latency
    plus its schedule lag, from the per-transaction log), as rate_load counts
    the service's. Returns {rate, p50_ms, p99_ms, p999_ms, max_ms, transactions}."""
    seconds = int(seconds or SECONDS)
    with tempfile.TemporaryDirectory(prefix="pgbench-log-") as folder:
        prefix = os.path.join(folder, "tx")
        run = subprocess.run(["pgbench", "-n", "-M", "prepared", "-f", script_path, "-c", str(clients), "-j",
                              str(jobs), "-T", str(seconds), "--rate", str(int(rate)), "-l", "--log-prefix", prefix] +
                             conninfo_args, capture_output=True, text=True, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"pgbench --rate failed ({run.returncode}): {run.stderr.strip()[-2000:]}")
        latencies_us = []
        for name in os.listdir(folder):
            for line in open(os.path.join(folder, name)):
                fields = line.split()
                # client transaction latency_us script epoch epoch_us schedule_lag_us
                if len(fields) >= 7 and fields[2] != "skipped":
                    latencies_us.append(int(fields[2]) + int(fields[6]))
    if not latencies_us:
        raise RuntimeError("pgbench logged no transaction")
    latencies_us.sort()

    def pct(p):
        return round(latencies_us[min(len(latencies_us) - 1, int(p / 100 * len(latencies_us)))] / 1000, 3)

    return {"rate": round(len(latencies_us) / seconds, 1), "transactions": len(latencies_us), "p50_ms": pct(50),
            "p99_ms": pct(99), "p999_ms": pct(99.9), "max_ms": round(latencies_us[-1] / 1000, 3)}


def with_cpu(groups, measure, requests):
    """measure() (a run: a dict), with the CPU time each named group of
    processes (name -> pids) spent during it, in microseconds per request
    (requests(run) of them), as run["cpu_us_per_request"]."""
    def total(pids):
        return sum(cpu_seconds(pid) for pid in pids)
    before = {name: total(pids) for name, pids in groups.items()}
    run = measure()
    n = requests(run)
    run["cpu_us_per_request"] = {name: round((total(pids) - before[name]) / n * 1e6, 1)
                                 for name, pids in groups.items()}
    return run


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def memory_kib(pid):
    values = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            values[key] = int(value.split()[0])
    return values


def write(path, data):
    m = data.get("machine")
    if isinstance(m, dict) and "cpu_jiffies_at_start" in m:
        m["cpu_steal_share"] = steal_share(m.pop("cpu_jiffies_at_start"))
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
