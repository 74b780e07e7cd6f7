"""Unit tests of the benchmark library: how quiet_rounds() keeps the rounds
the hypervisor left alone, and how RESULTS.md renders what they claim."""

import glob
import json
import os
import sys

import pytest

BENCH = os.path.join(os.path.dirname(__file__), "..", "..")
sys.path.insert(0, os.path.join(BENCH, "lib"))

import benchlib  # noqa: E402
import render_compare  # noqa: E402
import render_results  # noqa: E402


def scripted_steal(monkeypatch, steals):
    """cpu_jiffies() as the kernel would report it around rounds that lost
    the given shares of their CPU time to the hypervisor (None: unknown)."""
    readings = []
    total = steal = idle = 0
    for share in steals:
        if share is None:
            readings += [None, None]
            continue
        readings.append({"total": total, "steal": steal, "idle": idle})
        total += 100000
        steal += round(share * 100000)
        readings.append({"total": total, "steal": steal, "idle": idle})
    calls = iter(readings)
    monkeypatch.setattr(benchlib, "cpu_jiffies", lambda: next(calls))


def counting_measure():
    counter = {"n": 0}

    def measure():
        counter["n"] += 1
        return {"service": {"rps": 100.0 * counter["n"]}, "baseline": {"rps": 10.0 * counter["n"]}}
    return measure, counter


def test_rounds_repeat_until_enough_are_quiet_and_medians_use_only_those(monkeypatch):
    scripted_steal(monkeypatch, [0.0, 0.30, 0.01, 0.05, 0.02])
    measure, counter = counting_measure()
    every, used, enough = benchlib.quiet_rounds(measure, want=3)
    assert enough and counter["n"] == 5
    assert [r["rps"] for r in every["service"]] == [100, 200, 300, 400, 500]
    assert [r["rps"] for r in used["service"]] == [100, 300, 500]
    assert [r["rps"] for r in used["baseline"]] == [10, 30, 50]
    assert [r["quiet"] for r in every["baseline"]] == [True, False, True, False, True]
    assert [r["steal"] for r in every["service"]] == [0.0, 0.3, 0.01, 0.05, 0.02]


def test_a_round_at_exactly_the_limit_is_quiet_and_just_above_is_not(monkeypatch):
    scripted_steal(monkeypatch, [benchlib.STEAL_LIMIT, benchlib.STEAL_LIMIT + 0.001])
    measure, _ = counting_measure()
    every, _, enough = benchlib.quiet_rounds(measure, want=1)
    assert enough and len(every["service"]) == 1


def test_too_few_quiet_rounds_stop_at_the_cap_and_claim_nothing(monkeypatch):
    monkeypatch.setattr(benchlib, "TRIES", 2)
    scripted_steal(monkeypatch, [0.1, 0.0, 0.2, 0.3, 0.4, 0.5, 0.0])
    measure, counter = counting_measure()
    every, used, enough = benchlib.quiet_rounds(measure, want=3)
    assert not enough and counter["n"] == 6
    # the medians are then over every round, and the result says so
    assert used is every


def test_more_stops_before_a_round_that_cannot_run(monkeypatch):
    scripted_steal(monkeypatch, [0.5, 0.5, 0.5, 0.5])
    measure, counter = counting_measure()
    every, _, enough = benchlib.quiet_rounds(measure, want=2, more=lambda: counter["n"] < 2)
    assert counter["n"] == 2 and not enough and len(every["service"]) == 2


def test_a_tail_latency_wants_five_rounds_within_the_stricter_limit(monkeypatch):
    # p99 at 70% load: (1 - 0.99) x (1 - 0.7) = 0.3% of the CPU
    assert benchlib.tail_steal_limit() == pytest.approx(0.003)
    assert benchlib.tail_steal_limit(0.999, 0.5) == pytest.approx(0.0005)
    # 1% steal is quiet for a rate, not for a tail
    scripted_steal(monkeypatch, [0.01, 0.0, 0.003, 0.0031, 0.002, 0.0, 0.001])
    measure, counter = counting_measure()
    every, used, enough = benchlib.tail_rounds(measure)
    assert enough and counter["n"] == 7
    assert [r["quiet"] for r in every["service"]] == [False, True, True, False, True, True, True]
    assert [r["rps"] for r in used["service"]] == [200, 300, 500, 600, 700]


