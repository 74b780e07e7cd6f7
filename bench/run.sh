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
#   bench/run.sh --before COMMIT [suite...]
#                                no regression elsewhere: COMMIT's services
#                                (built in build/compare/COMMIT) and this tree's,
#                                each suite run with one then the other in one
#                                sitting, by this tree's harness, tools and SQL;
#                                writes bench/results/compare/<suite>.{before,after}.json
#                                and RESULTS.md's "Before and after" section;
#                                this tree's tail latencies are taken at the
#                                before side's rates (the same offered load).
#                                Default suites: product-service order-service
#                                frontend (order-service: its checkout only,
#                                BENCH_ORDER_PARTS=checkout, the part every
#                                build has).
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

BEFORE=""
if [ "${1:-}" = "--before" ]; then
  [ $# -ge 2 ] || die "--before needs a commit: bench/run.sh --before COMMIT [suite...]"
  BEFORE="$(git -C "$ROOT_DIR" rev-parse --verify --quiet --short "${2}^{commit}")" || die "--before: not a commit: $2"
  shift 2
fi
if [ $# -gt 0 ]; then
  SUITES=("$@")
elif [ -n "$BEFORE" ]; then
  SUITES=(product-service order-service frontend)
else
  SUITES=(product-service order-service frontend ratios)
fi

SERVICES=(product-service order-service frontend)
ensure_build_packages "${RUN_PACKAGES[@]}" wrk postgresql-contrib
build_preset release --target "${SERVICES[@]}" rate_load list_server bare_server
build_web

# COMMIT's services, built from a worktree of it with its own presets.
build_before() {
  local tree="${ROOT_DIR}/build/compare/${BEFORE}"
  if [ ! -e "${tree}/.git" ]; then
    git -C "$ROOT_DIR" worktree prune # a worktree whose folder went with build/
    git -C "$ROOT_DIR" worktree add --detach "$tree" "$BEFORE" >/dev/null
  fi
  say "building ${BEFORE}'s services in build/compare/${BEFORE}"
  cmake --preset release -S "$tree" >/dev/null
  cmake --build "${tree}/build/release" -j "$(jobs_count)" --target "${SERVICES[@]}"
  BEFORE_BUILD_DIR="${tree}/build/release"
}
[ -z "$BEFORE" ] || build_before

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
  if [ -z "$BEFORE" ]; then
    say "benchmark: ${suite}"
    /usr/bin/python3 "$script" "${ROOT_DIR}/bench/results/${suite}.json"
    continue
  fi
  [ "$suite" != ratios ] || die "--before: the ratios suite compares against its baselines already; name other suites"
  mkdir -p "${ROOT_DIR}/bench/results/compare"
  say "benchmark: ${suite}, ${BEFORE}'s services"
  ECOM_MEASURED_BUILD_DIR="$BEFORE_BUILD_DIR" ECOM_MEASURED_COMMIT="$BEFORE" BENCH_ORDER_PARTS=checkout \
    /usr/bin/python3 "$script" "${ROOT_DIR}/bench/results/compare/${suite}.before.json"
  say "benchmark: ${suite}, this tree's services"
  BENCH_ORDER_PARTS=checkout BENCH_TAIL_RATES_FROM="${ROOT_DIR}/bench/results/compare/${suite}.before.json" \
    /usr/bin/python3 "$script" "${ROOT_DIR}/bench/results/compare/${suite}.after.json"
done
/usr/bin/python3 "${ROOT_DIR}/bench/lib/render_results.py" "${ROOT_DIR}/bench/results" "${ROOT_DIR}/bench/RESULTS.md"
say "results: bench/RESULTS.md"
