# Shared by the azd hooks scripts/postprovision.sh and scripts/predeploy.sh; sourced, not run.
# scripts/lib/PostgresHook.ps1 is the same for Windows (PowerShell 7); the tests run both and
# compare what they send.
#
# The hooks sign in with azd's own login (`azd auth token`), the one `azd up` already uses: no
# Azure CLI is needed. With that token they
#   - open a temporary firewall rule for this machine's public IPv4 through Azure Resource
#     Manager (and delete it on exit, whatever happened),
#   - connect to PostgreSQL as its Entra administrator, the token as password.
#
# Read from the azd environment (exported to hooks; `azd env get-value` when run by hand):
#   AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_RESOURCE_GROUP, POSTGRES_SERVER_NAME,
#   POSTGRES_HOST, POSTGRES_DATABASE, POSTGRES_ADMIN_NAME, AZURE_PRINCIPAL_NAME
# Optional:
#   POSTGRES_CLIENT_IP   public IPv4 to allow (default: looked up); 'none' opens no rule (a
#                        runner inside the virtual network, or a rule you manage)
#   POSTGRES_PORT        default 5432
#   PGSSLMODE            default require
#   AZURE_ARM_ENDPOINT   default https://management.azure.com

POSTGRES_TOKEN_SCOPE='https://ossrdbms-aad.database.windows.net/.default'
ARM_TOKEN_SCOPE='https://management.azure.com/.default'
FIREWALL_API_VERSION='2024-08-01'

log() {
  printf '%s: %s\n' "$HOOK_NAME" "$*" >&2
}

fail() {
  log "$*"
  exit 1
}

# Value of an azd environment variable: hooks get them exported already; fall back to
# `azd env get-value` when the script is run by hand.
env_value() {
  local name="$1"
  local value="${!name:-}"
  if [[ -z "$value" ]] && command -v azd >/dev/null 2>&1; then
    value="$(azd env get-value "$name" 2>/dev/null)" || value=""
  fi
  printf '%s' "$value"
}

require_value() {
  local value
  value="$(env_value "$1")"
  [[ -n "$value" ]] || fail "$1 is not set in the azd environment; run 'azd provision' first."
  printf '%s' "$value"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is required but was not found on PATH."
  done
}

# An access token from azd's own sign-in, for the given scope and the deployment's tenant.
azd_token() {
  local json token
  if ! json="$(azd auth token --scope "$1" --tenant-id "$AZURE_TENANT_ID" --output json 2>&1)"; then
    log "azd could not get a token for $1 in tenant $AZURE_TENANT_ID: $json"
    fail "Sign azd in to that tenant: 'azd auth login --tenant-id $AZURE_TENANT_ID' (in CI, the service principal's 'azd auth login --client-id ...' that 'azd pipeline config' sets up)."
  fi
  token="$(printf '%s' "$json" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
  [[ -n "$token" ]] || fail "azd auth token returned no token."
  printf '%s' "$token"
}

hook_init() {
  HOOK_NAME="$1"
  shift
  require_tools azd psql curl "$@"
  AZURE_SUBSCRIPTION_ID="$(require_value AZURE_SUBSCRIPTION_ID)"
  AZURE_TENANT_ID="$(require_value AZURE_TENANT_ID)"
  AZURE_RESOURCE_GROUP="$(require_value AZURE_RESOURCE_GROUP)"
  POSTGRES_SERVER_NAME="$(require_value POSTGRES_SERVER_NAME)"
  POSTGRES_HOST="$(require_value POSTGRES_HOST)"
  POSTGRES_DATABASE="$(require_value POSTGRES_DATABASE)"
  POSTGRES_ADMIN_NAME="$(require_value POSTGRES_ADMIN_NAME)"
  AZURE_PRINCIPAL_NAME="$(require_value AZURE_PRINCIPAL_NAME)"
  POSTGRES_PORT="$(env_value POSTGRES_PORT)"
  POSTGRES_PORT="${POSTGRES_PORT:-5432}"
  ARM_ENDPOINT="${AZURE_ARM_ENDPOINT:-https://management.azure.com}"
  RULE_URL=""
  trap close_firewall EXIT
}

