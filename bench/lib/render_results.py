"""Renders bench/RESULTS.md from bench/results/*.json (the raw numbers,
committed with the machine and command that produced them)."""

import glob
import json
import os
import statistics
import sys

import render_compare
from benchlib import STEAL_LIMIT


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def stolen(run):
    """A run of a round set aside for the hypervisor's steal (benchlib.quiet_rounds) says so."""
    return f" (steal {run['steal'] * 100:.2f}%)" if run.get("quiet") is False and run.get("steal") is not None else ""


def runs_list(runs, key="rps"):
    return ", ".join(f"{run[key]:,.0f}{stolen(run)}" for run in runs)


def p99_list(runs):
    return ", ".join(f"{run['p99_ms']:.1f}{stolen(run)}" for run in runs)


def load(m):
    """The machine's load average (1, 5, 15 min) when the suite started, and
    the CPU time the hypervisor took during it, if recorded."""
    la = m.get("load_average")
    text = f" Load average at the start: {la[0]:.2f}, {la[1]:.2f}, {la[2]:.2f}." if la else ""
    if m.get("cpu_busy_before") is not None:
        text += f" CPU busy in the 2 s before it: {m['cpu_busy_before'] * 100:.0f}%."
    if m.get("cpu_steal_share") is not None:
        text += f" CPU steal during the suite (time the hypervisor gave to others): {m['cpu_steal_share'] * 100:.1f}%."
    return text


def verdict(ok, quiet=True):
    """A target's verdict; a measurement without enough quiet rounds claims nothing."""
    return ("meets" if ok else "**misses**") + ("" if quiet else " (too few quiet runs: not a claim)")


def quiet_rule(r):
    """How benchlib.quiet_rounds() chose the runs the medians are taken over."""
    tail = r.get("tail_steal_limit")
    tail_rule = ("five for a tail latency at a fixed rate, each losing at most "
                 f"{tail * 100:.1f}% of the CPU: a slice of stolen time delays the requests queued behind it "
                 "until the backlog drains, so at 70% load a round may lose at most (1 - 0.99) x (1 - 0.7) of "
                 "its CPU before the hypervisor alone decides the p99; " if tail is not None else
                 "five for a tail latency at a fixed rate; ")
    return (f"Each measurement repeats until {r['runs']} of its rounds ({tail_rule}"
            "a round is a run and its baseline's, back to back) were quiet, the hypervisor taking at most "
            f"{STEAL_LIMIT * 100:.0f}% of the CPU time (steal, from /proc/stat), at most {r.get('tries', 3)} times "
            "as many rounds; medians over the quiet rounds. Runs of the rounds set aside are listed with their "
            "steal; a measurement with too few quiet rounds takes its medians over all its rounds and claims "
            "nothing.")


