// Flex Consumption (FC1) plan + the SyntheticsFunctions function app
// (.NET 10 isolated worker). The runtime is declared in functionAppConfig, so
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION are NOT app settings
// (Flex Consumption rejects them). No keys or passwords appear anywhere: the
// app reaches storage, Application Insights and PostgreSQL with its
// user-assigned managed identity. The app is integrated with a virtual
// network (subnet delegated to Microsoft.App/environments) and reaches
// PostgreSQL over that server's private endpoint. (Flex Consumption routes all
// outbound traffic through that subnet; vnetRouteAllEnabled does not apply.)

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption App Service plan.')
param planName string

@description('Azure region for the plan and app.')
param location string

@description('Tags applied to the plan.')
param tags object = {}

@description('azd service name; used for the azd-service-name tag so `azd deploy` finds the app.')
param serviceName string = 'api'

@description('Resource ID of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client ID of that managed identity.')
param identityClientId string

@description('Name of that managed identity; also the PostgreSQL role the app logs in as.')
param identityName string

@description('Name of the storage account used for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Blob container in that account holding the deployment package.')
param deploymentContainerName string = 'deploymentpackage'

@description('Name of the Application Insights component (local auth disabled).')
param applicationInsightsName string

@description('Fully qualified domain name of the PostgreSQL flexible server.')
param postgresHost string

@description('Name of the PostgreSQL database.')
param postgresDatabaseName string = 'synthetics'

@description('Browser origins allowed by the site\'s CORS configuration. Empty allows none.')
param allowedOrigins array = []

@description('Set true to disable the cron tick function (AzureWebJobs.SyntheticsCron.Disabled).')
param cronDisabled bool = false

@description('Set true to switch off the daily retention timer (AzureWebJobs.Retention.Disabled); the seed calls auto-cleanup optional.')
param retentionDisabled bool = false

@description('Set true to switch off the backfill timer (AzureWebJobs.SyntheticsBackfill.Disabled).')
param backfillDisabled bool = false

@description('Resource ID of the VNet subnet (delegated to Microsoft.App/environments) the app integrates with for outbound traffic.')
param virtualNetworkSubnetId string

@description('Memory per instance in MB for the Flex Consumption app.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Maximum instances of each per-function scale group; main.bicep derives it with the connection budget.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Maximum Pool Size of each instance\'s Npgsql pool, from main.bicep\'s connection budget.')
@minValue(1)
param postgresMaxPoolSize int

@description('Seconds a run waits to open a connection (including for a free one in the pool) before it fails.')
@minValue(1)
param postgresConnectTimeoutSeconds int = 5

// Timer schedules (NCRONTAB, 6 fields: second minute hour day month weekday).
// The cron tick runs every minute (the same value as local.settings.sample.json and the local host's defaults).
var cronSchedule = '0 */1 * * * *'
// Retention runs daily at 04:00 UTC (the same value as local.settings.sample.json and the local host's defaults).
var retentionSchedule = '0 0 4 * * *'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound traffic goes through this subnet, so the app resolves and
    // reaches PostgreSQL's private endpoint.
    virtualNetworkSubnetId: virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage through the managed identity (no account key).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table

    // Application Insights with Entra ID (AAD) ingestion.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // PostgreSQL with an Entra token for the managed identity; no password. The pool is capped by
    // the connection budget, and a run that finds it full fails after the timeout instead of
    // queueing behind a server that has no connection left.
    ConnectionStrings__Synthetics: 'Host=${postgresHost};Port=5432;Database=${postgresDatabaseName};Username=${identityName};Ssl Mode=Require;Maximum Pool Size=${postgresMaxPoolSize};Timeout=${postgresConnectTimeoutSeconds}'
    Synthetics__Postgres__UseEntraAuth: 'true'
    Synthetics__Postgres__ManagedIdentityClientId: identityClientId
    AZURE_CLIENT_ID: identityClientId

    Synthetics__Schema: 'public'
    // Migrations are run by the predeploy hook (scripts/predeploy.sh) as the Entra admin.
    Synthetics__MigrateOnStartup: 'false'
    Synthetics__PoolSize: '200'
    Synthetics__PoolProfileIds: ''
    Synthetics__SignupFunction: ''
    Synthetics__DisplayNamePrefix: ''
    Synthetics__Seed: ''
    Synthetics__RegionMix: 'global'
    // The same list as the site's CORS configuration above.
    Synthetics__AllowedOrigins: join(allowedOrigins, ',')

    SyntheticsCronSchedule: cronSchedule
    'AzureWebJobs.SyntheticsCron.Disabled': cronDisabled ? 'true' : 'false'
    RetentionSchedule: retentionSchedule
    'AzureWebJobs.Retention.Disabled': retentionDisabled ? 'true' : 'false'
    'AzureWebJobs.SyntheticsBackfill.Disabled': backfillDisabled ? 'true' : 'false'
  }
}

@description('Name of the function app.')
output name string = functionApp.name

@description('Default host name of the function app.')
output defaultHostName string = functionApp.properties.defaultHostName

@description('HTTPS base URL of the function app.')
output url string = 'https://${functionApp.properties.defaultHostName}'
