"""RESULTS.md's "Before and after" section, from bench/results/compare/
<suite>.before.json and <suite>.after.json (bench/run.sh --before COMMIT):
every row of a suite with the older commit's services and this tree's,
measured in one sitting by the same harness."""

import glob
import json
import os

HIGHER, LOWER = "higher", "lower"


def _runs(values):
    return [v for v in values if v is not None] or None


def _path(*keys):
    def get(r):
        for key in keys:
            if not isinstance(r, dict) or key not in r:
                return None
            r = r[key]
        return r
    return get


def _measured(part_key, median="median_rps", runs="runs", per_run="rps"):
    """A measurement of part `part_key`: its median and the runs it was taken over."""
    def get(r):
        part = r.get(part_key)
        if part is None or median not in part:
            return None
        return part[median], _runs(run.get(per_run) for run in part.get(runs, []))
    return get


def _value(*keys, scale=1):
    """A single figure (no runs), at the end of `keys`, times `scale`."""
    def get(r):
        value = _path(*keys)(r)
        return None if value is None else (value * scale, None)
    return get


def _kib(*keys):
    return _value(*keys, scale=1 / 1024)


def _product_peak_rss(r):
    peaks = [_path(k, "peak_rss_kib")(r) for k in ("cached_get_by_id", "uncached_list_20")]
    peaks = [p for p in peaks if p is not None]
    return (max(peaks) / 1024, None) if peaks else None


def _p99(*keys):
    def get(r):
        part = _path(*keys)(r)
        if part is None or "median_p99_ms" not in part:
            return None
        return (part["median_p99_ms"], _runs(run.get("p99_ms") for run in part.get("runs", [])),
                f"at {part['rate']:,}/s" if "rate" in part else "")
    return get


def _startup(r):
    part = r.get("startup_to_ready_ms")
    return None if part is None else (part["median"], part.get("runs"))


# (label, reader of one result: (median, runs or None[, note]) or None, which way is better, format)
ROWS = {
    "product-service": [
        ("`GET /api/products/{id}` from the cache, req/s", _measured("cached_get_by_id"), HIGHER, ",.0f"),
        ("same, p99 at 70% of the before side's peak, ms", _p99("cached_get_by_id", "at_70_percent"), LOWER, ".2f"),
        ("`GET /api/products?limit=20`, cache off, req/s", _measured("uncached_list_20"), HIGHER, ",.0f"),
        ("pgbench, the same SQL (the drift control: the same work both times), tps",
         _measured("uncached_list_20", "pgbench_median_tps", "pgbench_runs", "tps"), HIGHER, ",.0f"),
        ("list / pgbench", _value("uncached_list_20", "ratio_to_pgbench"), HIGHER, ".2f"),
        ("service CPU per 1,000 cached GETs, ms", _value("cached_get_by_id", "cpu_ms_per_1000_requests"), LOWER, ".1f"),
        ("service CPU per 1,000 uncached lists, ms",
         _value("uncached_list_20", "cpu_ms_per_1000_requests"), LOWER, ".1f"),
        ("2 threads: cached GET req/s", _value("threads", "threads_2_cached_get"), HIGHER, ",.0f"),
        ("2 threads: uncached list req/s", _value("threads", "threads_2_uncached_list"), HIGHER, ",.0f"),
        ("tracing on (dead collector) / off, cached GET", _value("tracing", "cached_get", "ratio"), HIGHER, ".2f"),
        ("tracing on (dead collector) / off, uncached list",
         _value("tracing", "uncached_list", "ratio"), HIGHER, ".2f"),
        ("RSS idle, MiB", _kib("rss_idle_kib"), LOWER, ".1f"),
        ("RSS peak, MiB", _product_peak_rss, LOWER, ".1f"),
        ("start to `/ready`, ms (median of 7)", _startup, LOWER, ".1f"),
    ],
    "order-service": [
        ("checkout orders/s, wrk -t1 -c32",
         _measured("checkout", "peak_median_orders_per_s", "peak_runs"), HIGHER, ",.0f"),
        ("pgbench, the same statements (the drift control), orders/s",
         _measured("pgbench_same_sql", "median_tps", "runs", "tps"), HIGHER, ",.0f"),
        ("service / pgbench", _value("ratio_to_pgbench"), HIGHER, ".2f"),
        ("checkout p99 at 70% of the before side's peak, ms", _p99("checkout"), LOWER, ".2f"),
        ("pgbench p99 at the same rate, ms", _value("checkout", "pgbench_median_p99_ms"), LOWER, ".2f"),
        ("RSS peak, order-service, MiB", _kib("rss_peak_kib", "order-service"), LOWER, ".1f"),
        ("RSS peak, product-service, MiB", _kib("rss_peak_kib", "product-service"), LOWER, ".1f"),
    ],
    "frontend": [
        (f"{what}, {how}, req/s", _measured(f"{prefix}_{key}"), HIGHER, ",.0f")
        for prefix, how in (("direct", "direct"), ("alb", "through nginx"))
        for key, what in (("index", "`index.html`"), ("chunk", "the median-sized script"),
                          ("asset", "the largest bundle"), ("asset_br", "the largest bundle, brotli"))
    ] + [("RSS peak, MiB", _kib("rss_peak_kib"), LOWER, ".1f")],
}


