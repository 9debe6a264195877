#!/usr/bin/env bash
# A throwaway Postgres cluster of this machine's own binaries under .local/pg (git-ignored),
# on 127.0.0.1:${PGPORT:-54329}, trust auth, database "synthetics".
#   scripts/local-postgres.sh start|stop|status
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${SYNTHETICS_PG_PORT:-54329}
base="$root/.local/pg"
data="$base/data"
log="$base/postgres.log"

ensure_binaries() {
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "Installing PostgreSQL (Debian package)..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if ! command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
    export PATH="$bindir:$PATH"
  fi
}

# Postgres refuses to run as root: run its binaries as the postgres OS user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env PATH="$PATH" "$@"; else "$@"; fi
}

start() {
  ensure_binaries
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$base"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg initdb -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_pg pg_ctl -D "$data" status >/dev/null 2>&1; then
    as_pg pg_ctl -D "$data" -l "$log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $base" start >/dev/null
  fi
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'synthetics'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE synthetics" >/dev/null
  fi
  echo "Postgres: psql -h 127.0.0.1 -p $port -U postgres synthetics"
}

stop() {
  ensure_binaries
  if [ -f "$data/PG_VERSION" ]; then as_pg pg_ctl -D "$data" -m fast stop >/dev/null || true; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) ensure_binaries; as_pg pg_ctl -D "$data" status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
