#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs the whole platform locally, in the foreground:
#   installs what is missing, builds (the services and the web app), starts
#   PostgreSQL (a cluster of its own under .local/), creates the database and
#   the per-service roles, starts product-service, order-service, frontend
#   and the local load balancer (nginx), loads the demo catalog into an empty
#   database, prints the URL, and on Ctrl-C or SIGTERM stops everything it
#   started and exits 0.
#
# Options:
#   --port N       the public port (default 8080, or $PUBLIC_PORT)
#   --no-install   do not install packages
#   --no-build     use the binaries already built
# Environment: ADMIN_API_KEY (generated and written to .local/admin_api_key
# when unset), LOG_LEVEL, LOG_SAMPLE_RATE, and any service setting: every
# service inherits this environment, e.g. OTEL_EXPORTER_OTLP_ENDPOINT to
# export traces to a collector, METRICS_EMF_INTERVAL_SECONDS for EMF lines.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"

PUBLIC_PORT="${PUBLIC_PORT:-8080}"
INSTALL=1
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PUBLIC_PORT="$2"; shift ;;
    --no-install) INSTALL=0 ;;
    --no-build) BUILD=0 ;;
    -h|--help) script_help "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

LOG_DIR="${LOCAL_DIR}/logs"
PIDS=()
NAMES=()
PG_DIR=""
STOPPING=0

stop_all() {
  STOPPING=1
  trap '' INT TERM
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then
      say "stopping ${NAMES[$i]}"
      kill -TERM "${PIDS[$i]}" 2>/dev/null || true
      wait "${PIDS[$i]}" 2>/dev/null || true
    fi
  done
  if [ -n "$PG_DIR" ]; then
    say "stopping PostgreSQL"
    pg_stop "$PG_DIR"
  fi
}

on_signal() {
  [ "$STOPPING" -eq 1 ] && return 0
  echo
  stop_all
  say "stopped"
  exit 0
}

# A setting kept under .local/ across runs (mode 600).
local_secret() {
  local file="${LOCAL_DIR}/$1"
  if [ ! -s "$file" ]; then
    (umask 077 && random_secret >"$file")
  fi
  cat "$file"
}

# The port of the local cluster: kept across runs; a new free one if taken.
postgres_port() {
  local file="${LOCAL_DIR}/postgres-port" port
  port="$(cat "$file" 2>/dev/null || echo 55432)"
  if port_in_use "$port"; then
    port="$(free_port)"
  fi
  echo "$port" >"$file"
  echo "$port"
}

