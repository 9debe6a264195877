#!/usr/bin/env bash
# azd postprovision hook (macOS, Linux; postprovision.ps1 on Windows).
#
# Creates the PostgreSQL role of the app's managed identity, as the Entra administrator that
# main.bicep made of the deploying principal (a user, or the service principal in CI). It signs in
# with azd's own login and opens a temporary firewall rule for this machine (scripts/lib/postgres-hook.sh).
# The schema and the app's grants come with every deploy (predeploy.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/postgres-hook.sh
source scripts/lib/postgres-hook.sh

hook_init postprovision
open_firewall
connect_postgres

log "ensuring PostgreSQL role \"$AZURE_PRINCIPAL_NAME\" exists for the app's managed identity"
run_sql postgres create-app-role.sql --set=app_role="$AZURE_PRINCIPAL_NAME"
log "done"