def product_service(r):
    m = r["machine"]
    c = r["cached_get_by_id"]
    l = r["uncached_list_20"]
    t = r["threads"]
    peak = max(c["peak_rss_kib"], l["peak_rss_kib"])
    q = started_quiet(m)
    # results before quiet rounds list pgbench's runs as bare numbers
    pgbench_runs = l.get("pgbench_runs") or [{"tps": x} for x in l["pgbench_same_sql_c64_tps"]]
    lines = [
        "## product-service",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}, "
        f"kernel {m['kernel']}, commit `{m['commit']}`. Command: `{r['command']}` "
        + (f"({r['seconds_per_run']:.0f}-s runs; medians)" if "tries" in r else
           f"({r['runs']} runs of {r['seconds_per_run']:.0f} s each; medians)") + ". The service, PostgreSQL and the "
        "load generator share the same cores, so absolute numbers are lower bounds; ratios against the "
        "baseline measured in the same run are what carry over." + load(m) +
        (" " + quiet_rule(r) if "tries" in r else ""),
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        f"| `GET /api/products/{{id}}` from the cache, wrk -t1 -c64 | **{c['median_rps']:,.0f} req/s** "
        f"(runs: {runs_list(c['runs'])}) | >= 50,000: {verdict(c['median_rps'] >= 50000, q and c.get('quiet', True))} |",
        f"| same, p99 at 70% of peak ({c['at_70_percent']['rate']:,} req/s, open loop, 64 connections, "
        f"latency from the intended send time) | "
        f"**{c['at_70_percent']['median_p99_ms']:.2f} ms** (p50 {c['at_70_percent']['median_p50_ms']:.2f} ms; "
        f"p99 per run: {p99_list(c['at_70_percent']['runs'])}) | "
        f"<= 5 ms: {verdict(c['at_70_percent']['median_p99_ms'] <= 5, q and c['at_70_percent'].get('quiet', True))} |",
    ]
    if "ratio_to_reference" in c:
        lines += [
            f"| bare Beast server (`{c['reference']}`), wrk -t1 -c64, runs alternating with the service's | "
            f"{c['reference_median_rps']:,.0f} req/s (runs: {runs_list(c['reference_runs'])}) | baseline |",
            f"| cached GET / bare server | **{c['ratio_to_reference']:.2f}x** | >= 0.95x: "
            f"{verdict(c['ratio_to_reference'] >= 0.95, q and c.get('quiet', True))} |",
        ]
    lines += [
        f"| `GET /api/products?limit=20`, cache off, wrk -t1 -c64 | **{l['median_rps']:,.0f} req/s** "
        f"(runs: {runs_list(l['runs'])}) | |",
    ]
    if "ratio_to_reference" in l:
        lines += [
            f"| reference server (`{l['reference']}`), wrk -t1 -c64, runs alternating with the service's | "
            f"{l['reference_median_rps']:,.0f} req/s (runs: {runs_list(l['reference_runs'])}) | baseline |",
            f"| list / reference server | **{l['ratio_to_reference']:.2f}x** | >= 0.9x: "
            f"{verdict(l['ratio_to_reference'] >= 0.9, q and l.get('quiet', True))} |",
        ]
    list_target = 0.8 if "ratio_to_reference" in l else 0.65
    lines += [
        f"| pgbench, the same SQL as a prepared custom script, -c64 -j1 | {l['pgbench_median_tps']:,.0f} tps "
        f"(runs: {runs_list(pgbench_runs, 'tps')}) | baseline |",
        f"| list / pgbench | **{l['ratio_to_pgbench'] * 100:.0f}%** | >= {list_target * 100:.0f}%: "
        f"{verdict(l['ratio_to_pgbench'] >= list_target, q and l.get('quiet', True) and l.get('pgbench_quiet', True))} |",
        f"| RSS idle (after loading the demo catalog) | **{mib(r['rss_idle_kib'])}** | <= 16 MB: {verdict(r['rss_idle_kib'] <= 16 * 1000)} |",
        f"| RSS peak under the loads above (VmHWM) | **{mib(peak)}** | <= 48 MB: {verdict(peak <= 48 * 1000)} |",
        f"| start to `/ready`, migrations applied (median of 7) | **{r['startup_to_ready_ms']['median']} ms** | "
        f"<= 100 ms: {verdict(r['startup_to_ready_ms']['median'] <= 100)} |",
        f"| service CPU per 1,000 cached GETs / uncached lists | {c['cpu_ms_per_1000_requests']:.1f} ms / "
        f"{l['cpu_ms_per_1000_requests']:.1f} ms | |",
        "",
        "Threads (`HTTP_THREADS`, one event loop and one pipelined database connection each):",
        "",
        "| threads | cached GET req/s | uncached list req/s |",
        "|---|---|---|",
        f"| 1 | {t['threads_1_cached_get']:,.0f} | {t['threads_1_uncached_list']:,.0f} |",
        f"| 2 | {t['threads_2_cached_get']:,.0f} | {t['threads_2_uncached_list']:,.0f} |",
        "",
        "The default stays at one thread: on two cores shared with PostgreSQL and the load generator a second "
        "event loop competes for the same CPU. On Fargate a 0.25 vCPU task has less than one core, so one "
        "thread is the right size there too; set `HTTP_THREADS` to the task's vCPUs for larger tasks.",
        "",
    ]
    tr = r.get("tracing")
    if tr:
        lines += [
            "Tracing overhead: every request sampled (`OTEL_TRACES_SAMPLER=always_on`) and exported to a collector "
            "endpoint that refuses connections, against tracing off; off and on runs alternate, wrk -t1 -c64. "
            "Spans that cannot be exported are dropped and counted (`otel_spans_dropped_total`), never waited for.",
            "",
            "| endpoint | off req/s | on req/s (dead collector) | on / off | spans dropped | target |",
            "|---|---|---|---|---|---|",
        ]
        for label, name in (("cached_get", "`GET /api/products/{id}` (cache)"),
                            ("uncached_list", "`GET /api/products?limit=20` (server + database span)")):
            t = tr[label]
            lines.append(f"| {name} | {t['off_median_rps']:,.0f} (runs: {runs_list(t['off_runs'])}) | "
                         f"{t['on_median_rps']:,.0f} (runs: {runs_list(t['on_runs'])}) | **{t['ratio'] * 100:.0f}%** | "
                         f"{t['spans_dropped']:,} | >= 90%: {verdict(t['ratio'] >= 0.9, started_quiet(m) and t.get('quiet', True))} |")
        lines.append("")
    return lines + busy_start(m), l["cpu_ms_per_1000_requests"]