def test_unknown_steal_counts_as_quiet(monkeypatch):
    scripted_steal(monkeypatch, [None, None])
    measure, counter = counting_measure()
    _, _, enough = benchlib.quiet_rounds(measure, want=2)
    assert enough and counter["n"] == 2


@pytest.mark.parametrize("ok,quiet,expected", [
    (True, True, "meets"),
    (False, True, "**misses**"),
    (True, False, "meets (too few quiet runs: not a claim)"),
    (False, False, "**misses** (too few quiet runs: not a claim)"),
])
def test_verdicts_of_runs_without_enough_quiet_rounds_are_not_claims(ok, quiet, expected):
    assert render_results.verdict(ok, quiet) == expected


def test_runs_set_aside_are_listed_with_their_steal():
    runs = [{"rps": 1000.0, "steal": 0.01, "quiet": True}, {"rps": 2500.0, "steal": 0.184, "quiet": False},
            {"rps": 3000.0}]
    assert render_results.runs_list(runs) == "1,000, 2,500 (steal 18.40%), 3,000"


def test_a_suite_started_on_a_busy_cpu_claims_nothing():
    assert render_results.started_quiet({"cores": 2, "load_average": [3.5, 3, 3], "cpu_busy_before": 0.03})
    assert not render_results.started_quiet({"cores": 2, "load_average": [0.1, 0, 0], "cpu_busy_before": 0.6})
    # older results have only the load average
    assert not render_results.started_quiet({"cores": 2, "load_average": [2.5, 2, 2]})
    assert render_results.busy_start({"cores": 2, "cpu_busy_before": 0.9})[0].endswith("nothing above is a claim.")


def test_results_md_is_what_the_committed_results_render_to(tmp_path):
    """bench/RESULTS.md is generated, never edited: rendering the committed
    JSON gives it byte for byte (and every committed result still renders)."""
    out = tmp_path / "RESULTS.md"
    render_results.main(os.path.join(BENCH, "results"), str(out))
    with open(os.path.join(BENCH, "RESULTS.md"), encoding="utf-8") as f:
        committed = f.read()
    assert out.read_text(encoding="utf-8") == committed


def test_every_committed_result_names_its_machine_and_command():
    results = os.path.join(BENCH, "results")
    for name in sorted(glob.glob("**/*.json", root_dir=results, recursive=True)):
        with open(os.path.join(results, name), encoding="utf-8") as f:
            data = json.load(f)
        assert data.get("command", "").startswith("bench/"), name
        assert {"cpu", "cores", "commit", "date"} <= set(data["machine"]), name


def test_cpu_per_request_is_each_group_s_cpu_time_over_the_run_s_requests(monkeypatch):
    clock = {101: 1.0, 102: 2.0, 201: 5.0}
    monkeypatch.setattr(benchlib, "cpu_seconds", lambda pid: clock[pid])

    def measure():
        clock[101] += 0.5    # the service: 0.5 s
        clock[201] += 0.25   # one database session: 0.25 s, the other idle
        return {"requests": 10_000}
    run = benchlib.with_cpu({"service": [101], "postgres": [102, 201]}, measure, lambda r: r["requests"])
    assert run["cpu_us_per_request"] == {"service": 50.0, "postgres": 25.0}


