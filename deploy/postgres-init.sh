#!/bin/sh
# Runs once, when the PostgreSQL volume is first created: a login role that can only read,
# for the API. Tables the owner creates later (migrations) are readable by it too.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE kommunedigi_reader LOGIN PASSWORD '${KOMMUNEDIGI_READER_PASSWORD}';
GRANT CONNECT ON DATABASE "$POSTGRES_DB" TO kommunedigi_reader;
GRANT USAGE ON SCHEMA public TO kommunedigi_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public
    GRANT SELECT ON TABLES TO kommunedigi_reader;
SQL
