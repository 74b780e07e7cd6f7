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
# use, starts it on 127.0.0.1:PORT and prints its directory. As on RDS,
# every TCP connection authenticates with scram-sha-256 (the services' roles
# and the superuser alike: pg_superuser_password DIR prints its password);
# only the cluster's owner may use the Unix socket (in DIR, mode 700; peer
# authentication). A cluster made before passwords were checked is
# converted at its next start.
pg_start() {
  local name="$1" port="$2" options="${3:-}" bin dir
  bin="$(pg_bin_dir)"
  dir="$(pg_cluster_dir "$name")"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  local password_file="${dir}/superuser_password"
  if [ ! -s "$password_file" ]; then
    (umask 077 && random_secret >"$password_file")
    [ "$(id -u)" -eq 0 ] && chown postgres "$password_file"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    pg_run "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$password_file" \
      --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --no-locale --no-sync >/dev/null
  fi
  pg_write_auth_rules "$dir/data"
  if ! pg_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256 ${options}" \
      start >/dev/null; then
    tail -20 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start (log: $dir/server.log)"
  fi
  # Through the socket: the superuser's password is the file's, also for a
  # cluster that had none; psql reads the file itself (never on a command line).
  printf '%s\n' "\\set password \`cat ${password_file}\`" 'ALTER ROLE postgres PASSWORD :'"'"'password'"'"';' |
    pg_run psql -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -f - >/dev/null ||
    die "could not set the PostgreSQL superuser's password (log: $dir/server.log)"
  echo "$dir"
}

# pg_write_auth_rules DATADIR: pg_hba.conf and pg_ident.conf (read at start).
pg_write_auth_rules() {
  local data="$1" owner=postgres
  [ "$(id -u)" -eq 0 ] || owner="$(id -un)"
  local hba="# Written by scripts/lib/postgres.sh at every start: passwords (scram-sha-256)
# on TCP as on RDS; the Unix socket only for the cluster's owner as postgres.
local all postgres peer map=owner
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256"
  local ident="# Written by scripts/lib/postgres.sh: the cluster's owner is its superuser.
owner ${owner} postgres"
  printf '%s\n' "$hba" | pg_run tee "$data/pg_hba.conf" >/dev/null
  printf '%s\n' "$ident" | pg_run tee "$data/pg_ident.conf" >/dev/null
}

# pg_superuser_password DIR: the password of the cluster's superuser.
pg_superuser_password() {
  cat "$1/superuser_password"
}

pg_stop() {
  local dir="$1" bin
  bin="$(pg_bin_dir)"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg_run "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_bootstrap DIR PORT DBNAME CATALOG_PASSWORD ORDERS_PASSWORD: the
# database, the per-service roles with these passwords, their schemas.
pg_bootstrap() {
  local dir="$1" port="$2" db="$3" superuser_password
  superuser_password="$(pg_superuser_password "$dir")"
  local psql=(env PGPASSWORD="$superuser_password" psql -X -q -h 127.0.0.1 -p "$port" -U postgres)
  if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $db" >/dev/null
  fi
  "${psql[@]}" -d "$db" -v ON_ERROR_STOP=1 -v dbname="$db" \
    -v catalog_password="$4" -v orders_password="$5" -f "${ROOT_DIR}/scripts/sql/bootstrap.sql" >/dev/null
}
