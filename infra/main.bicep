// SyntheticsFunctions - Azure infrastructure for `azd up`.
// Creates a resource group and, inside it: a user-assigned managed identity,
// a storage account (no shared keys), Log Analytics + Application Insights
// (Entra ingestion), a Flex Consumption function app (.NET 10 isolated) and an
// Azure Database for PostgreSQL Flexible Server with Entra-only auth, plus a
// virtual network: the app is VNet-integrated and reaches PostgreSQL through a
// private endpoint (with a privatelink private DNS zone).
targetScope = 'subscription'

import { firewallRule } from 'app/postgres.bicep'
import { administratorOf, connectionBudgetOf, serverMaxConnections, serverTiers } from 'app/postgres-rules.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to derive a unique token for resource names.')
param environmentName string

@minLength(1)
// The regions of the official Flex Consumption quickstart's allow-list (less its canary region):
// a region outside it fails at once instead of after half the resources exist.
@description('Primary Azure region for all resources (must support Flex Consumption and PostgreSQL Flexible Server).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object ID of the deploying user or service principal (azd sets AZURE_PRINCIPAL_ID). Gets storage data roles and becomes the PostgreSQL Entra administrator. Empty to skip both.')
param principalId string = deployer().objectId

@description('PostgreSQL login name of that principal (POSTGRES_ADMIN_NAME): empty uses the deployer\'s UPN, which only a user has; a service principal or group must give its display name, or provisioning fails saying so.')
param principalName string = ''

@description('Type of the deploying principal (AZURE_PRINCIPAL_TYPE): User, or ServicePrincipal in CI.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Optional override for the resource group name.')
param resourceGroupName string = ''

@description('Optional override for the function app name.')
param functionAppName string = ''

@description('Optional override for the Flex Consumption plan name.')
param appServicePlanName string = ''

@description('Optional override for the user-assigned managed identity name.')
param identityName string = ''

@description('Optional override for the storage account name.')
param storageAccountName string = ''

@description('Optional override for the Log Analytics workspace name.')
param logAnalyticsName string = ''

@description('Optional override for the Application Insights name.')
param applicationInsightsName string = ''

@description('Optional override for the PostgreSQL flexible server name.')
param postgresServerName string = ''

@description('Optional override for the virtual network name.')
param virtualNetworkName string = ''

@description('Optional override for the PostgreSQL private endpoint name.')
param postgresPrivateEndpointName string = ''

@description('Browser origins allowed to call the API (the site\'s CORS configuration). Empty allows none.')
param allowedOrigins array = []

@description('Set true to pause the cron tick function (AzureWebJobs.SyntheticsCron.Disabled).')
param cronDisabled bool = false

@description('Set true to switch off the daily retention timer (AzureWebJobs.Retention.Disabled).')
param retentionDisabled bool = false

@description('Set true to switch off the backfill timer, which runs queued backfill jobs (AzureWebJobs.SyntheticsBackfill.Disabled).')
param backfillDisabled bool = false

@description('Maximum instances of each per-function scale group (Flex Consumption). Every instance holds its own connection pool, so this is bounded by the server\'s connections: raise it with a larger postgresSkuName.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 3

@description('PostgreSQL compute SKU. Its max_connections bounds maximumInstanceCount × scale groups × pool size.')
@allowed([
  'Standard_B1ms'
  'Standard_B2s'
  'Standard_B2ms'
  'Standard_D2ds_v5'
  'Standard_D4ds_v5'
])
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL connections kept out of the app\'s budget for the Entra administrator, the hooks\' psql and the migrate command (which holds two).')
@minValue(3)
param postgresReservedConnections int = 5

@description('Maximum Pool Size of each app instance. 0 shares the app\'s connections out evenly over the instances, at most 10 each; provisioning fails when the pools of all instances would not fit.')
@minValue(0)
param postgresPoolSize int = 0

@description('Resource ID of an action group the alerts (health not 200, failed runs) notify. Empty: the alerts fire in the portal only.')
param alertActionGroupId string = ''