# Above this share of the CPU busy before a suite starts, other work runs.
BUSY_LIMIT = 0.25


def started_quiet(m):
    """No other work shared the CPU when the suite started: the CPU (nearly)
    idle in the seconds before it, or for older results the load average
    below the core count."""
    if m.get("cpu_busy_before") is not None:
        return m["cpu_busy_before"] <= BUSY_LIMIT
    return m.get("load_average", [0])[0] <= m["cores"]


def busy_start(m):
    return [] if started_quiet(m) else [
        "Other work shared the CPU when the suite started (the CPU busy before it, or the load average above "
        f"the {m['cores']} cores): nothing above is a claim.", ""]


def order_service(r):
    m = r["machine"]
    o = r["checkout"]
    pg = r["pgbench_same_sql"]
    page, at70 = r["order_page"]["peak"], r["order_page"]["at_70_percent"]
    c = r["cancel"]
    start_quiet = started_quiet(m)
    lines = [
        "## order-service",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['os']}, commit `{m['commit']}`. Command: "
        f"`{r['command']}` ({r['seconds_per_run']:.0f}-s runs; medians). Each order is the whole "
        "checkout saga: the order and its Idempotency-Key recorded, stock reserved at product-service over HTTP, "
        "the payment simulator (latency 0) charged, the reservation committed, the final status and the replayable "
        f"response stored. PostgreSQL synchronous_commit/fsync: {r['postgres_synchronous_commit_fsync']}. "
        f"{r['clients']} clients." + load(m) + " " + quiet_rule(r),
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        f"| orders/s, wrk -t1 -c{r['clients']} (`POST /api/orders`, a new key each) | "
        f"**{o['peak_median_orders_per_s']:,.0f}** (runs: {runs_list(o['peak_runs'])}) | |",
        f"| pgbench: the same {len(o['pgbench_statements'])} statements, each its own transaction as in the saga, "
        f"-c{r['clients']} -j1 | {pg['median_tps']:,.0f} orders/s (runs: {runs_list(pg['runs'], 'tps')}) | baseline |",
        f"| service / pgbench | **{r['ratio_to_pgbench'] * 100:.0f}%** | >= 60%: "
        f"{verdict(r['ratio_to_pgbench'] >= 0.6, start_quiet and o['peak_quiet'] and pg['quiet'])} |",
        f"| p99 at 70% of peak ({o['rate']:,} orders/s, open loop) | **{o['median_p99_ms']:.2f} ms** "
        f"(p50 {o['median_p50_ms']:.2f} ms; p99 per run: {p99_list(o['runs'])}) | <= 20 ms: "
        f"{verdict(o['median_p99_ms'] <= 20, start_quiet and o['quiet'])} |",
        f"| same, p50 / p99 / p99.9 (median of runs) | {o['median_p50_ms']:.2f} / **{o['median_p99_ms']:.2f}** / "
        f"{o['median_p999_ms']:.2f} ms | |",
        f"| pgbench, the same statements at the same offered rate (--rate {o['rate']:,}, -c{r['clients']}, latency "
        f"from the scheduled start), runs alternating with the service's: p50 / p99 / p99.9 | "
        f"{o['pgbench_median_p50_ms']:.2f} / **{o['pgbench_median_p99_ms']:.2f}** / "
        f"{o['pgbench_median_p999_ms']:.2f} ms (p99 per run: {p99_list(o['pgbench_runs'])}) | baseline |",
        f"| checkout p99 / pgbench p99 at the same rate | **{o['p99_ratio_to_pgbench']:.2f}x** | <= 2x: "
        f"{verdict(o['p99_ratio_to_pgbench'] <= 2, start_quiet and o['quiet'])} |",
        f"| order page reads/s, wrk -t1 -c{r['clients']} (`GET /api/orders/{{id}}`: the order with its history) | "
        f"**{page['median_reads_per_s']:,.0f}** (runs: {runs_list(page['runs'])}) | |",
        f"| order page p99 at 70% of peak ({at70['rate']:,} reads/s, open loop) | **{at70['median_p99_ms']:.2f} ms** "
        f"(p50 {at70['median_p50_ms']:.2f} ms; p99 per run: {p99_list(at70['runs'])}) | <= 5 ms: "
        f"{verdict(at70['median_p99_ms'] <= 5, start_quiet and page['quiet'] and at70['quiet'])} |",
    ]
    if "median_cpu_us_per_read" in page:
        cpu, cpu70 = page["median_cpu_us_per_read"], at70["median_cpu_us_per_read"]
        lines += [
            f"| order page: CPU per read at the peak / at 70% of it, order-service and its PostgreSQL sessions | "
            f"{cpu['order-service']:.1f} + {cpu['postgres']:.1f} µs / {cpu70['order-service']:.1f} + "
            f"{cpu70['postgres']:.1f} µs | |",
        ]
    lines += [
        f"| cancels/s, wrk -t1 -c{r['clients']} (`POST /api/orders/{{id}}/cancel` by an admin, a different "
        f"confirmed order each: stock back at product-service, refund, settle) | "
        f"**{c['median_cancels_per_s']:,.0f}** (runs: {runs_list(c['runs'])}) | |",
        f"| pgbench: the same {len(c['pgbench_statements'])} statements, each its own transaction as the service "
        f"runs them, -c{r['clients']} -j1 | {c['pgbench_median_tps']:,.0f} cancels/s (runs: "
        f"{runs_list(c['pgbench_runs'], 'tps')}) | baseline |",
        f"| cancels: service / pgbench | **{c['ratio_to_pgbench'] * 100:.0f}%** | >= 60%: "
        f"{verdict(c['ratio_to_pgbench'] >= 0.6, start_quiet and c['quiet'])} |",
        f"| RSS peak: order-service / product-service | {mib(r['rss_peak_kib']['order-service'])} / "
        f"{mib(r['rss_peak_kib']['product-service'])} | |",
        "",
        "Why the service can beat pgbench here: pgbench sends each statement and waits, so every statement is "
        "its own commit; the services pipeline statements from concurrent orders on one connection per worker "
        "with one Sync per event-loop turn, so one WAL flush commits many orders' statements.",
        "",
    ]
    return lines + busy_start(m), None


