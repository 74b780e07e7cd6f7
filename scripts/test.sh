#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs every test of the project, on a fresh Debian or Ubuntu machine too:
#   1. installs what is missing (apt packages, pinned npm packages),
#   2. builds the release, asan+ubsan and fuzz presets,
#   3. starts a private PostgreSQL on a free port,
#   4. runs ctest: everything on the release build, unit and integration
#      tests on the sanitizer build, the fuzzers for a bounded time, then the
#      container suite alone (images built and docker-compose.yml run with
#      podman, then the fresh-machine check: run.sh and test.sh --quick from
#      a clean clone on a minimal Debian 12 in a container; about 10 minutes;
#      ECOM_SKIP_CONTAINERS=1 skips both, ECOM_SKIP_FRESH_MACHINE=1 the latter),
#   5. stops what it started and prints "N passed, M failed".
# With the fresh-machine check, the release suites run once, there: its
# test.sh --quick builds the release preset and runs every release suite but
# the C++ habits check, which runs here beside the sanitizer suites; their
# results count in the summary ("release, on the fresh machine"), their logs
# and JUnit reports land in build/test-reports/fresh-machine/. Without it
# (--quick, -L, ECOM_SKIP_CONTAINERS=1 or ECOM_SKIP_FRESH_MACHINE=1) they
# run here.
#
# Options:
#   --quick        release build only (no sanitizers, no fuzzing, no C++
#                  format and clang-tidy check, no fresh-machine check)
#   --no-install   do not install packages
#   -L REGEX       only ctest labels matching REGEX (release build)
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"

QUICK=0
INSTALL=1
LABELS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-install) INSTALL=0 ;;
    -L) LABELS="$2"; shift ;;
    -h|--help) script_help "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

START_TIME=$(date +%s)
REPORT_DIR="${ROOT_DIR}/build/test-reports"
mkdir -p "$REPORT_DIR"

# What the tests use besides the build and what run.sh uses (the tests start
# PostgreSQL, nginx and the services the same way), by user:
#   python3-pytest, -yaml, -jsonschema: the pytest suites and the docs check;
#   python3-boto3, -botocore: the scheduler Lambda's tests;
#   git: the docs check (git ls-files) and the compose check (git check-ignore);
#   jq: the deploy and cost-report scripts, run by the workflow checks;
#   chromium: the browser tests; shellcheck: the shell script checks.
TEST_PACKAGES=(python3-pytest python3-yaml python3-jsonschema python3-boto3 python3-botocore
  git jq shellcheck chromium)
# The fuzz preset compiles with clang and libFuzzer; the C++ habits
# (scripts/lint-cpp.sh, ctest label "lint") use clang-format and clang-tidy.
FUZZ_PACKAGES=(clang libclang-rt-14-dev clang-format clang-tidy)

install_dependencies() {
  local packages=("${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
  [ "$QUICK" -eq 0 ] && packages+=("${FUZZ_PACKAGES[@]}")
  ensure_build_packages "${packages[@]}"
  require_node
}

PG_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ]; then
    pg_stop "$PG_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TOTAL_PASSED=0
TOTAL_FAILED=0
SUITES=()
PHASES=()

# timed NAME COMMAND...: runs COMMAND and records how long it took, for the
# closing summary (where the test command's time goes, phase by phase).
timed() {
  local name="$1" start=$SECONDS
  shift
  "$@"
  PHASES+=("${name} $((SECONDS - start)) s")
}

