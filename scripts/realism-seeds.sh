#!/usr/bin/env bash
# Ninety days at the defaults (retain_days 90), engine only, on the backfill's own code, for seeds
# 1-3 (or the seeds given, comma-separated): every realism figure over the last 90, 28 and 7 days,
# signups per day and the return gaps, as HistoryTests prints them (CI runs seed 1). ~1 min a seed.
#   scripts/realism-seeds.sh [1,2,3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build SyntheticsFunctions.Tests -c Release -p:TreatWarningsAsErrors=true >/dev/null
SYNTHETICS_REALISM_SEEDS="${1:-1,2,3}" dotnet test SyntheticsFunctions.Tests -c Release --no-build \
  --filter "FullyQualifiedName~HistoryTests" --logger "console;verbosity=detailed" \
  | grep -E '^ seed [0-9]+|^\s+(Passed|Failed) |Total tests|Passed:|Failed:'