# start_service NAME LOGFILE VAR=VALUE...: starts a built service binary.
start_service() {
  local name="$1" binary="${ROOT_DIR}/build/release/services/$1/$1"
  shift
  [ -x "$binary" ] || die "${binary} is not built (run without --no-build)"
  env "$@" "$binary" > >(tee -a "${LOG_DIR}/${name}.log") 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

wait_ready() {
  local name="$1" url="$2" i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      return 0
    fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || die "${name} exited during start-up (log: ${LOG_DIR}/${name}.log)"
    sleep 0.1
  done
  die "${name} did not become ready (log: ${LOG_DIR}/${name}.log)"
}

main() {
  cd "$ROOT_DIR"
  mkdir -p "$LOCAL_DIR" "$LOG_DIR"
  if [ "$INSTALL" -eq 1 ]; then
    ensure_build_packages "${RUN_PACKAGES[@]}"
    require_node
  fi
  if [ "$BUILD" -eq 1 ]; then
    build_preset release --target product-service order-service frontend
    build_web
  fi

  port_in_use "$PUBLIC_PORT" && die "port ${PUBLIC_PORT} is in use: stop what uses it or pass --port N"

  trap on_signal INT TERM

  local pg_port
  pg_port="$(postgres_port)"
  say "starting PostgreSQL on 127.0.0.1:${pg_port} (data in ${LOCAL_DIR})"
  PG_DIR="$(pg_start postgres "$pg_port")"
  local catalog_password orders_password
  catalog_password="$(local_secret catalog_db_password)"
  orders_password="$(local_secret orders_db_password)"
  pg_bootstrap "$PG_DIR" "$pg_port" shop "$catalog_password" "$orders_password"

  local admin_key="${ADMIN_API_KEY:-}"
  local generated=0
  if [ -z "$admin_key" ]; then
    admin_key="$(local_secret admin_api_key)"
    generated=1
  fi

  local product_port=$((PUBLIC_PORT + 1)) order_port=$((PUBLIC_PORT + 2)) frontend_port=$((PUBLIC_PORT + 3))
  local internal_key fingerprint_key
  internal_key="$(local_secret internal_api_key)"
  fingerprint_key="$(local_secret card_fingerprint_key)"
  local common=(BIND_ADDRESS=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}" LOG_SAMPLE_RATE="${LOG_SAMPLE_RATE:-0.01}"
                DEPLOYMENT_ENVIRONMENT=local ADMIN_API_KEY="$admin_key" INTERNAL_API_KEY="$internal_key")

  say "starting product-service"
  start_service product-service "${common[@]}" PORT="$product_port" ADMIN_PORT="$((product_port + 1000))" \
    DATABASE_URL="postgresql://catalog_svc@127.0.0.1:${pg_port}/shop" PGPASSWORD="$catalog_password"
  wait_ready product-service "http://127.0.0.1:${product_port}/ready"

  say "starting order-service"
  start_service order-service "${common[@]}" PORT="$order_port" ADMIN_PORT="$((order_port + 1000))" \
    DATABASE_URL="postgresql://orders_svc@127.0.0.1:${pg_port}/shop" PGPASSWORD="$orders_password" \
    CARD_FINGERPRINT_KEY="$fingerprint_key" PRODUCT_SERVICE_URL="http://127.0.0.1:${product_port}" \
    PAYMENT_LATENCY_MS="${PAYMENT_LATENCY_MS:-0}" PAYMENT_FAILURE_RATE="${PAYMENT_FAILURE_RATE:-0}"
  wait_ready order-service "http://127.0.0.1:${order_port}/ready"

  say "starting frontend"
  start_service frontend BIND_ADDRESS=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}" LOG_SAMPLE_RATE="${LOG_SAMPLE_RATE:-0.01}" \
    DEPLOYMENT_ENVIRONMENT=local PORT="$frontend_port" ADMIN_PORT="$((frontend_port + 1000))" \
    STATIC_DIR="${ROOT_DIR}/services/frontend/web/dist" PRODUCT_SERVICE_URL="http://127.0.0.1:${product_port}"
  wait_ready frontend "http://127.0.0.1:${frontend_port}/ready"

  say "starting the local load balancer (nginx, routes from config/routes.json)"
  local alb_dir="${LOCAL_DIR}/alb"
  mkdir -p "$alb_dir"
  /usr/bin/python3 "${ROOT_DIR}/scripts/lib/render_nginx.py" "$alb_dir" "$PUBLIC_PORT" \
    product-service="$product_port" order-service="$order_port" frontend="$frontend_port" >"${alb_dir}/nginx.conf"
  nginx -p "$alb_dir" -c "${alb_dir}/nginx.conf" -e "${alb_dir}/error.log" > >(tee -a "${LOG_DIR}/alb.log") 2>&1 &
  PIDS+=("$!")
  NAMES+=("local ALB (nginx)")
  wait_ready "local ALB" "http://127.0.0.1:${PUBLIC_PORT}/api/products?limit=1"

  /usr/bin/python3 "${ROOT_DIR}/scripts/lib/load_demo.py" "http://127.0.0.1:${PUBLIC_PORT}" "$admin_key" \
    "${ROOT_DIR}/services/product-service/demo/catalog.json"

  echo
  say "the platform is up: http://localhost:${PUBLIC_PORT}"
  echo "    storefront    http://localhost:${PUBLIC_PORT}/ (admin page: /admin)"
  echo "    catalog API   http://localhost:${PUBLIC_PORT}/api/products"
  echo "    orders API    http://localhost:${PUBLIC_PORT}/api/orders (test card 4242424242424242)"
  echo "    metrics       http://127.0.0.1:$((product_port + 1000))/metrics (product-service), :$((order_port + 1000)) (order-service), :$((frontend_port + 1000)) (frontend)"
  if [ "$generated" -eq 1 ]; then
    echo "    admin key     ${admin_key}  (generated; also in .local/admin_api_key)"
  else
    echo "    admin key     from ADMIN_API_KEY"
  fi
  echo "    logs          ${LOG_DIR}/"
  if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
    echo "    traces        OTLP/HTTP to ${OTEL_EXPORTER_OTLP_ENDPOINT}"
  fi
  echo "    Ctrl-C stops everything."

  # Stay in the foreground; a service that dies stops the rest.
  while true; do
    local i
    for i in "${!PIDS[@]}"; do
      if ! kill -0 "${PIDS[$i]}" 2>/dev/null && [ "$STOPPING" -eq 0 ]; then
        warn "${NAMES[$i]} exited unexpectedly (log: ${LOG_DIR}/${NAMES[$i]}.log)"
        stop_all
        exit 1
      fi
    done
    sleep 1 &
    wait $! || true
  done
}

main
