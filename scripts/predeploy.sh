#!/usr/bin/env bash
# azd predeploy hook (macOS, Linux; predeploy.ps1 on Windows).
#
# Runs before every `azd deploy` (and the deploy half of `azd up`), while the old code still
# serves: publishes the app being deployed, runs its `migrate` command as the PostgreSQL Entra
# administrator, then grants the app's role its rights on whatever the migrations created. A
# failed migration exits non-zero, which stops the deploy, so new code never meets an old schema.
# Migrations must therefore be additive (old code keeps working on the new schema); a test
# rejects DROP, RENAME and ALTER ... TYPE in new ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/postgres-hook.sh
source scripts/lib/postgres-hook.sh

hook_init predeploy dotnet
open_firewall
connect_postgres

PUBLISH_DIR="$(mktemp -d)"
trap 'rm -rf "$PUBLISH_DIR"; close_firewall' EXIT

# dotnet publish, as azd's deploy does: NuGet audit findings warn here and fail only CI
# (Directory.Build.props), so a newly published advisory does not stop a deploy.
log "publishing SyntheticsFunctions (Release) to run its migrations"
dotnet publish SyntheticsFunctions --configuration Release --output "$PUBLISH_DIR" --nologo --verbosity quiet

log "running migrations on $POSTGRES_DATABASE as $POSTGRES_ADMIN_NAME"
# The administrator connects with its token as password, so the app's own Entra sign-in is off
# for this run.
ConnectionStrings__Synthetics="Host=$POSTGRES_HOST;Port=$POSTGRES_PORT;Database=$POSTGRES_DATABASE;Username=$POSTGRES_ADMIN_NAME;Password=$PGPASSWORD;Ssl Mode=$PGSSLMODE" \
  Synthetics__Postgres__UseEntraAuth=false \
  Synthetics__Schema=public \
  dotnet "$PUBLISH_DIR/SyntheticsFunctions.dll" migrate

log "granting \"$AZURE_PRINCIPAL_NAME\" access to schema public in $POSTGRES_DATABASE"
run_sql "$POSTGRES_DATABASE" grant-app-role.sql --set=app_role="$AZURE_PRINCIPAL_NAME" --set=db_name="$POSTGRES_DATABASE"
log "done"
