#!/bin/sh
# Runs once, on the first start of an empty data directory (docker-entrypoint-initdb.d).
#
# One database and one login role per service, so that a service cannot even connect to
# another service's database (they talk through HTTP and events only):
#
#   linli_canteen / linli_hub / linli_cases   owned by the role of the same name.
#
# Passwords come from LINLI_CANTEEN_DB_PASSWORD, LINLI_HUB_DB_PASSWORD and
# LINLI_CASES_DB_PASSWORD (docker-compose.yml passes them; they default to the name).
set -eu

for service in canteen hub cases; do
    name="linli_${service}"
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    password=$(printenv "LINLI_${upper}_DB_PASSWORD" || true)
    password=${password:-$name}
    echo "linli: creating role and database ${name}"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v name="$name" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'name', :'name', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT ALL ON DATABASE :"name" TO :"name";
SQL
    # btree_gist: the hub's "a room is never double-booked" exclusion constraint mixes an
    # equality (room id) with a range overlap; the extension needs a superuser to install.
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$name" \
        -c 'CREATE EXTENSION IF NOT EXISTS btree_gist'
done
