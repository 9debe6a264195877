#!/usr/bin/env bash
# Writes an upgrade fixture: the pg_dump of a database migrated up to just before a migration,
# DbUp's journal included, with at least one row in every table (UpgradeTests restores it and lets
# the app upgrade it).
#   scripts/make-upgrade-fixture.sh N
#       the fixture for migration N: migrations 0001..N-1 as they are now, written to
#       SyntheticsFunctions.Tests/Fixtures/Upgrades/after_<N-1, four digits>.sql (N=1: an empty database)
#   scripts/make-upgrade-fixture.sh --commit SHA NAME
#       a history whose migrations were renamed since: every migration file as of commit SHA,
#       written to SyntheticsFunctions.Tests/Fixtures/Upgrades/NAME.sql
# Rows come from Fixtures/Upgrades/rows/<table>.sql (Fixtures/Upgrades/rows/NAME/<table>.sql first
# for --commit), inserted into each table the migrations left empty, tables referenced by foreign
# keys first; a table with no rows file stops the script, naming the file to write. The server is
# a throwaway cluster of this machine's Postgres binaries (as the postgres OS user when root).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$root/SyntheticsFunctions.Tests/Fixtures/Upgrades"
migrations="$root/SyntheticsFunctions/Storage/Migrations"
journal=synthetics_schema_versions
script_prefix=SyntheticsFunctions.Storage.Migrations.

work=$(mktemp -d)
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; fi
files="$work/migrations"
mkdir -p "$files"

if [ "${1:-}" = "--commit" ]; then
  commit="${2:?usage: $0 --commit SHA NAME}"
  name="${3:?usage: $0 --commit SHA NAME}"
  for path in $(git -C "$root" ls-tree --name-only "$commit" SyntheticsFunctions/Storage/Migrations/ | grep '\.sql$'); do
    git -C "$root" show "$commit:$path" >"$files/$(basename "$path")"
  done
  rows_first="$fixtures/rows/$name"
  out="$fixtures/$name.sql"
else
  n="${1:?usage: $0 N (the migration the fixture leads up to) | --commit SHA NAME}"
  n=$((10#$n))
  [ "$n" -ge 1 ] || { echo "N is a migration number from 1" >&2; exit 2; }
  for path in "$migrations"/*.sql; do
    file=$(basename "$path")
    if [ $((10#${file%%_*})) -lt "$n" ]; then cp "$path" "$files/$file"; fi
  done
  rows_first=""
  out="$fixtures/$(printf 'after_%04d' $((n - 1))).sql"
fi

bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  as_pg "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c fsync=off" start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
psql() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "CREATE DATABASE fixture"
export PGDATABASE=fixture

# DbUp's journal, as its Postgres journal creates it, and each script in its own transaction as
# WithTransactionPerScript runs it, journaled under the embedded resource's name.
psql -c "CREATE TABLE \"public\".\"$journal\" (
    schemaversionsid serial NOT NULL,
    scriptname character varying(255) NOT NULL,
    applied timestamp without time zone NOT NULL,
    CONSTRAINT \"PK_${journal}_Id\" PRIMARY KEY (schemaversionsid))"
if ls "$files"/*.sql >/dev/null 2>&1; then
  # A fixed time, a second apart, so a regenerated fixture differs only where the schema does.
  applied=0
  for path in $(ls "$files"/*.sql | sort); do
    file=$(basename "$path")
    applied=$((applied + 1))
    psql -1 -o /dev/null -f "$path" \
      -c "INSERT INTO $journal (scriptname, applied) VALUES ('$script_prefix$file', timestamp '2026-01-01 00:00:00' + interval '$applied seconds')"
  done
else
  # Before the first migration there is no journal either: the database is empty.
  psql -c "DROP TABLE $journal"
fi

# Migration 0001 stamps the tables it created with the clock; a fixed time keeps regenerating stable.
psql -c "DO \$\$ BEGIN IF to_regclass('synthetic_created_tables') IS NOT NULL THEN
  UPDATE synthetic_created_tables SET created_at = timestamptz '2026-01-01 00:00:01+00'; END IF; END \$\$"

# Tables in foreign-key order (a table after every table it references), the journal aside.
tables=$(psql -At -c "
  WITH RECURSIVE t AS (
    SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '$journal'),
  d(oid, depth) AS (
    SELECT oid, 0 FROM t
    UNION ALL
    SELECT f.conrelid, d.depth + 1 FROM pg_constraint f JOIN d ON f.confrelid = d.oid
    WHERE f.contype = 'f' AND f.conrelid <> f.confrelid AND d.depth < 50)
  SELECT t.relname FROM t JOIN d USING (oid) GROUP BY t.relname ORDER BY max(d.depth), t.relname")
for table in $tables; do
  if [ "$(psql -At -c "SELECT count(*) FROM \"$table\"")" != 0 ]; then continue; fi
  rows="$fixtures/rows/$table.sql"
  if [ -n "$rows_first" ] && [ -f "$rows_first/$table.sql" ]; then rows="$rows_first/$table.sql"; fi
  if [ ! -f "$rows" ]; then
    echo "Table $table has no rows file: write $rows (one INSERT with the columns the table had when it was created)" >&2
    exit 1
  fi
  psql -o /dev/null -f "$rows"
done
for table in $tables; do
  if [ "$(psql -At -c "SELECT count(*) FROM \"$table\"")" = 0 ]; then
    echo "Table $table is still empty after its rows file" >&2
    exit 1
  fi
done

# Plain SQL without owners, privileges or the server's version lines, so any Postgres restores it
# as whoever runs the test, through a driver rather than psql: newer pg_dump's \restrict lines
# (psql meta-commands with a random key) and settings older servers lack are dropped too.
as_pg "$bindir/pg_dump" -h 127.0.0.1 -p "$port" -U postgres --no-owner --no-privileges --no-comments --inserts --rows-per-insert=100 fixture \
  | grep -v -E '^\\(un)?restrict |^-- Dumped (from|by) |^SET (transaction_timeout|default_table_access_method) |^SELECT pg_catalog.set_config\(.search_path.' \
  | sed -E '/^--$/d' | cat -s >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote ${out#"$root"/}"
