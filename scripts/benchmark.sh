#!/usr/bin/env bash
# Status and activity latency at 10 thousand and 5 million synthetic events, against a fresh
# database "synthetics_bench" in the embedded cluster (scripts/local-postgres.sh). Takes ~10 min.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/local-postgres.sh start >/dev/null
port=${SYNTHETICS_PG_PORT:-54329}
psql -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE IF EXISTS synthetics_bench" -c "CREATE DATABASE synthetics_bench"
dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- "Host=127.0.0.1;Port=$port;Database=synthetics_bench;Username=postgres;Command Timeout=0"
