// Private networking for the function app and PostgreSQL: one virtual network
// with a subnet for the Flex Consumption app's VNet integration and a subnet
// for private endpoints, plus the private DNS zone that resolves the
// PostgreSQL server's name to its private endpoint inside the VNet.
// The private endpoint itself is created in postgres.bicep (it needs the
// server's id; this module needs nothing from the server, so there is no cycle).

@description('Name of the virtual network.')
param name string

@description('Azure region for the virtual network.')
param location string

@description('Tags applied to the network resources.')
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.0.0.0/16'

@description('Address range of the subnet the function app integrates with (delegated to Microsoft.App/environments).')
param appSubnetPrefix string = '10.0.1.0/24'

@description('Address range of the subnet holding private endpoints.')
param privateEndpointSubnetPrefix string = '10.0.2.0/24'

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'
// Private Link zone for Azure Database for PostgreSQL Flexible Server (public cloud).
var postgresPrivateDnsZoneName = 'privatelink.postgres.database.azure.com'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          // Flex Consumption VNet integration requires this delegation.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource appSubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: appSubnetName
}

resource privateEndpointSubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' existing = {
  parent: vnet
  name: privateEndpointSubnetName
}

resource postgresPrivateDnsZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: postgresPrivateDnsZoneName
  location: 'global'
  tags: tags
}

resource postgresPrivateDnsZoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: postgresPrivateDnsZone
  name: '${vnet.name}-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}

@description('Name of the virtual network.')
output name string = vnet.name

@description('Resource ID of the virtual network.')
output id string = vnet.id

@description('Resource ID of the subnet the function app integrates with.')
output appSubnetId string = appSubnet.id

@description('Resource ID of the subnet for private endpoints.')
output privateEndpointSubnetId string = privateEndpointSubnet.id

@description('Resource ID of the privatelink.postgres.database.azure.com private DNS zone.')
output postgresPrivateDnsZoneId string = postgresPrivateDnsZone.id