# HTTP status of an ARM request; the body goes to $ARM_BODY_FILE.
arm_request() {
  local method="$1" url="$2" body="${3:-}"
  local args=(--silent --show-error --max-time 60 --output "$ARM_BODY_FILE" --write-out '%{http_code}'
    -X "$method" -H "Authorization: Bearer $ARM_TOKEN")
  if [[ -n "$body" ]]; then
    args+=(-H 'Content-Type: application/json' --data "$body")
  fi
  curl "${args[@]}" "$url"
}

# Waits until GET on the rule answers the given status (200 once created, 404 once deleted).
await_rule() {
  local wanted="$1" attempt status
  for attempt in 1 2 3 4 5 6 7 8 9 10 11 12; do
    status="$(arm_request GET "$RULE_URL")"
    [[ "$status" == "$wanted" ]] && return 0
    log "firewall rule not there yet (HTTP $status); waiting 5s"
    sleep 5
  done
  return 1
}

open_firewall() {
  local client_ip rule_name status
  client_ip="$(env_value POSTGRES_CLIENT_IP)"
  if [[ "$client_ip" == none ]]; then
    log "POSTGRES_CLIENT_IP=none: opening no firewall rule"
    return 0
  fi
  if [[ -z "$client_ip" ]]; then
    client_ip="$(curl --fail --silent --show-error --max-time 15 https://api.ipify.org)" || client_ip=""
  fi
  [[ "$client_ip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] \
    || fail "could not determine this machine's public IPv4 address (got '$client_ip'); set POSTGRES_CLIENT_IP."

  ARM_TOKEN="$(azd_token "$ARM_TOKEN_SCOPE")"
  ARM_BODY_FILE="$(mktemp)"
  rule_name="$HOOK_NAME-$(date -u +%Y%m%d%H%M%S)"
  RULE_URL="$ARM_ENDPOINT/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AZURE_RESOURCE_GROUP/providers/Microsoft.DBforPostgreSQL/flexibleServers/$POSTGRES_SERVER_NAME/firewallRules/$rule_name?api-version=$FIREWALL_API_VERSION"
  log "opening firewall rule $rule_name for $client_ip on $POSTGRES_SERVER_NAME"
  status="$(arm_request PUT "$RULE_URL" "{\"properties\":{\"startIpAddress\":\"$client_ip\",\"endIpAddress\":\"$client_ip\"}}")"
  case "$status" in
    200 | 201 | 202) ;;
    *) fail "Azure Resource Manager refused the firewall rule (HTTP $status): $(cat "$ARM_BODY_FILE")" ;;
  esac
  await_rule 200 || fail "firewall rule $rule_name was not created in time."
}

close_firewall() {
  local status
  [[ -n "$RULE_URL" ]] || return 0
  log "removing the temporary firewall rule"
  status="$(arm_request DELETE "$RULE_URL")" || status="000"
  # The server takes one change at a time: wait, so the next hook can open its own rule.
  if [[ "$status" =~ ^(200|202|204)$ ]] && await_rule 404; then
    rm -f "$ARM_BODY_FILE"
    return 0
  fi
  log "WARNING: could not delete firewall rule $RULE_URL (HTTP $status); delete it by hand."
}

# Connects psql (PG* variables) as the Entra administrator and waits until the server answers.
connect_postgres() {
  PGPASSWORD="$(azd_token "$POSTGRES_TOKEN_SCOPE")"
  export PGPASSWORD PGHOST="$POSTGRES_HOST" PGPORT="$POSTGRES_PORT" PGUSER="$POSTGRES_ADMIN_NAME"
  export PGSSLMODE="${PGSSLMODE:-require}"
  local attempt
  for attempt in 1 2 3 4 5 6; do
    if psql --no-psqlrc --quiet --dbname=postgres --tuples-only --command='SELECT 1' >/dev/null; then
      return 0
    fi
    # A new firewall rule can take a few seconds to apply.
    log "connection attempt $attempt to $POSTGRES_HOST as $POSTGRES_ADMIN_NAME failed; retrying in 10s"
    sleep 10
  done
  fail "cannot connect to $POSTGRES_HOST as $POSTGRES_ADMIN_NAME."
}

# Runs one of scripts/sql/*.sql: run_sql DATABASE FILE [--set=NAME=VALUE ...]
run_sql() {
  local database="$1" file="$2"
  shift 2
  psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname="$database" "$@" --file="scripts/sql/$file"
}
