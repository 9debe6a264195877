#!/usr/bin/env pwsh
# azd postprovision hook for Windows (PowerShell 7); postprovision.sh does the same elsewhere.
#
# Creates the PostgreSQL role of the app's managed identity, as the Entra administrator that
# main.bicep made of the deploying principal. Signs in with azd's own login and opens a temporary
# firewall rule for this machine (scripts/lib/PostgresHook.ps1).
Set-Location (Join-Path $PSScriptRoot '..')
. ./scripts/lib/PostgresHook.ps1

Initialize-Hook 'postprovision'
try {
    Open-Firewall
    Connect-Postgres
    Write-HookLog "ensuring PostgreSQL role `"$AppRole`" exists for the app's managed identity"
    Invoke-Sql 'postgres' 'create-app-role.sql' @("--set=app_role=$AppRole")
    Write-HookLog 'done'
}
finally {
    Close-Firewall
}
