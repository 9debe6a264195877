#!/usr/bin/env bash
# scripts/benchmark.sh [status]: status and activity latency at 10 thousand and 5 million synthetic events, against a fresh
# database "synthetics_bench" in the embedded cluster (scripts/local-postgres.sh), filled by the backfill; then the
# realism check's latency at days=56 on it. Takes ~12 min.
# scripts/benchmark.sh backfill: the backfill's figures instead (BENCH_SECTIONS=engine,copy,e2e,tick; all by default).
# scripts/benchmark.sh realism-first [databases]: the first realism check right after a 56-day backfill, on fresh databases (3 by default).
# scripts/benchmark.sh realism90: the realism check's verdicts on 90 backfilled days at the defaults (retain_days 90; windows 90, 28, 7), and on a fresh 7-day backfill.
# scripts/benchmark.sh population [sessions per minute] [seed]: the population model's figures at a preset (intense by default).
# scripts/benchmark.sh status: the first one, by name.
# scripts/benchmark.sh results [section,...]: every section above at the settings users have (about 90 minutes), or
#   the ones named, each into its page under SyntheticsFunctions.Benchmarks/results/; then RESULTS.md from all pages.
#   Sections: tick, backfill, engine, realism-first, status, realism90, population (scripts/lib/bench-results.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = "results" ]; then
  source "$root/scripts/lib/bench-results.sh"
  bench_results "${2:-all}"
  exit $?
fi
if [ "${1:-}" = "population" ]; then
  # The population model at a preset (default intense, 10 sessions a minute), engine only: no database. ~5 min.
  shift
  exec dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- population "$@"
fi
scripts/local-postgres.sh start >/dev/null
port=${SYNTHETICS_PG_PORT:-54329}
if [ "${1:-}" = "backfill" ]; then
  # The backfill's figures (engine only, raw COPY ceiling, 30 days end to end, cron tick): each on
  # throwaway databases it creates and drops itself. Takes ~10-15 min.
  exec dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- backfill "Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres;Command Timeout=0"
fi
if [ "${1:-}" = "realism-first" ]; then
  # Each a throwaway database backfilled over 56 days at 6.2 sessions a minute, then checked once. ~15 min each.
  exec dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism-first "Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres;Command Timeout=0" "${2:-3}"
fi
if [ "${1:-}" = "realism90" ]; then
  # A throwaway database backfilled over 90 days at the defaults with retain_days 90 (about 4
  # million rows), then the realism check over 90, 28 and 7 days; then a fresh install backfilled 7
  # days, checked over the default 28; exits 1 if a figure fails. ~10 min.
  exec dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism90 "Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres;Command Timeout=0"
fi
psql -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE IF EXISTS synthetics_bench" -c "CREATE DATABASE synthetics_bench"
dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- "Host=127.0.0.1;Port=$port;Database=synthetics_bench;Username=postgres;Command Timeout=0"
