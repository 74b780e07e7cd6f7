#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Instructions per request for a fixed request mix, counted by callgrind
# (repeatable on a shared machine, unlike wall-clock rates): product-service
# and the reference servers in bench/reference, each under valgrind, each
# sent the same requests after a warm-up, in rounds of one request on each of
# 16 keep-alive connections. Builds the release preset and starts a private PostgreSQL.
#
#   bench/callgrind.sh                       both mixes, service and reference
#   bench/callgrind.sh --requests 5000       a longer mix (default 2000)
#   bench/callgrind.sh --connections 1       strictly one request at a time
#   bench/callgrind.sh --only service        skip the reference servers
#   bench/callgrind.sh --keep /tmp/cg        keep the dumps for callgrind_annotate
#   bench/callgrind.sh ... out.json          also write the figures as JSON
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/postgres.sh"

ensure_build_packages "${RUN_PACKAGES[@]}" valgrind
build_preset release --target product-service list_server bare_server

PG_DIR=""
trap '[ -n "$PG_DIR" ] && pg_stop "$PG_DIR"' EXIT
port="$(free_port)"
say "starting PostgreSQL for the instruction counts on 127.0.0.1:${port}"
PG_DIR="$(pg_start bench-postgres "$port" "-c max_connections=200")"
superuser_password="$(pg_superuser_password "$PG_DIR")"
export ECOM_BENCH_PG="host=127.0.0.1 port=${port} user=postgres password=${superuser_password}"
export ECOM_BUILD_DIR="${ROOT_DIR}/build/release"
export ECOM_SOURCE_DIR="${ROOT_DIR}"
/usr/bin/python3 "${ROOT_DIR}/bench/lib/callgrind_mix.py" "$@"
