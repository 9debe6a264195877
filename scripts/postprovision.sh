#!/usr/bin/env bash
# azd postprovision hook for SyntheticsFunctions.
#
# Runs as the signed-in Azure CLI principal, which main.bicep made the
# PostgreSQL Microsoft Entra administrator. It:
#   1. opens a temporary firewall rule for this machine's public IP,
#   2. creates the PostgreSQL role for the app's managed identity (idempotent),
#   3. runs the app's migrations as the administrator (password = Entra token),
#   4. grants the app role DML rights in schema public,
# and removes the firewall rule on exit, whatever happened.
#
# Optional overrides (environment or azd env):
#   POSTGRES_ADMIN_NAME  Entra login name of the administrator (default: the
#                        name main.bicep used, else `az account show` user.name)
#   POSTGRES_CLIENT_IP   public IPv4 to allow (default: looked up via ipify)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() {
  printf 'postprovision: %s\n' "$*" >&2
}

# Value of an azd environment variable: hooks get them exported already; fall
# back to `azd env get-value` when the script is run by hand.
env_value() {
  local name="$1"
  local value="${!name:-}"
  if [[ -z "$value" ]] && command -v azd >/dev/null 2>&1; then
    value="$(azd env get-value "$name" 2>/dev/null)" || value=""
  fi
  printf '%s' "$value"
}

require_value() {
  local name="$1"
  local value
  value="$(env_value "$name")"
  if [[ -z "$value" ]]; then
    log "$name is not set in the azd environment; run 'azd provision' first."
    exit 1
  fi
  printf '%s' "$value"
}

for tool in az psql dotnet curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "'$tool' is required but was not found on PATH."
    exit 1
  fi
done

POSTGRES_HOST="$(require_value POSTGRES_HOST)"
POSTGRES_DATABASE="$(require_value POSTGRES_DATABASE)"
POSTGRES_SERVER_NAME="$(require_value POSTGRES_SERVER_NAME)"
AZURE_PRINCIPAL_NAME="$(require_value AZURE_PRINCIPAL_NAME)"
AZURE_RESOURCE_GROUP="$(require_value AZURE_RESOURCE_GROUP)"

ADMIN_NAME="$(env_value POSTGRES_ADMIN_NAME)"
if [[ -z "$ADMIN_NAME" ]]; then
  ADMIN_NAME="$(az account show --query user.name --output tsv)"
fi

CLIENT_IP="$(env_value POSTGRES_CLIENT_IP)"
if [[ -z "$CLIENT_IP" ]]; then
  CLIENT_IP="$(curl --fail --silent --show-error --max-time 15 https://api.ipify.org)"
fi
if [[ ! "$CLIENT_IP" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then
  log "could not determine this machine's public IPv4 address (got '$CLIENT_IP'); set POSTGRES_CLIENT_IP."
  exit 1
fi

RULE_NAME="postprovision-$(date -u +%Y%m%d%H%M%S)"
RULE_OPENED=false

cleanup() {
  if [[ "$RULE_OPENED" == true ]]; then
    log "removing temporary firewall rule $RULE_NAME"
    az postgres flexible-server firewall-rule delete \
      --resource-group "$AZURE_RESOURCE_GROUP" \
      --name "$POSTGRES_SERVER_NAME" \
      --rule-name "$RULE_NAME" \
      --yes --output none \
      || log "WARNING: could not delete firewall rule $RULE_NAME; delete it by hand."
  fi
}
trap cleanup EXIT

log "opening firewall rule $RULE_NAME for $CLIENT_IP on $POSTGRES_SERVER_NAME"
RULE_OPENED=true
az postgres flexible-server firewall-rule create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$POSTGRES_SERVER_NAME" \
  --rule-name "$RULE_NAME" \
  --start-ip-address "$CLIENT_IP" \
  --end-ip-address "$CLIENT_IP" \
  --output none

log "getting an Entra access token for Azure Database for PostgreSQL"
PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv)"
export PGPASSWORD
export PGHOST="$POSTGRES_HOST" PGPORT=5432 PGUSER="$ADMIN_NAME" PGSSLMODE=require

PSQL=(psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1)

# The new firewall rule can take a few seconds to apply.
attempt=1
until "${PSQL[@]}" --dbname=postgres --tuples-only --command='SELECT 1' >/dev/null; do
  if ((attempt >= 6)); then
    log "cannot connect to $POSTGRES_HOST as $ADMIN_NAME."
    exit 1
  fi
  log "connection attempt $attempt failed; retrying in 10s"
  attempt=$((attempt + 1))
  sleep 10
done

log "ensuring PostgreSQL role \"$AZURE_PRINCIPAL_NAME\" exists for the app's managed identity"
"${PSQL[@]}" --dbname=postgres --set=app_role="$AZURE_PRINCIPAL_NAME" <<'SQL'
SELECT format('SELECT * FROM pgaadauth_create_principal(%L, false, false)', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :'app_role')
\gexec
SQL

log "building SyntheticsFunctions (Release)"
dotnet build SyntheticsFunctions --configuration Release --nologo --verbosity quiet

log "running migrations on $POSTGRES_DATABASE as $ADMIN_NAME"
# The admin connects with the token as password, so Entra/managed-identity
# token acquisition inside the app is switched off for this run.
ConnectionStrings__Synthetics="Host=$POSTGRES_HOST;Port=5432;Database=$POSTGRES_DATABASE;Username=$ADMIN_NAME;Password=$PGPASSWORD;Ssl Mode=Require" \
  Synthetics__Postgres__UseEntraAuth=false \
  Synthetics__Schema=public \
  dotnet SyntheticsFunctions/bin/Release/net10.0/SyntheticsFunctions.dll migrate

log "granting \"$AZURE_PRINCIPAL_NAME\" access to schema public in $POSTGRES_DATABASE"
"${PSQL[@]}" --dbname="$POSTGRES_DATABASE" \
  --set=app_role="$AZURE_PRINCIPAL_NAME" \
  --set=db_name="$POSTGRES_DATABASE" <<'SQL'
GRANT CONNECT ON DATABASE :"db_name" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO :"app_role";
-- Objects the administrator creates in later migrations get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO :"app_role";
SQL

log "done"
