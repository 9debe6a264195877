#!/usr/bin/env bash
# Runs the engine locally. With no ConnectionStrings__Synthetics in the environment it starts
# the embedded default database (scripts/local-postgres.sh). Uses `func start` with Azurite
# where the Azure Functions Core Tools are installed, and the local host mode otherwise
# (SyntheticsFunctions.LocalHost, an executable beside the app that is never deployed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json

if [ -z "${ConnectionStrings__Synthetics:-}" ]; then
  scripts/local-postgres.sh start
  export ConnectionStrings__Synthetics="Host=127.0.0.1;Port=${SYNTHETICS_PG_PORT:-54329};Database=synthetics;Username=postgres"
fi

out="$root/SyntheticsFunctions/bin/Release/net10.0"
localhost_out="$root/SyntheticsFunctions.LocalHost/bin/Release/net10.0"
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Values"].get("LocalHost__FunctionKey",""))' local.settings.json 2>/dev/null || true)

if command -v func >/dev/null 2>&1; then
  dotnet build SyntheticsFunctions/SyntheticsFunctions.csproj -c Release -nologo -v quiet
  if ! command -v azurite >/dev/null 2>&1; then
    npm install --prefix "$root/.local/azurite" azurite >/dev/null
    export PATH="$root/.local/azurite/node_modules/.bin:$PATH"
  fi
  azurite --silent --location "$root/.local/azurite-data" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  trap 'kill %1 2>/dev/null || true' EXIT
  echo "Functions host: http://localhost:7071/api/health   (func start; function keys from the host)"
  echo "  Studio:  http://localhost:7071/api/synthetics/studio"
  cd "$out" && func start
else
  # Builds the app too; local.settings.json is copied beside the local host, as beside the app.
  dotnet build SyntheticsFunctions.LocalHost/SyntheticsFunctions.LocalHost.csproj -c Release -nologo -v quiet
  urls="${LocalHost__Urls:-http://127.0.0.1:7071}"
  echo "Local host mode (func not found): $urls"
  echo "  Studio:  $urls/api/synthetics/studio   (function key: ${key:-none needed})"
  echo "  health:  curl $urls/api/health"
  echo "  run now: curl -X POST -H 'x-functions-key: $key' '$urls/api/synthetics/run?target=5'"
  echo "  events:  psql -h 127.0.0.1 -p ${SYNTHETICS_PG_PORT:-54329} -U postgres synthetics -c \"SELECT event_type, count(*) FROM journey_scene_events GROUP BY 1\""
  exec dotnet "$localhost_out/SyntheticsFunctions.LocalHost.dll"
fi
