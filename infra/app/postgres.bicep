// Azure Database for PostgreSQL Flexible Server (v16, Burstable B1ms) with
// Microsoft Entra authentication only (password auth disabled).
//
// Networking: public access is enabled, but there is deliberately NO
// 'AllowAllAzureServicesAndResourcesWithinAzureIps' (0.0.0.0) rule - that rule
// opens the server to every Azure tenant's resources. Flex Consumption apps do
// not have stable, documented outbound IP addresses, so the function app can
// only reach this server through addresses listed in `firewallRules` (or,
// for production, by adding VNet integration to the app plus a private
// endpoint / VNet-injected server). scripts/postprovision.sh opens a
// temporary rule for the deployer's own IP while it runs migrations.

@export()
@description('A PostgreSQL firewall rule: an inclusive IPv4 range.')
type firewallRule = {
  @description('Rule name (letters, digits, hyphens, underscores).')
  name: string

  @description('First IPv4 address of the allowed range.')
  startIpAddress: string

  @description('Last IPv4 address of the allowed range.')
  endIpAddress: string
}

@description('Name of the PostgreSQL flexible server (globally unique).')
param name string

@description('Azure region for the server.')
param location string

@description('Tags applied to the server.')
param tags object = {}

@description('Name of the application database.')
param databaseName string = 'synthetics'

@description('PostgreSQL major version.')
param version string = '16'

@description('Compute SKU name.')
param skuName string = 'Standard_B1ms'

@description('Compute tier of skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('Storage size in GiB.')
param storageSizeGB int = 32

@description('Object ID of the Microsoft Entra principal made server administrator; empty to skip.')
param administratorPrincipalId string = ''

@description('Name of that Entra principal: the UPN of a user, or the display name of a group / service principal. It is the login name used with psql.')
param administratorPrincipalName string = ''

@description('Type of the Entra administrator principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param administratorPrincipalType string = 'User'

@description('Firewall rules (IPv4 ranges) allowed to reach the server. Empty by default: no client is allowed until you add one.')
param firewallRules firewallRule[] = []

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Disabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// The flexible server accepts one management operation at a time, so the
// child resources below are chained with dependsOn / @batchSize(1).
resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = if (!empty(administratorPrincipalId)) {
  parent: server
  name: administratorPrincipalId
  properties: {
    principalName: administratorPrincipalName
    principalType: administratorPrincipalType
    tenantId: tenant().tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    administrator
  ]
}

@batchSize(1)
resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [
  for rule in firewallRules: {
    parent: server
    name: rule.name
    properties: {
      startIpAddress: rule.startIpAddress
      endIpAddress: rule.endIpAddress
    }
    dependsOn: [
      database
    ]
  }
]

@description('Name of the server.')
output name string = server.name

@description('Fully qualified domain name of the server.')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('Name of the application database.')
output databaseName string = database.name