def verdict(before, after, better):
    """Worse or better only when the runs say so: every run of one side
    beyond every run of the other. Otherwise the medians' difference is
    within what the runs themselves spread over."""
    b_runs, a_runs = before[1], after[1]
    if not b_runs or not a_runs:
        return ""
    sign = 1 if better == HIGHER else -1
    if min(sign * x for x in a_runs) > max(sign * x for x in b_runs):
        return "better: every run beyond every run before"
    if max(sign * x for x in a_runs) < min(sign * x for x in b_runs):
        return "**worse**: every run short of every run before"
    return "runs overlap"


def _cell(reading, spec):
    """A median, the runs it was taken over, and a note (a p99's offered rate)."""
    median, runs, note = (tuple(reading) + ("",))[:3]
    text = format(median, spec) + (f" {note}" if note else "")
    return text + (f" ({', '.join(format(x, spec) for x in runs)})" if runs else "")


def suite_table(suite, before, after):
    lines = [
        f"### {suite}",
        "",
        f"| measurement | before (`{before['machine'].get('measured_commit', '?')}`) | "
        f"after (`{after['machine'].get('measured_commit', '?')}`) | after / before | runs |",
        "|---|---|---|---|---|",
    ]
    for label, read, better, spec in ROWS[suite]:
        b, a = read(before), read(after)
        if b is None or a is None:
            continue
        change = f"{a[0] / b[0]:.2f}x" if b[0] else ""
        b_text, a_text = _cell(b, spec), _cell(a, spec)
        lines.append(f"| {label} ({better} is better) | {b_text} | {a_text} | {change} | {verdict(b, a, better)} |")
    lines.append("")
    return lines


def section(compare_dir):
    """The section's lines, or [] when no suite was compared."""
    pairs = []
    for before_path in sorted(glob.glob(os.path.join(compare_dir, "*.before.json"))):
        after_path = before_path[:-len(".before.json")] + ".after.json"
        if not os.path.exists(after_path):
            continue
        before, after = json.load(open(before_path)), json.load(open(after_path))
        if before["suite"] in ROWS:
            pairs.append((before, after))
    if not pairs:
        return []
    m = pairs[0][1]["machine"]
    commit = pairs[0][0]["machine"].get("measured_commit")
    dates = sorted(r["machine"]["date"] for pair in pairs for r in pair)
    lines = [
        "## Before and after: no regression elsewhere",
        "",
        f"Measured {dates[0]} to {dates[-1]} on {m['cpu']}, "
        f"{m['cores']} cores, commit `{m['commit']}`. Command: `bench/run.sh --before {commit}` (each suite "
        f"run with `{commit}`'s services, built in `build/compare/{commit}`, then with this tree's, back to "
        "back in one sitting; the same harness, tools, SQL and schema for both: the older services run on "
        "this tree's schema, as during a blue/green deploy; order-service: its checkout only, the part both "
        "builds have). Medians, the runs in brackets. A tail latency is taken at the same offered rate on "
        "both sides, 70% of the before side's peak. A row is worse or better only when every run of one "
        "side is beyond every run of the other. With three runs a side, chance alone does that to 1 row "
        "in 20 each way, and the machine drifts between the two sides: the pgbench rows run the same work "
        "both times and show how much. A flag is a finding when it repeats in another sitting.",
        "",
    ]
    for before, after in pairs:
        lines += suite_table(before["suite"], before, after)
    return lines
