#!/usr/bin/env pwsh
# azd predeploy hook for Windows (PowerShell 7); predeploy.sh does the same elsewhere and says why:
# migrations run before every deploy, as the Entra administrator, and a failure stops the deploy.
Set-Location (Join-Path $PSScriptRoot '..')
. ./scripts/lib/PostgresHook.ps1

Initialize-Hook 'predeploy' @('dotnet')
$publishDir = Join-Path ([IO.Path]::GetTempPath()) ([IO.Path]::GetRandomFileName())
try {
    Open-Firewall
    Connect-Postgres

    # dotnet publish, as azd's deploy does: NuGet audit findings warn here and fail only CI.
    Write-HookLog 'publishing SyntheticsFunctions (Release) to run its migrations'
    dotnet publish SyntheticsFunctions --configuration Release --output $publishDir --nologo --verbosity quiet

    Write-HookLog "running migrations on $Database as $AdminName"
    # The administrator connects with its token as password, so the app's own Entra sign-in is
    # off for this run.
    $env:ConnectionStrings__Synthetics = "Host=$PostgresHost;Port=$Port;Database=$Database;Username=$AdminName;Password=$env:PGPASSWORD;Ssl Mode=$env:PGSSLMODE"
    $env:Synthetics__Postgres__UseEntraAuth = 'false'
    $env:Synthetics__Schema = 'public'
    dotnet (Join-Path $publishDir 'SyntheticsFunctions.dll') migrate

    Write-HookLog "granting `"$AppRole`" access to schema public in $Database"
    Invoke-Sql $Database 'grant-app-role.sql' @("--set=app_role=$AppRole", "--set=db_name=$Database")
    Write-HookLog 'done'
}
finally {
    Remove-Item -Recurse -Force $publishDir -ErrorAction SilentlyContinue
    Close-Firewall
}