def frontend(r):
    m = r["machine"]
    rows = [("`index.html`", "index")]
    if "chunk" in r:
        rows.append((f"`{r['chunk']}`, the median-sized hashed script ({r['chunk_bytes']:,} bytes)", "chunk"))
    rows += [(f"`{r['asset']}`, the largest bundle ({r['asset_bytes']:,} bytes)", "asset"),
             (f"same bundle, brotli ({r['asset_br_bytes'] or 0:,} bytes)", "asset_br")]
    lines = [
        "## frontend",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['os']}, commit `{m['commit']}`. Command: "
        f"`{r['command']}` ({r['runs']} runs of {r['seconds_per_run']:.0f} s; medians; wrk -t1 -c64). "
        "The built web app served from memory by the frontend service, directly and through the local load "
        "balancer (nginx, one worker, access log off) on the same two cores.",
        "",
        "| file | direct req/s | through nginx req/s | target (direct) |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        direct = r[f"direct_{key}"]["median_rps"]
        lines.append(f"| {label} | **{direct:,.0f}** | {r[f'alb_{key}']['median_rps']:,.0f} | "
                     f">= 50,000: {verdict(direct >= 50000)} |")
    lines += ["", f"Frontend RSS peak: {mib(r['rss_peak_kib'])}. The largest bundle is bound by bytes, not "
              "requests: its rate times its size is the loopback throughput one core reaches.", ""]
    return lines, None