@description('IPv4 ranges allowed through the PostgreSQL public endpoint\'s firewall. Empty by default; there is no allow-all-Azure rule (the function app uses the private endpoint).')
param postgresFirewallRules firewallRule[] = []

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var postgresDatabaseName = 'synthetics'
var deploymentContainerName = 'deploymentpackage'
// Entra administrator of PostgreSQL: the deployer, by UPN for a user; a service principal (CI)
// has no UPN and must be named (POSTGRES_ADMIN_NAME).
var administrator = administratorOf(principalType, principalName, deployer().?userPrincipalName ?? '')
var postgresAdminName = empty(administrator.problem) ? administrator.name : fail(administrator.problem)
// Per-function scaling: the HTTP functions share one scale group; each timer function
// (SyntheticsCron, SyntheticsBackfill, Retention) scales on instances of its own. A test checks
// this against the code.
var functionScaleGroups = 4
var maxPoolSize = 10
var connections = connectionBudgetOf(serverMaxConnections[postgresSkuName], postgresReservedConnections, maximumInstanceCount, functionScaleGroups, postgresPoolSize, maxPoolSize)
var postgresMaxPoolSize = connections.fits
  ? connections.poolSize
  : fail('PostgreSQL ${postgresSkuName} takes ${connections.appConnections} app connections (${serverMaxConnections[postgresSkuName]} less 15 for Azure, less ${postgresReservedConnections} reserved), but ${connections.instances} instances (maximumInstanceCount ${maximumInstanceCount} × ${functionScaleGroups} scale groups) with a pool of ${connections.poolSize} need ${connections.peakConnections}. Lower maximumInstanceCount or postgresPoolSize, or choose a larger postgresSkuName.')

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module network 'app/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    name: !empty(virtualNetworkName) ? virtualNetworkName : '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
  }
}

module postgres 'app/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    name: !empty(postgresServerName) ? postgresServerName : '${abbrs.dBforPostgreSQLServers}${resourceToken}'
    location: location
    tags: tags
    databaseName: postgresDatabaseName
    administratorPrincipalId: principalId
    administratorPrincipalName: postgresAdminName
    administratorPrincipalType: principalType
    skuName: postgresSkuName
    skuTier: serverTiers[postgresSkuName]
    firewallRules: postgresFirewallRules
    privateEndpointName: !empty(postgresPrivateEndpointName) ? postgresPrivateEndpointName : '${abbrs.networkPrivateEndpoints}${abbrs.dBforPostgreSQLServers}${resourceToken}'
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: network.outputs.postgresPrivateDnsZoneId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}api-${resourceToken}'
    planName: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    postgresHost: postgres.outputs.fqdn
    postgresDatabaseName: postgres.outputs.databaseName
    virtualNetworkSubnetId: network.outputs.appSubnetId
    allowedOrigins: allowedOrigins
    cronDisabled: cronDisabled
    retentionDisabled: retentionDisabled
    backfillDisabled: backfillDisabled
    instanceMemoryMB: 2048
    maximumInstanceCount: maximumInstanceCount
    postgresMaxPoolSize: postgresMaxPoolSize
  }
  // The host needs its storage and telemetry roles before it first starts.
  dependsOn: [
    rbac
  ]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    location: location
    tags: tags
    healthUrl: '${api.outputs.url}/api/health'
    actionGroupId: alertActionGroupId
  }
}

@description('Azure region of the deployment.')
output AZURE_LOCATION string = location

@description('Entra tenant ID.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Name of the resource group.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app.')
output AZURE_FUNCTION_APP_NAME string = api.outputs.name

@description('HTTPS base URL of the function app.')
output AZURE_FUNCTION_URL string = api.outputs.url

@description('Name of the app\'s user-assigned managed identity (its PostgreSQL role name).')
output AZURE_PRINCIPAL_NAME string = identity.outputs.name

@description('Client ID of the app\'s managed identity.')
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Name of the storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Name of the Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Name of the PostgreSQL flexible server.')
output POSTGRES_SERVER_NAME string = postgres.outputs.name

@description('Fully qualified domain name of the PostgreSQL server.')
output POSTGRES_HOST string = postgres.outputs.fqdn

@description('Name of the application database.')
output POSTGRES_DATABASE string = postgres.outputs.databaseName

@description('Entra login name of the PostgreSQL administrator (the hooks sign in with it).')
output POSTGRES_ADMIN_NAME string = postgresAdminName

@description('Maximum Pool Size of each app instance, from the connection budget.')
output POSTGRES_MAX_POOL_SIZE int = postgresMaxPoolSize
