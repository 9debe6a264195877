# Sourced by scripts/run-local.sh (and its tests): what the local run prints, derived from the
# settings actually in use, so every printed command reaches the same app and database.

# A setting as the local host resolves it: the environment first, then local.settings.json's Values.
local_setting() {
  local name=$1 file=${2:-local.settings.json}
  if [ -n "${!name+x}" ]; then
    printf '%s' "${!name}"
  elif [ -f "$file" ]; then
    sed -n "s/^[[:space:]]*\"$name\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$file" | head -n 1
  fi
}

# The psql command line for an Npgsql connection string (Host, Port, Database, Username,
# SSL Mode and their synonyms), with the schema as the search path when it is not public.
# A password is never printed: psql asks for it.
psql_command() {
  local connection=$1 schema=${2:-public}
  local host=localhost port=5432 database="" user="" sslmode="" password="" part key value
  local -a parts
  IFS=';' read -ra parts <<<"$connection"
  for part in "${parts[@]}"; do
    [[ $part == *=* ]] || continue
    key=$(printf '%s' "${part%%=*}" | tr -d '[:space:]' | tr '[:upper:]' '[:lower:]')
    value=${part#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    value=${value#[\"\']}
    value=${value%[\"\']}
    case $key in
      host | server) host=$value ;;
      port) port=$value ;;
      database | db) database=$value ;;
      username | userid | user | uid) user=$value ;;
      sslmode) sslmode=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]' | sed 's/^verifyca$/verify-ca/; s/^verifyfull$/verify-full/') ;;
      password | pwd) password=yes ;;
    esac
  done
  local prefix="" line
  [ -n "$sslmode" ] && prefix+="PGSSLMODE=$sslmode "
  [ "$schema" != public ] && prefix+="PGOPTIONS='-c search_path=$schema' "
  line="${prefix}psql -h $(printf '%q' "$host") -p $(printf '%q' "$port")"
  [ -n "$user" ] && line+=" -U $(printf '%q' "$user")"
  [ -n "$database" ] && line+=" $(printf '%q' "$database")"
  [ -n "$password" ] && line+=" -W"
  printf '%s\n' "$line"
}

# The lines the local host mode prints before it starts. $1: the database line.
print_local_host_lines() {
  local database=$1
  local urls key schema base psql
  urls=$(local_setting LocalHost__Urls)
  urls=${urls:-http://127.0.0.1:7071}
  base=${urls%%;*}
  base=${base%/}
  key=$(local_setting LocalHost__FunctionKey)
  schema=$(local_setting Synthetics__Schema)
  psql=$(psql_command "$ConnectionStrings__Synthetics" "${schema:-public}")
  echo "Local host mode (func not found): $base"
  echo "  Studio:   $base/api/synthetics/studio   (function key: ${key:-none needed})"
  echo "  health:   curl $base/api/health"
  if [ -n "$key" ]; then
    echo "  run now:  curl -X POST -H 'x-functions-key: $key' '$base/api/synthetics/run?target=5'"
  else
    echo "  run now:  curl -X POST '$base/api/synthetics/run?target=5'"
  fi
  echo "  events:   $psql -c \"SELECT event_type, count(*) FROM journey_scene_events GROUP BY 1\""
  echo "  database: $database"
  echo "  stop:     Ctrl-C"
}

# True when something accepts connections on 127.0.0.1:$1.
port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The first port after $1 that nothing listens on (and that is not $2).
free_port_after() {
  local port=$(($1 + 1)) other=${2:-}
  while { port_taken "$port" || [ "$port" = "$other" ]; } && [ "$port" -lt $(($1 + 100)) ]; do port=$((port + 1)); done
  printf '%s\n' "$port"
}