def syscall_text(calls):
    if not calls:
        return "-"
    return ", ".join(f"{name} {n:.2f}" for name, n in sorted(calls.items()))


def callgrind(r):
    m = r["machine"]
    lines = [
        "## Instructions per request (callgrind)",
        "",
        f"Measured {m['date']} on {m['cpu']}, commit `{m['commit']}`. Command: `{r['command']}` "
        f"({r['requests']:,} requests after {r['warmup']} of warm-up, in rounds of one request on each of "
        f"{r.get('connections', 1)} keep-alive connections, each server under `valgrind --tool=callgrind`, counters "
        "zeroed after the warm-up). Instruction counts "
        "do not depend on the machine's load; they exclude the kernel's work (the socket system calls).",
        "",
    ]
    before = any("before" in row for row in r["mixes"].values())
    if before:
        lines += ["| mix | product-service before | product-service | reference server | service / reference | "
                  "system calls per request (before / service / reference) |", "|---|---|---|---|---|---|"]
    else:
        lines += ["| mix | product-service | reference server | service / reference | "
                  "system calls per request (service / reference) |", "|---|---|---|---|---|"]
    for mix, name in (("list", "`GET /api/products?limit=20`, cache off (reference: `list_server`)"),
                      ("cached", "`GET /api/products/1` from the cache (reference: `bare_server`)")):
        row = r["mixes"].get(mix)
        if not row:
            continue
        svc = row.get("service", {}).get("instructions_per_request")
        ref = row.get("reference", {}).get("instructions_per_request")
        ratio = row.get("service_over_reference")
        who = ("before", "service", "reference") if before else ("service", "reference")
        calls = " / ".join(syscall_text(row.get(w, {}).get("syscalls_per_request")) for w in who)
        first = ""
        if before:
            b = row.get("before", {})
            first = (f"{b['instructions_per_request']:,} (commit `{b.get('commit', '?')}`) | " if b else "- | ")
        lines.append(f"| {name} | {first}{f'{svc:,}' if svc else '-'} | {f'{ref:,}' if ref else '-'} | "
                     f"{f'{ratio:.2f}x' if ratio else '-'} | {calls} |")
    lines.append("")
    for mix, name in (("list", "uncached list"), ("cached", "cached GET")):
        top = r["mixes"].get(mix, {}).get("service", {}).get("top_functions")
        if top:
            lines.append(f"Where product-service's instructions go, {name} (own instructions per request, the "
                         "largest): " + "; ".join(f"`{t['function']}` {t['instructions_per_request']:,}"
                                                  for t in top) + "." +
                         (" Unnamed addresses are inside libpq." if any(t["function"].startswith("0x") for t in top)
                          else ""))
            lines.append("")
    return lines, None


def achieved(runs, key):
    return ", ".join(f"{run[key]:,.0f}" for run in runs if run.get(key) is not None)


