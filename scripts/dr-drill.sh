#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Restore drill (docs/disaster-recovery.md), entirely on this machine:
#   1. starts a private PostgreSQL cluster, creates the database and the
#      per-service roles (scripts/sql/bootstrap.sql), starts product-service
#      and order-service on it and loads the demo catalog through the API;
#   2. places real orders through the API (approved, declined, out of stock);
#   3. backs up the running database: pg_dumpall --roles-only (the roles and
#      their password hashes) and pg_dump -Fc of the database;
#   4. places one more order (it falls in the recovery point gap), then
#      "loses" the primary: the services are killed, the cluster is stopped
#      immediately and its data folder deleted;
#   5. restores into a fresh second cluster, starts the services on it and
#      checks through SQL and the API: the stock invariant (initial stock =
#      stock + held + committed), every dumped order present with its status,
#      lines and total, the same order count, nothing PENDING, the post-dump
#      order absent, each service role confined to its schema, and that the
#      restored system takes new writes;
#   6. prints the RTO of the drill (disaster to verified service, seconds)
#      and the RPO it shows.
# Every process and temporary folder it made is removed at the end, also on
# failure or Ctrl-C. Registered with ctest (label dr); about 10 s.
#
# Options:
#   --build-dir DIR   where the service binaries are (default build/release,
#                     or $ECOM_BUILD_DIR)
#   --keep-logs DIR   copy the service and PostgreSQL logs to DIR at the end
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"

BUILD_DIR="${ECOM_BUILD_DIR:-${ROOT_DIR}/build/release}"
KEEP_LOGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift ;;
    --keep-logs) KEEP_LOGS="$2"; shift ;;
    -h|--help) script_help "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

for tool in psql pg_dump pg_dumpall pg_restore curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install postgresql-client curl)"
done
for service in product-service order-service; do
  [ -x "${BUILD_DIR}/services/${service}/${service}" ] ||
    die "${BUILD_DIR}/services/${service}/${service} is not built (cmake --build --preset release)"
done

CHECKS="${ROOT_DIR}/scripts/lib/dr_checks.py"
CATALOG_JSON="${ROOT_DIR}/services/product-service/demo/catalog.json"

# The work folder holds both clusters (pg_start puts them under LOCAL_DIR),
# the backup and the logs. The postgres user must be able to traverse it.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ecom-dr-drill.XXXXXX")"
chmod 755 "$WORK"
LOCAL_DIR="$WORK"
mkdir -p "$WORK/backup" "$WORK/logs" "$WORK/state"
PIDS=()
CLUSTERS=()

