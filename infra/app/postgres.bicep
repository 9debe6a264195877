// Azure Database for PostgreSQL Flexible Server (v16, Burstable B1ms) with
// Microsoft Entra authentication only (password auth disabled).
//
// Networking: the function app reaches this server over a private endpoint
// (created below in the VNet's 'private-endpoints' subnet; the app joins the
// same VNet through its 'app' subnet, and the privatelink.postgres.database.azure.com
// private DNS zone makes the server's usual host name resolve to the
// endpoint's private IP inside the VNet). Flex Consumption apps have no fixed
// outbound IP addresses, so this is how the app gets in without any firewall
// rule. The public endpoint stays enabled, but admits only the IPv4 ranges in
// `firewallRules` (none by default) plus the temporary rule that each azd
// hook (scripts/postprovision.sh, scripts/predeploy.sh) opens for the
// deployer's own IP while it runs its SQL and then deletes. There is deliberately NO
// 'AllowAllAzureServicesAndResourcesWithinAzureIps' (0.0.0.0) rule: "allow
// Azure services" would admit any Azure-hosted client of any tenant.

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

@description('Compute SKU name (main.bicep picks it together with the connection budget).')
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

@description('Firewall rules (IPv4 ranges) allowed through the public endpoint. Empty by default: no public client is allowed until you add one (the function app uses the private endpoint instead).')
param firewallRules firewallRule[] = []

@description('Name of the private endpoint through which the function app reaches the server.')
param privateEndpointName string

@description('Resource ID of the subnet that holds the private endpoint.')
param privateEndpointSubnetId string

@description('Resource ID of the privatelink.postgres.database.azure.com private DNS zone (linked to the VNet).')
param privateDnsZoneId string

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
      // The app writes continuously; a server that reaches 95% of its storage turns read-only.
      autoGrow: 'Enabled'
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

// Private endpoint for the app's traffic. It also changes the server (it adds
// a private endpoint connection), so it waits for the firewall rules above.
resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: privateEndpointName
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }
  dependsOn: [
    rules
  ]
}

// Registers the endpoint's private IP in the private DNS zone as an A record
// for the server's name.
resource privateDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'privatelink-postgres-database-azure-com'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

@description('Name of the server.')
output name string = server.name

@description('Fully qualified domain name of the server.')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('Name of the application database.')
output databaseName string = database.name