def test_results_md_renders_in_an_ascii_locale(tmp_path):
    """RESULTS.md has non-ASCII text (µs): it is written as UTF-8 whatever
    the locale of the machine running bench/run.sh."""
    import subprocess
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    out = tmp_path / "RESULTS.md"
    subprocess.run([sys.executable, os.path.join(BENCH, "lib", "render_results.py"), os.path.join(BENCH, "results"),
                    str(out)], env=env, check=True)
    assert "µs" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("before, after, better, expected", [
    ([100, 110, 120], [130, 140, 150], "higher", "better: every run beyond every run before"),
    ([100, 110, 120], [90, 95, 99], "higher", "**worse**: every run short of every run before"),
    ([100, 110, 120], [95, 105, 125], "higher", "runs overlap"),
    ([100, 110, 120], [120, 130, 140], "higher", "runs overlap"),  # a tie is no difference
    ([4.0, 5.0, 6.0], [2.0, 3.0, 3.5], "lower", "better: every run beyond every run before"),
    ([4.0, 5.0, 6.0], [6.5, 7.0, 9.0], "lower", "**worse**: every run short of every run before"),
])
def test_a_row_is_worse_or_better_only_when_every_run_says_so(before, after, better, expected):
    assert render_compare.verdict((0, before), (0, after), better) == expected
    assert render_compare.verdict((0, None), (0, after), better) == ""


def test_before_and_after_shows_the_rows_both_sides_measured(tmp_path):
    """An order-service built before the order page and the cancels has
    only the checkout's rows; the section names both commits."""
    def result(commit, orders_per_s, runs):
        return {"suite": "order-service", "machine": {"date": "2026-12-07 16:00 UTC", "cpu": "CPU", "cores": 2,
                                                      "commit": "abc1234", "measured_commit": commit},
                "checkout": {"peak_median_orders_per_s": orders_per_s, "peak_runs": [{"rps": x} for x in runs],
                             "median_p99_ms": 20.0, "rate": 459, "runs": [{"p99_ms": 20.0}]},
                "pgbench_same_sql": {"median_tps": 500.0, "runs": [{"tps": 500.0}]}, "ratio_to_pgbench": 1.5,
                "rss_peak_kib": {"order-service": 15360}}
    (tmp_path / "order-service.before.json").write_text(json.dumps(result("0ld0000", 600.0, [590, 600, 610])))
    (tmp_path / "order-service.after.json").write_text(json.dumps(result("abc1234", 900.0, [880, 900, 950])))
    (tmp_path / "frontend.before.json").write_text("{}")  # no after: left out
    text = "\n".join(render_compare.section(str(tmp_path)))
    assert "`bench/run.sh --before 0ld0000`" in text
    assert "| before (`0ld0000`) | after (`abc1234`) |" in text
    assert "| checkout orders/s, wrk -t1 -c32 (higher is better) | 600 (590, 600, 610) | 900 (880, 900, 950) | 1.50x | better" in text
    assert "checkout p99 at 70% of the before side's peak, ms (lower is better) | 20.00 at 459/s (20.00) |" in text
    assert "RSS peak, order-service, MiB (lower is better) | 15.0 | 15.0 | 1.00x |" in text
    assert "product-service" not in text and "### frontend" not in text
    assert render_compare.section(str(tmp_path / "none")) == []


def test_the_list_s_ratio_within_each_round_is_reported_beside_the_target_s():
    with open(os.path.join(BENCH, "results", "ratios.json"), encoding="utf-8") as f:
        r = json.load(f)
    r["uncached_list_20"]["round_ratios_to_pgbench"] = [0.62, 0.98, 1.08]
    text = "\n".join(render_results.ratios(r)[0])
    assert "0.62x, 0.98x, 1.08x; their median 0.98x. The target's verdict above is the ratio of the medians." in text


def test_a_tail_is_taken_at_70_percent_of_the_peak_or_at_the_before_side_s_rate(monkeypatch, tmp_path):
    monkeypatch.delenv("BENCH_TAIL_RATES_FROM", raising=False)
    assert benchlib.tail_rate("checkout.rate", 1000) == pytest.approx(700)
    before = tmp_path / "order-service.before.json"
    before.write_text(json.dumps({"checkout": {"rate": 459}}))
    monkeypatch.setenv("BENCH_TAIL_RATES_FROM", str(before))
    assert benchlib.tail_rate("checkout.rate", 1000) == 459
    # a measurement the before side did not take: its own 70%
    assert benchlib.tail_rate("order_page.at_70_percent.rate", 20000) == pytest.approx(14000)
