#!/usr/bin/env bash
# Run once by the postgres image, on an empty data volume, with a server that
# listens on its Unix socket only: the per-service roles and schemas of
# scripts/sql/bootstrap.sql (the same script scripts/run.sh and the AWS
# db-init task run), with the passwords from docker-compose.yml's environment.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v dbname="$POSTGRES_DB" -v catalog_password="$CATALOG_DB_PASSWORD" -v orders_password="$ORDERS_DB_PASSWORD" \
  -f /etc/ecom/bootstrap.sql
