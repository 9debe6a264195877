# Shared by the azd hooks scripts/postprovision.ps1 and scripts/predeploy.ps1 (Windows, or any
# machine with PowerShell 7); dot-sourced, not run. The same steps as scripts/lib/postgres-hook.sh,
# which documents them and the variables read; the tests run both and compare what they send.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
# A native command that exits non-zero stops the script, as `set -e` does in the bash hooks.
$PSNativeCommandUseErrorActionPreference = $true

$PostgresTokenScope = 'https://ossrdbms-aad.database.windows.net/.default'
$ArmTokenScope = 'https://management.azure.com/.default'
$FirewallApiVersion = '2024-08-01'

function Write-HookLog([string] $Message) {
    [Console]::Error.WriteLine("${script:HookName}: $Message")
}

function Stop-Hook([string] $Message) {
    Write-HookLog $Message
    exit 1
}

# Value of an azd environment variable: hooks get them as environment variables; fall back to
# `azd env get-value` when the script is run by hand.
function Get-EnvValue([string] $Name) {
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrEmpty($value) -and (Get-Command azd -ErrorAction SilentlyContinue)) {
        $value = & { $PSNativeCommandUseErrorActionPreference = $false; azd env get-value $Name 2>$null }
        if ($LASTEXITCODE -ne 0) { $value = '' }
    }
    return [string] $value
}

function Get-RequiredValue([string] $Name) {
    $value = Get-EnvValue $Name
    if ([string]::IsNullOrEmpty($value)) {
        Stop-Hook "$Name is not set in the azd environment; run 'azd provision' first."
    }
    return $value
}

# An access token from azd's own sign-in, for the given scope and the deployment's tenant.
function Get-AzdToken([string] $Scope) {
    $output = & { $PSNativeCommandUseErrorActionPreference = $false; azd auth token --scope $Scope --tenant-id $script:TenantId --output json 2>&1 }
    if ($LASTEXITCODE -ne 0) {
        Write-HookLog "azd could not get a token for $Scope in tenant ${script:TenantId}: $output"
        Stop-Hook "Sign azd in to that tenant: 'azd auth login --tenant-id ${script:TenantId}' (in CI, the service principal's 'azd auth login --client-id ...' that 'azd pipeline config' sets up)."
    }
    $token = ($output | Out-String | ConvertFrom-Json).token
    if ([string]::IsNullOrEmpty($token)) { Stop-Hook 'azd auth token returned no token.' }
    return $token
}

function Initialize-Hook([string] $Name, [string[]] $Tools = @()) {
    $script:HookName = $Name
    foreach ($tool in @('azd', 'psql') + $Tools) {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            Stop-Hook "'$tool' is required but was not found on PATH."
        }
    }
    $script:SubscriptionId = Get-RequiredValue 'AZURE_SUBSCRIPTION_ID'
    $script:TenantId = Get-RequiredValue 'AZURE_TENANT_ID'
    $script:ResourceGroup = Get-RequiredValue 'AZURE_RESOURCE_GROUP'
    $script:ServerName = Get-RequiredValue 'POSTGRES_SERVER_NAME'
    $script:PostgresHost = Get-RequiredValue 'POSTGRES_HOST'
    $script:Database = Get-RequiredValue 'POSTGRES_DATABASE'
    $script:AdminName = Get-RequiredValue 'POSTGRES_ADMIN_NAME'
    $script:AppRole = Get-RequiredValue 'AZURE_PRINCIPAL_NAME'
    $port = Get-EnvValue 'POSTGRES_PORT'
    $script:Port = if ($port) { $port } else { '5432' }
    $script:ArmEndpoint = if ($env:AZURE_ARM_ENDPOINT) { $env:AZURE_ARM_ENDPOINT } else { 'https://management.azure.com' }
    $script:RuleUrl = $null
}

function Invoke-Arm([string] $Method, [string] $Body) {
    $request = @{
        Method             = $Method
        Uri                = $script:RuleUrl
        Headers            = @{ Authorization = "Bearer ${script:ArmToken}" }
        SkipHttpErrorCheck = $true
        TimeoutSec         = 60
    }
    if ($Body) {
        $request.ContentType = 'application/json'
        $request.Body = $Body
    }
    return Invoke-WebRequest @request
}