def ratios(r):
    m = r["machine"]
    c, l, o = r["cached_get_by_id"], r["uncached_list_20"], r["checkout_at_70_percent"]
    end = r.get("load_average_at_end")
    start_quiet = started_quiet(m)
    lines = [
        "## Ratios against baselines measured side by side",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['os']}, commit `{m['commit']}`. Command: "
        f"`{r['command']}` ({r['seconds_per_run']:.0f}-s runs, the service's and its baseline's alternating; "
        "medians; wrk -t1 -c64, product-service with one thread). "
        f"PostgreSQL synchronous_commit/fsync: {r['postgres_synchronous_commit_fsync']}." + load(m) +
        (f" At the end: {end[0]:.2f}, {end[1]:.2f}, {end[2]:.2f}." if end else "") + " " + quiet_rule(r),
        "",
        "| measurement | service | baseline | ratio | target |",
        "|---|---|---|---|---|",
        f"| `GET /api/products/{{id}}` from the cache vs `{c['reference']}` | {c['median_rps']:,.0f} req/s "
        f"(runs: {runs_list(c['runs'])}) | {c['reference_median_rps']:,.0f} req/s (runs: "
        f"{runs_list(c['reference_runs'])}) | **{c['ratio_to_reference']:.2f}x** | >= 0.95x: "
        f"{verdict(c['ratio_to_reference'] >= 0.95, start_quiet and c['quiet'])} |",
        f"| `GET /api/products?limit=20`, cache off, vs `{l['reference']}` | {l['median_rps']:,.0f} req/s "
        f"(runs: {runs_list(l['runs'])}) | {l['reference_median_rps']:,.0f} req/s (runs: "
        f"{runs_list(l['reference_runs'])}) | **{l['ratio_to_reference']:.2f}x** | >= 0.9x: "
        f"{verdict(l['ratio_to_reference'] >= 0.9, start_quiet and l['quiet'])} |",
        f"| same, vs pgbench running the same SQL, -c64 -j1 | | {l['pgbench_median_tps']:,.0f} tps (runs: "
        f"{runs_list(l['pgbench_runs'], 'tps')}) | **{l['ratio_to_pgbench']:.2f}x** | >= 0.8x: "
        f"{verdict(l['ratio_to_pgbench'] >= 0.8, start_quiet and l['quiet'])} |",
        f"| checkout (`POST /api/orders`, the whole saga) at 70% of the service's peak "
        f"({o['rate']:,} orders/s of {o['peak_median_orders_per_s']:,.0f}, peak runs: {runs_list(o['peak_runs'])}; "
        f"open loop, {o['clients']} connections), "
        f"p50 / p99 / p99.9 vs pgbench running the same {len(o['pgbench_statements'])} statements at the same "
        f"offered rate (--rate, -c{o['clients']}, latency from the scheduled start) | "
        f"{o['median_p50_ms']:.2f} / {o['median_p99_ms']:.2f} / {o['median_p999_ms']:.2f} ms "
        f"(p99 per run: {p99_list(o['runs'])}) | {o['pgbench_median_p50_ms']:.2f} / "
        f"{o['pgbench_median_p99_ms']:.2f} / {o['pgbench_median_p999_ms']:.2f} ms (p99 per run: "
        f"{p99_list(o['pgbench_runs'])}; rate achieved per run: {achieved(o['pgbench_runs'], 'rate')}/s, the "
        f"service's: {achieved(o['runs'], 'achieved_rate')}/s) | **{o['p99_ratio_to_pgbench']:.2f}x** (p99) | <= 2x: "
        f"{verdict(o['p99_ratio_to_pgbench'] <= 2, start_quiet and o['quiet'])} |",
        "",
    ]
    paired = l.get("round_ratios_to_pgbench")
    if paired:
        lines += [
            "The list against pgbench within each round (the service's run over pgbench's, seconds apart; "
            "the host's speed can drift between rounds with no steal to show it): "
            f"{', '.join(f'{x:.2f}x' for x in paired)}; their median {statistics.median(paired):.2f}x. "
            "The target's verdict above is the ratio of the medians.",
            "",
        ]
    return lines + busy_start(m), None


RENDERERS = {"ratios": ratios, "callgrind": callgrind, "product-service": product_service, "order-service": order_service, "frontend": frontend}


def main(results_dir, out):
    sections = []
    rps_keys = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        data = json.load(open(path))
        render = RENDERERS.get(data["suite"])
        if render is None:
            continue
        lines, cpu_ms_per_1000 = render(data)
        sections += lines
        if cpu_ms_per_1000:
            # Requests per second one 0.25 vCPU task sustains, from the service's
            # own CPU time per request on its heaviest read (the uncached list).
            rps_per_task = 0.25 * 1000 * 1000 / cpu_ms_per_1000
            rps_keys.append(f"{data['suite']}.rps_per_task={rps_per_task:.0f}")
    header = [
        "# Benchmark results",
        "",
        "Generated by `bench/run.sh` from `bench/results/*.json`; do not edit by hand.",
        "",
        "<!-- costmodel: " + " ".join(rps_keys) + " -->",
        "",
        "`rps_per_task` above (read by `tools/costmodel`) is what a 0.25 vCPU task sustains, computed from "
        "the CPU time the service itself spent per request on its heaviest read (the uncached list), "
        "not from throughput on this machine.",
        "",
    ]
    sections += render_compare.section(os.path.join(results_dir, "compare"))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(header + sections))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
