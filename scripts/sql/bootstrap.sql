-- Creates the per-service database roles and schemas; idempotent.
-- Run as the cluster's administrator (a superuser locally, the RDS master
-- user on AWS) with psql variables:
--   psql -v ON_ERROR_STOP=1 -v dbname=shop \
--        -v catalog_password=... -v orders_password=... -f bootstrap.sql
-- Each service owns one schema; no service role can read another's schema.

-- Two runs for the same database (two db-init tasks) take turns; the lock
-- ends with the session. Advisory locks belong to one database while roles
-- belong to the whole cluster: runs for several databases of one cluster at
-- once must take turns on their side (the tests' ecomtest.cluster does), or
-- two ALTER ROLEs meet ("tuple concurrently updated").
DO $$ BEGIN PERFORM pg_advisory_lock(hashtext('ecom.bootstrap')); END $$;

SELECT format('CREATE ROLE catalog_svc LOGIN PASSWORD %L', :'catalog_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'catalog_svc') \gexec
SELECT format('CREATE ROLE orders_svc LOGIN PASSWORD %L', :'orders_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orders_svc') \gexec

-- Rotating a password is running this script again with the new value.
ALTER ROLE catalog_svc WITH LOGIN PASSWORD :'catalog_password';
ALTER ROLE orders_svc WITH LOGIN PASSWORD :'orders_password';

-- PostgreSQL 16 (RDS) gives the creating role only ADMIN on a new role; the
-- administrator must also be a member to create a schema owned by it.
GRANT catalog_svc TO CURRENT_USER;
GRANT orders_svc TO CURRENT_USER;

CREATE SCHEMA IF NOT EXISTS catalog AUTHORIZATION catalog_svc;
CREATE SCHEMA IF NOT EXISTS orders AUTHORIZATION orders_svc;

ALTER ROLE catalog_svc SET search_path = catalog;
ALTER ROLE orders_svc SET search_path = orders;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO catalog_svc, orders_svc;
REVOKE ALL ON SCHEMA catalog FROM orders_svc;
REVOKE ALL ON SCHEMA orders FROM catalog_svc;
