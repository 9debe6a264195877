// SyntheticsFunctions - Azure infrastructure for `azd up`.
// Creates a resource group and, inside it: a user-assigned managed identity,
// a storage account (no shared keys), Log Analytics + Application Insights
// (Entra ingestion), a Flex Consumption function app (.NET 10 isolated) and an
// Azure Database for PostgreSQL Flexible Server with Entra-only auth, plus a
// virtual network: the app is VNet-integrated and reaches PostgreSQL through a
// private endpoint (with a privatelink private DNS zone).
targetScope = 'subscription'

import { firewallRule } from 'app/postgres.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to derive a unique token for resource names.')
param environmentName string

@minLength(1)
@description('Primary Azure region for all resources (must support Flex Consumption and PostgreSQL Flexible Server).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object ID of the deploying user or service principal. Gets storage data roles and becomes the PostgreSQL Entra administrator. Empty to skip both.')
param principalId string = ''

@description('Login name of that principal for PostgreSQL (UPN for a user, display name for a service principal or group). Empty uses the deployer\'s UPN.')
param principalName string = ''

@description('Type of the deploying principal.')
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

@description('IPv4 ranges allowed through the PostgreSQL public endpoint\'s firewall. Empty by default; there is no allow-all-Azure rule (the function app uses the private endpoint).')
param postgresFirewallRules firewallRule[] = []

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var postgresDatabaseName = 'synthetics'
var deploymentContainerName = 'deploymentpackage'
// Entra login name of the PostgreSQL administrator (the deployer by default).
var postgresAdminName = !empty(principalName) ? principalName : deployer().userPrincipalName

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
    instanceMemoryMB: 2048
    maximumInstanceCount: 40
  }
  // The host needs its storage and telemetry roles before it first starts.
  dependsOn: [
    rbac
  ]
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

@description('Entra login name of the PostgreSQL administrator (used by scripts/postprovision.sh).')
output POSTGRES_ADMIN_NAME string = postgresAdminName
