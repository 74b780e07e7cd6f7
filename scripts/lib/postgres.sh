# shellcheck shell=bash
# A PostgreSQL cluster of the project's own, started without touching any
# system cluster. PostgreSQL refuses to run as root, so as root the cluster
# belongs to the `postgres` user.

pg_bin_dir() {
  local dir
  dir="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$dir"
}

pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Where the cluster lives: under .local/ when the postgres user can reach
# it, else in /var/tmp (a checkout under a private home folder).
pg_cluster_dir() {
  local name="$1" dir="${LOCAL_DIR}/${1}"
  mkdir -p "$LOCAL_DIR"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$LOCAL_DIR" 2>/dev/null; then
    dir="/var/tmp/aws-devops-ecommerce-$(echo "$ROOT_DIR" | md5sum | cut -c1-8)/${name}"
  fi
  echo "$dir"
}

# pg_start NAME PORT [extra postgres options]: creates the cluster on first
# use, starts it on 127.0.0.1:PORT and prints its directory.
pg_start() {
  local name="$1" port="$2" options="${3:-}" bin dir
  bin="$(pg_bin_dir)"
  dir="$(pg_cluster_dir "$name")"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_run "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
  fi
  if ! pg_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options}" start >/dev/null; then
    tail -20 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start (log: $dir/server.log)"
  fi
  echo "$dir"
}

pg_stop() {
  local dir="$1" bin
  bin="$(pg_bin_dir)"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg_run "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_bootstrap PORT DBNAME CATALOG_PASSWORD ORDERS_PASSWORD
pg_bootstrap() {
  local port="$1" db="$2"
  if ! psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE $db" >/dev/null
  fi
  psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d "$db" -v ON_ERROR_STOP=1 -v dbname="$db" \
    -v catalog_password="$3" -v orders_password="$4" -f "${ROOT_DIR}/scripts/sql/bootstrap.sql" >/dev/null
}