# run_ctest NAME BUILD_DIR [ctest args...]: runs and tallies one ctest pass.
run_ctest() {
  local name="$1" dir="$2" log passed failed total start=$SECONDS
  shift 2
  log="${REPORT_DIR}/ctest-${name}.log"
  say "tests: ${name}"
  set +e
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$(jobs_count)" "$@") 2>&1 | tee "$log"
  set -e
  total=$(grep -Eo 'tests failed out of [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  failed=$(grep -Eo '[0-9]+ tests failed out of' "$log" | grep -Eo '^[0-9]+' | tail -1)
  total=${total:-0}
  failed=${failed:-0}
  if [ "$total" -eq 0 ]; then
    failed=1
  fi
  passed=$((total - failed))
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  SUITES+=("${name}: ${passed} passed, ${failed} failed")
  PHASES+=("tests ${name} $((SECONDS - start)) s")
}

# Whether the release suites run on the fresh machine instead of here.
release_on_fresh_machine() {
  [ "$QUICK" -eq 0 ] && [ -z "$LABELS" ] &&
    [ "${ECOM_SKIP_CONTAINERS:-0}" != 1 ] && [ "${ECOM_SKIP_FRESH_MACHINE:-0}" != 1 ]
}

# count_fresh_machine_release LOG: the release suites' line of the fresh
# machine's test.sh --quick, counted like a pass of this run; returns 1 when
# they did not run there (the check failed before them, or podman could not
# run it: its own failure is counted in the container pass).
count_fresh_machine_release() {
  local line passed failed
  line="$(grep -E '^  release: [0-9]+ passed, [0-9]+ failed' "$1" 2>/dev/null | tail -1 || true)"
  [ -n "$line" ] || return 1
  passed="$(sed -E 's/^  release: ([0-9]+) passed.*/\1/' <<<"$line")"
  failed="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  SUITES+=("release, on the fresh machine: ${passed} passed, ${failed} failed")
}

main() {
  cd "$ROOT_DIR"
  [ "$INSTALL" -eq 1 ] && timed install install_dependencies

  local fresh_release=0
  release_on_fresh_machine && fresh_release=1
  if [ "$fresh_release" -eq 1 ]; then
    # Configured for ctest (the C++ habits and container suites); the fresh
    # machine builds and tests the release preset.
    say "configuring (release): its build and suites run on the fresh machine"
    cmake --preset release -S "$ROOT_DIR" >/dev/null
  else
    timed "build release" build_preset release
  fi
  timed "build web" build_web
  if [ "$QUICK" -eq 0 ]; then
    timed "build asan" build_preset asan
    timed "build fuzz" build_preset fuzz
  fi

  local port
  port="$(free_port)"
  say "starting PostgreSQL for the tests on 127.0.0.1:${port}"
  PG_DIR="$(pg_start test-postgres "$port" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300")"
  # The superuser's password too: the cluster checks passwords on TCP (scram-sha-256).
  local superuser_password
  superuser_password="$(pg_superuser_password "$PG_DIR")"
  export ECOM_TEST_PG="host=127.0.0.1 port=${port} user=postgres password=${superuser_password}"
  # Sanitizer reports fail the tests; leaks are reported at exit.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

  # The container suite compiles in containers: it runs alone, below.
  if [ -n "$LABELS" ]; then
    run_ctest release "${ROOT_DIR}/build/release" -L "$LABELS"
  elif [ "$QUICK" -eq 1 ]; then
    # --quick leaves out the C++ habits (lint-cpp.sh) with the sanitizers.
    run_ctest release "${ROOT_DIR}/build/release" -LE 'containers|lint'
  elif [ "$fresh_release" -eq 0 ]; then
    run_ctest release "${ROOT_DIR}/build/release" -LE containers
  fi
  if [ "$QUICK" -eq 0 ] && [ -z "$LABELS" ]; then
    # The sanitizer pass is for C++: skip the suites of other languages.
    if [ "$fresh_release" -eq 1 ]; then
      # The release pass's one suite that stays here, the C++ habits check
      # (the same test in either build folder), runs beside them.
      run_ctest "asan+lint" "${ROOT_DIR}/build/asan" -L 'unit|integration|lint' -LE 'python|web|browser'
    else
      run_ctest asan "${ROOT_DIR}/build/asan" -L 'unit|integration' -LE 'python|static|web|browser'
    fi
    run_ctest fuzz "${ROOT_DIR}/build/fuzz" -L fuzz
  fi
  if [ -z "$LABELS" ]; then
    local containers_start=$SECONDS
    [ "$QUICK" -eq 1 ] && export ECOM_SKIP_FRESH_MACHINE=1
    export ECOM_FRESH_MACHINE_REPORTS="${REPORT_DIR}/fresh-machine"
    rm -rf "$ECOM_FRESH_MACHINE_REPORTS"
    run_ctest containers "${ROOT_DIR}/build/release" -L containers
    SUITES[-1]+=" ($((SECONDS - containers_start)) s)"
    if [ "${ECOM_SKIP_CONTAINERS:-0}" = 1 ]; then
      SUITES[-1]+=" (images, stack and fresh-machine check SKIPPED: ECOM_SKIP_CONTAINERS=1)"
    elif [ "${ECOM_SKIP_FRESH_MACHINE:-0}" = 1 ]; then
      SUITES[-1]+=" (fresh-machine check SKIPPED: --quick or ECOM_SKIP_FRESH_MACHINE=1)"
    fi
    if [ "$fresh_release" -eq 1 ] && ! count_fresh_machine_release "${ECOM_FRESH_MACHINE_REPORTS}/test.log"; then
      # The release suites still run, here, as without the check.
      say "the fresh machine ran no release suite: building and running them here"
      timed "build release" build_preset release
      run_ctest release "${ROOT_DIR}/build/release" -LE 'containers|lint'
    fi
  fi

  local elapsed=$(( $(date +%s) - START_TIME ))
  echo
  for s in "${SUITES[@]}"; do
    echo "  ${s}"
  done
  local phases
  phases="$(printf '%s, ' "${PHASES[@]}")"
  echo "  time by phase: ${phases%, }"
  echo "test command took $((elapsed / 60))m$((elapsed % 60))s"
  echo "${TOTAL_PASSED} passed, ${TOTAL_FAILED} failed"
  [ "$TOTAL_FAILED" -eq 0 ]
}

main
