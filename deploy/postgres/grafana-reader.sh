#!/bin/bash
# The role Grafana reads with: it may connect and read every table (pg_read_all_data, which
# covers tables the migrations create later), and write nothing. Run once by the postgres
# image at its first start (/docker-entrypoint-initdb.d); GRAFANA_DB_PASSWORD comes from .env.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE grafana_reader LOGIN PASSWORD :'password';
GRANT pg_read_all_data TO grafana_reader;
ALTER ROLE grafana_reader SET default_transaction_read_only = on;
SQL