# Waits until GET on the rule answers the given status (200 once created, 404 once deleted).
function Wait-Rule([int] $Wanted) {
    foreach ($attempt in 1..12) {
        $status = [int] (Invoke-Arm 'GET').StatusCode
        if ($status -eq $Wanted) { return $true }
        Write-HookLog "firewall rule not there yet (HTTP $status); waiting 5s"
        Start-Sleep -Seconds 5
    }
    return $false
}

function Open-Firewall {
    $clientIp = Get-EnvValue 'POSTGRES_CLIENT_IP'
    if ($clientIp -eq 'none') {
        Write-HookLog 'POSTGRES_CLIENT_IP=none: opening no firewall rule'
        return
    }
    if (-not $clientIp) {
        try { $clientIp = [string] (Invoke-RestMethod -Uri 'https://api.ipify.org' -TimeoutSec 15) } catch { $clientIp = '' }
    }
    if ($clientIp -notmatch '^[0-9]{1,3}(\.[0-9]{1,3}){3}$') {
        Stop-Hook "could not determine this machine's public IPv4 address (got '$clientIp'); set POSTGRES_CLIENT_IP."
    }

    $script:ArmToken = Get-AzdToken $ArmTokenScope
    $ruleName = "${script:HookName}-$([DateTime]::UtcNow.ToString('yyyyMMddHHmmss'))"
    $script:RuleUrl = "${script:ArmEndpoint}/subscriptions/${script:SubscriptionId}/resourceGroups/${script:ResourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${script:ServerName}/firewallRules/${ruleName}?api-version=$FirewallApiVersion"
    Write-HookLog "opening firewall rule $ruleName for $clientIp on ${script:ServerName}"
    $response = Invoke-Arm 'PUT' "{`"properties`":{`"startIpAddress`":`"$clientIp`",`"endIpAddress`":`"$clientIp`"}}"
    if ([int] $response.StatusCode -notin 200, 201, 202) {
        Stop-Hook "Azure Resource Manager refused the firewall rule (HTTP $($response.StatusCode)): $($response.Content)"
    }
    if (-not (Wait-Rule 200)) { Stop-Hook "firewall rule $ruleName was not created in time." }
}

function Close-Firewall {
    if (-not $script:RuleUrl) { return }
    Write-HookLog 'removing the temporary firewall rule'
    try {
        $status = [int] (Invoke-Arm 'DELETE').StatusCode
        # The server takes one change at a time: wait, so the next hook can open its own rule.
        if ($status -in 200, 202, 204 -and (Wait-Rule 404)) { return }
    }
    catch {
        $status = $_.Exception.Message
    }
    Write-HookLog "WARNING: could not delete firewall rule ${script:RuleUrl} (HTTP $status); delete it by hand."
}

# Connects psql (PG* variables) as the Entra administrator and waits until the server answers.
function Connect-Postgres {
    $env:PGPASSWORD = Get-AzdToken $PostgresTokenScope
    $env:PGHOST = $script:PostgresHost
    $env:PGPORT = $script:Port
    $env:PGUSER = $script:AdminName
    if (-not $env:PGSSLMODE) { $env:PGSSLMODE = 'require' }
    foreach ($attempt in 1..6) {
        & { $PSNativeCommandUseErrorActionPreference = $false; psql --no-psqlrc --quiet --dbname=postgres --tuples-only --command='SELECT 1' *> $null }
        if ($LASTEXITCODE -eq 0) { return }
        # A new firewall rule can take a few seconds to apply.
        Write-HookLog "connection attempt $attempt to ${script:PostgresHost} as ${script:AdminName} failed; retrying in 10s"
        Start-Sleep -Seconds 10
    }
    Stop-Hook "cannot connect to ${script:PostgresHost} as ${script:AdminName}."
}

# Runs one of scripts/sql/*.sql: Invoke-Sql DATABASE FILE [--set=NAME=VALUE ...]
function Invoke-Sql([string] $Database, [string] $File, [string[]] $Variables = @()) {
    psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 "--dbname=$Database" @Variables "--file=scripts/sql/$File"
}
