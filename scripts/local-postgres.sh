#!/usr/bin/env bash
# A throwaway Postgres cluster of this machine's own binaries under .local/pg (git-ignored),
# on 127.0.0.1:${SYNTHETICS_PG_PORT:-54329}, trust auth, database "synthetics".
#   scripts/local-postgres.sh start|stop|status
# SYNTHETICS_PG_PORT is the one port setting (run-local.sh and benchmark.sh read the same name).
# Each clone has its own cluster; two clones running at once need two ports.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${SYNTHETICS_PG_PORT:-54329}
base="$root/.local/pg"
data="$base/data"
log="$base/postgres.log"
# port_taken, shared with run-local.sh.
source "$root/scripts/lib/local-run.sh"

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

port_taken_message() {
  local suggestion=$((port + 1))
  while port_taken "$suggestion" && [ "$suggestion" -lt $((port + 50)) ]; do suggestion=$((suggestion + 1)); done
  cat >&2 <<EOF
Port $port on 127.0.0.1 is already taken (another program, or the embedded Postgres of another clone), so the embedded Postgres cannot start on it.
Set SYNTHETICS_PG_PORT to a free port, e.g.: SYNTHETICS_PG_PORT=$suggestion scripts/run-local.sh
or stop what holds port $port (in another clone: scripts/local-postgres.sh stop).
EOF
}

# The port of this clone's running cluster (line 4 of postmaster.pid), or nothing.
running_port() {
  if as_pg pg_ctl -D "$data" status >/dev/null 2>&1; then sed -n 4p "$data/postmaster.pid"; fi
}

start() {
  ensure_binaries
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$base"; fi
  local running
  running=$(running_port)
  if [ -n "$running" ] && [ "$running" != "$port" ]; then
    echo "This clone's embedded Postgres is already running on port $running, not on SYNTHETICS_PG_PORT=$port. Stop it first (scripts/local-postgres.sh stop), or set SYNTHETICS_PG_PORT=$running." >&2
    exit 1
  fi
  if [ -z "$running" ]; then
    if port_taken "$port"; then port_taken_message; exit 1; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg initdb -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg pg_ctl -D "$data" -l "$log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $base" start >/dev/null; then
      # Taken between the check and the start: say so rather than "could not start server".
      if grep -q "could not bind" "$log" 2>/dev/null && port_taken "$port"; then port_taken_message; else tail -n 5 "$log" >&2; fi
      exit 1
    fi
  fi
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'synthetics'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE synthetics" >/dev/null
  fi
  echo "Postgres: psql -h 127.0.0.1 -p $port -U postgres synthetics"
}

stop() {
  ensure_binaries
  if [ -f "$data/PG_VERSION" ]; then as_pg pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) ensure_binaries; as_pg pg_ctl -D "$data" status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
