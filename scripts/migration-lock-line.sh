#!/usr/bin/env bash
# Prints the line a new migration appends to SyntheticsFunctions/Storage/Migrations/migrations.lock:
#   scripts/migration-lock-line.sh SyntheticsFunctions/Storage/Migrations/0010_x.sql >> SyntheticsFunctions/Storage/Migrations/migrations.lock
# The hash is of the text with LF line endings, so a CRLF checkout hashes the same (MigrationLockTests).
set -euo pipefail
file="${1:?usage: $0 MIGRATION_FILE}"
printf '%s %s\n' "$(basename "$file")" "$(sed 's/\r$//' "$file" | sha256sum | cut -d' ' -f1)"