cleanup() {
  local status=$? pid i
  trap '' INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$i" -lt 100 ] && sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  local dir
  for dir in "${CLUSTERS[@]}"; do
    pg_stop "$dir"
  done
  if [ "$status" -ne 0 ]; then
    local log
    for log in "$WORK"/logs/*.log; do
      [ -s "$log" ] || continue
      echo "--- last lines of ${log##*/}" >&2
      tail -15 "$log" >&2
    done
  fi
  if [ -n "$KEEP_LOGS" ]; then
    mkdir -p "$KEEP_LOGS"
    cp "$WORK"/logs/*.log "$KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# cluster NAME: starts a fresh cluster on a free port; sets CLUSTER_DIR and CLUSTER_PORT.
CLUSTER_DIR=""
CLUSTER_PORT=""
cluster() {
  CLUSTER_PORT="$(free_port)"
  CLUSTER_DIR="$(pg_cluster_dir "$1")"
  CLUSTERS+=("$CLUSTER_DIR")
  pg_start "$1" "$CLUSTER_PORT" >/dev/null
  ln -sf "${CLUSTER_DIR}/server.log" "$WORK/logs/postgres-$1.log"
}

SERVICE_PORTS=()
# start_services PGPORT LOGSUFFIX: product-service then order-service, waited for.
start_services() {
  local pg_port="$1" suffix="$2" product_port order_port
  product_port="$(free_port)"
  order_port="$(free_port)"
  local common=(PATH="$PATH" BIND_ADDRESS=127.0.0.1 LOG_SAMPLE_RATE=0 DRAIN_TIMEOUT_SECONDS=5
                ADMIN_API_KEY="$ADMIN_KEY" INTERNAL_API_KEY="$INTERNAL_KEY" DEPLOYMENT_ENVIRONMENT=dr-drill)
  env -i "${common[@]}" PORT="$product_port" ADMIN_PORT="$(free_port)" \
    DATABASE_URL="postgresql://catalog_svc@127.0.0.1:${pg_port}/shop" PGPASSWORD="$CATALOG_PASSWORD" \
    "${BUILD_DIR}/services/product-service/product-service" >>"$WORK/logs/product-service-${suffix}.log" 2>&1 &
  PIDS+=("$!")
  wait_ready "http://127.0.0.1:${product_port}/ready" "$!" "product-service (${suffix})"
  env -i "${common[@]}" PORT="$order_port" ADMIN_PORT="$(free_port)" \
    DATABASE_URL="postgresql://orders_svc@127.0.0.1:${pg_port}/shop" PGPASSWORD="$ORDERS_PASSWORD" \
    CARD_FINGERPRINT_KEY="$FINGERPRINT_KEY" \
    PRODUCT_SERVICE_URL="http://127.0.0.1:${product_port}" \
    "${BUILD_DIR}/services/order-service/order-service" >>"$WORK/logs/order-service-${suffix}.log" 2>&1 &
  PIDS+=("$!")
  wait_ready "http://127.0.0.1:${order_port}/ready" "$!" "order-service (${suffix})"
  SERVICE_PORTS=("$product_port" "$order_port")
}

wait_ready() {
  local url="$1" pid="$2" name="$3" attempt
  for attempt in $(seq 1 300); do
    [ "$attempt" -gt 1 ] && sleep 0.1
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "${name} exited during start-up"
  done
  die "${name} was not ready after 30 s"
}

# Kills the services started so far (the disaster takes them down with the host).
kill_services() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

ADMIN_KEY="dr-drill-admin-$(random_secret)"
INTERNAL_KEY="dr-drill-internal-$(random_secret)"
FINGERPRINT_KEY="$(random_secret)"
CATALOG_PASSWORD="$(random_secret)"
ORDERS_PASSWORD="$(random_secret)"

main() {
  local t_start
  t_start="$(now)"
  say "1. primary: PostgreSQL, roles and schemas, product-service, order-service, demo catalog"
  cluster primary
  local primary_dir="$CLUSTER_DIR" primary_port="$CLUSTER_PORT"
  pg_bootstrap "$primary_dir" "$primary_port" shop "$CATALOG_PASSWORD" "$ORDERS_PASSWORD"
  # Each cluster checks passwords on TCP (scram-sha-256), its superuser's too.
  local primary_superuser
  primary_superuser="$(pg_superuser_password "$primary_dir")"
  start_services "$primary_port" primary
  local catalog="http://127.0.0.1:${SERVICE_PORTS[0]}" orders="http://127.0.0.1:${SERVICE_PORTS[1]}"
  /usr/bin/python3 "${ROOT_DIR}/scripts/lib/load_demo.py" "$catalog" "$ADMIN_KEY" "$CATALOG_JSON" | sed 's/^/  /'

  say "2. orders through the API (test cards of the README)"
  /usr/bin/python3 "$CHECKS" place --orders "$orders" --catalog "$catalog" --out "$WORK/state/placed.json"

  say "3. backup of the running database: roles (pg_dumpall --roles-only) and pg_dump -Fc shop"
  local admin_db="host=127.0.0.1 port=${primary_port} user=postgres password=${primary_superuser} dbname=shop"
  local t_dump t_dumped
  /usr/bin/python3 "$CHECKS" snapshot --db "$admin_db" --out "$WORK/state/snapshot.json"
  t_dump="$(now)"
  PGPASSWORD="$primary_superuser" pg_dumpall -h 127.0.0.1 -p "$primary_port" -U postgres --roles-only \
    >"$WORK/backup/roles.sql"
  PGPASSWORD="$primary_superuser" pg_dump -h 127.0.0.1 -p "$primary_port" -U postgres -Fc \
    -f "$WORK/backup/shop.dump" shop
  t_dumped="$(now)"
  echo "  backup: $(du -k "$WORK/backup/shop.dump" | cut -f1) KiB database + $(du -k "$WORK/backup/roles.sql" | cut -f1) KiB roles in $(seconds "$t_dump" "$t_dumped") s"

  say "4. one more order after the backup, then the primary is lost"
  /usr/bin/python3 "$CHECKS" place --orders "$orders" --catalog "$catalog" --count 1 --tag after-dump \
    --out "$WORK/state/after-dump.json"
  local t_disaster
  t_disaster="$(now)"
  kill_services
  pg_run "$(pg_bin_dir)/pg_ctl" -D "${primary_dir}/data" -m immediate -w stop >/dev/null
  rm -rf "${primary_dir:?}/data"
  echo "  services killed, primary cluster stopped (immediate) and its data deleted"

  say "5. restore into a fresh cluster and start the services on it"
  cluster restored
  local restored_port="$CLUSTER_PORT" restored_superuser
  restored_superuser="$(pg_superuser_password "$CLUSTER_DIR")"
  # The roles first (the dump's objects belong to them); the cluster's own
  # superuser is already there.
  grep -Ev '^(CREATE|ALTER) ROLE postgres( |;)' "$WORK/backup/roles.sql" |
    PGPASSWORD="$restored_superuser" psql -X -q -h 127.0.0.1 -p "$restored_port" -U postgres -d postgres \
      -v ON_ERROR_STOP=1 -f - >/dev/null
  PGPASSWORD="$restored_superuser" pg_restore -h 127.0.0.1 -p "$restored_port" -U postgres --create \
    --exit-on-error -d postgres "$WORK/backup/shop.dump"
  local t_restored
  t_restored="$(now)"
  start_services "$restored_port" restored
  local t_ready
  t_ready="$(now)"
  catalog="http://127.0.0.1:${SERVICE_PORTS[0]}"
  orders="http://127.0.0.1:${SERVICE_PORTS[1]}"

  say "6. checks on the restored system (SQL and API)"
  /usr/bin/python3 "$CHECKS" verify \
    --db "host=127.0.0.1 port=${restored_port} user=postgres password=${restored_superuser} dbname=shop" \
    --catalog-db "host=127.0.0.1 port=${restored_port} user=catalog_svc password=${CATALOG_PASSWORD} dbname=shop" \
    --orders-db "host=127.0.0.1 port=${restored_port} user=orders_svc password=${ORDERS_PASSWORD} dbname=shop" \
    --orders "$orders" --catalog "$catalog" --admin-key "$ADMIN_KEY" --catalog-json "$CATALOG_JSON" \
    --snapshot "$WORK/state/snapshot.json" --placed "$WORK/state/placed.json" --lost "$WORK/state/after-dump.json"
  local t_verified
  t_verified="$(now)"

  echo
  say "restore drill passed"
  echo "  RTO (primary lost -> restored, services ready, every check passed): $(seconds "$t_disaster" "$t_verified") s"
  echo "    restore $(seconds "$t_disaster" "$t_restored") s, services ready $(seconds "$t_restored" "$t_ready") s, checks $(seconds "$t_ready" "$t_verified") s"
  echo "  RPO: the last backup; the 1 order placed $(seconds "$t_dumped" "$t_disaster") s after it is lost (RDS point-in-time restore: about 5 min)"
  echo "  whole drill: $(seconds "$t_start" "$t_verified") s"
}

main
