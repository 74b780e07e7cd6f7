#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs the benchmarks and records them in bench/RESULTS.md:
#   builds the release preset, starts a private PostgreSQL (durable default
#   settings), runs each suite with its baselines measured in the same run,
#   writes bench/results/<suite>.json and regenerates bench/RESULTS.md.
#
#   bench/run.sh                 every suite
#   bench/run.sh product-service one suite
#   bench/run.sh ratios          the side-by-side ratios against the reference
#                                servers and pgbench (bench/lib/bench_ratios.py)
# Environment: BENCH_SECONDS (per measurement, default 10), BENCH_RUNS (default 3),
# BENCH_TRIES (default 3): the order-service and ratios suites repeat each
# measurement until BENCH_RUNS of its rounds lost at most 2% of the CPU to the
# hypervisor (steal), at most BENCH_RUNS x BENCH_TRIES rounds; a tail latency at
# a fixed rate wants five rounds within 0.3% (bench/lib/benchlib.py).
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/postgres.sh"

if [ $# -gt 0 ]; then
  SUITES=("$@")
else
  SUITES=(product-service order-service frontend ratios)
fi

ensure_build_packages "${RUN_PACKAGES[@]}" wrk postgresql-contrib
build_preset release --target product-service order-service frontend rate_load list_server bare_server
build_web

PG_DIR=""
trap '[ -n "$PG_DIR" ] && pg_stop "$PG_DIR"' EXIT
port="$(free_port)"
say "starting PostgreSQL for the benchmarks on 127.0.0.1:${port}"
PG_DIR="$(pg_start bench-postgres "$port" "-c max_connections=200")"
superuser_password="$(pg_superuser_password "$PG_DIR")"
export ECOM_BENCH_PG="host=127.0.0.1 port=${port} user=postgres password=${superuser_password}"
export ECOM_BUILD_DIR="${ROOT_DIR}/build/release"
export ECOM_SOURCE_DIR="${ROOT_DIR}"

for suite in "${SUITES[@]}"; do
  script="${ROOT_DIR}/bench/lib/bench_${suite//-/_}.py"
  [ -f "$script" ] || die "unknown suite: ${suite}"
  say "benchmark: ${suite}"
  /usr/bin/python3 "$script" "${ROOT_DIR}/bench/results/${suite}.json"
done
/usr/bin/python3 "${ROOT_DIR}/bench/lib/render_results.py" "${ROOT_DIR}/bench/results" "${ROOT_DIR}/bench/RESULTS.md"
say "results: bench/RESULTS.md"
