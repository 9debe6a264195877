#!/usr/bin/env bash
# Runs the engine locally until Ctrl-C (or SIGTERM), then stops what it started.
#   scripts/run-local.sh [--keep-db]
# Database: ConnectionStrings__Synthetics from the environment when it is set (nothing is
# started or stopped then); otherwise the embedded cluster (scripts/local-postgres.sh) on
# 127.0.0.1:$SYNTHETICS_PG_PORT (default 54329), exported as ConnectionStrings__Synthetics, so it
# wins over the connection string in local.settings.json. Stopping this script stops that
# cluster too; --keep-db leaves it running (stop it later with scripts/local-postgres.sh stop).
# Before building it checks that this clone is not already running it (a second start says so,
# with the first one's process id and URL, and exits 1 without touching it) and that both ports
# are free: the app's (LocalHost__Urls, default 7071) and, for the embedded cluster,
# SYNTHETICS_PG_PORT. A taken port names both settings with a free pair. It stops only what this
# invocation started: a cluster that was already running is left running.
# Host: `func start` with Azurite where the Azure Functions Core Tools are installed, the local
# host mode otherwise (SyntheticsFunctions.LocalHost, an executable beside the app that is never
# deployed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-run.sh"

keep_db=0
for argument in "$@"; do
  case $argument in
    --keep-db) keep_db=1 ;;
    *) echo "usage: $0 [--keep-db]" >&2; exit 2 ;;
  esac
done

[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json

embedded=0
host_pid=""
azurite_pid=""

# One run per clone: the first one's process id and URL, removed when it stops.
state="$root/.local/run-local.pid"
if [ -f "$state" ]; then
  read -r other_pid other_url <"$state" || true
  if [ -n "${other_pid:-}" ] && kill -0 "$other_pid" 2>/dev/null; then
    echo "SyntheticsFunctions is already running in this clone (process id $other_pid, $other_url)." >&2
    echo "Use that one, or stop it first (Ctrl-C in its terminal, or: kill $other_pid)." >&2
    exit 1
  fi
fi

# The app's URL and port, as the host will read them.
urls=$(local_setting LocalHost__Urls)
urls=${urls:-http://127.0.0.1:7071}
base_url=${urls%%;*}
base_url=${base_url%/}
http_port=${base_url##*:}
http_port=${http_port%%/*}

# Both ports are checked before anything is built or started; the embedded cluster's port only
# when this clone's cluster is not already running on it.
pg_port=${SYNTHETICS_PG_PORT:-54329}
pg_running=0
if [ -z "${ConnectionStrings__Synthetics:-}" ] && scripts/local-postgres.sh status >/dev/null 2>&1; then
  pg_running=1
fi
taken=()
port_taken "$http_port" && taken+=("$http_port (the app, LocalHost__Urls)")
if [ -z "${ConnectionStrings__Synthetics:-}" ] && [ "$pg_running" = 0 ] && port_taken "$pg_port"; then
  taken+=("$pg_port (the embedded Postgres, SYNTHETICS_PG_PORT)")
fi
if [ "${#taken[@]}" -gt 0 ]; then
  free_http=$(free_port_after "$http_port")
  free_pg=$(free_port_after "$pg_port" "$free_http")
  for port in "${taken[@]}"; do
    echo "Port $port on 127.0.0.1 is already taken (another program, or another clone's run)." >&2
  done
  echo "Set both to a free pair, e.g.: SYNTHETICS_PG_PORT=$free_pg LocalHost__Urls=http://127.0.0.1:$free_http scripts/run-local.sh" >&2
  echo "or stop what holds the port (in another clone: Ctrl-C in its terminal, then scripts/local-postgres.sh stop if it was kept)." >&2
  exit 1
fi

mkdir -p "$root/.local"
echo "$$ $base_url" >"$state"

# On any exit (Ctrl-C, SIGTERM, the host stopping, a failed build): stop the host, Azurite and,
# unless --keep-db, the embedded database.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -f "$state" ] && [ "$(cut -d' ' -f1 "$state")" = "$$" ]; then rm -f "$state"; fi
  # The host runs in the background (so a SIGTERM here reaches it); a background job of a
  # script ignores Ctrl-C's SIGINT, so it gets SIGTERM, which it handles as a graceful stop.
  for pid in $host_pid $azurite_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "$embedded" = 1 ]; then
    if [ "$keep_db" = 1 ]; then
      echo "Embedded Postgres left running on port $SYNTHETICS_PG_PORT (--keep-db); stop it with: scripts/local-postgres.sh stop"
    else
      echo "Stopping the embedded Postgres on port $SYNTHETICS_PG_PORT (--keep-db keeps it running)"
      scripts/local-postgres.sh stop
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${ConnectionStrings__Synthetics:-}" ]; then
  export SYNTHETICS_PG_PORT=$pg_port
  scripts/local-postgres.sh start >/dev/null
  # Stopped on exit only when this invocation started it.
  [ "$pg_running" = 1 ] || embedded=1
  export ConnectionStrings__Synthetics="Host=127.0.0.1;Port=$SYNTHETICS_PG_PORT;Database=synthetics;Username=postgres"
  if [ "$pg_running" = 1 ]; then
    database="embedded Postgres on 127.0.0.1:$SYNTHETICS_PG_PORT (SYNTHETICS_PG_PORT), already running before this started, so left running after it stops"
  elif [ "$keep_db" = 1 ]; then
    database="embedded Postgres on 127.0.0.1:$SYNTHETICS_PG_PORT (SYNTHETICS_PG_PORT), kept running after this stops (--keep-db)"
  else
    database="embedded Postgres on 127.0.0.1:$SYNTHETICS_PG_PORT (SYNTHETICS_PG_PORT), stopped when this stops (--keep-db keeps it)"
  fi
else
  database="ConnectionStrings__Synthetics from the environment (no embedded Postgres started)"
fi

out="$root/SyntheticsFunctions/bin/Release/net10.0"
localhost_out="$root/SyntheticsFunctions.LocalHost/bin/Release/net10.0"

if command -v func >/dev/null 2>&1; then
  dotnet build SyntheticsFunctions/SyntheticsFunctions.csproj -c Release -nologo -v quiet
  if ! command -v azurite >/dev/null 2>&1; then
    npm install --prefix "$root/.local/azurite" azurite >/dev/null
    export PATH="$root/.local/azurite/node_modules/.bin:$PATH"
  fi
  azurite --silent --location "$root/.local/azurite-data" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  azurite_pid=$!
  echo "Functions host: $base_url/api/health   (func start; function keys from the host)"
  echo "  Studio:   $base_url/api/synthetics/studio"
  echo "  events:   $(psql_command "$ConnectionStrings__Synthetics" "$(local_setting Synthetics__Schema)") -c \"SELECT event_type, count(*) FROM journey_scene_events GROUP BY 1\""
  echo "  database: $database"
  (cd "$out" && exec func start --port "$http_port") &
  host_pid=$!
else
  # Builds the app too; local.settings.json is copied beside the local host, as beside the app.
  dotnet build SyntheticsFunctions.LocalHost/SyntheticsFunctions.LocalHost.csproj -c Release -nologo -v quiet
  print_local_host_lines "$database"
  dotnet "$localhost_out/SyntheticsFunctions.LocalHost.dll" &
  host_pid=$!
fi
wait "$host_pid"
