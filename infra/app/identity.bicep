// User-assigned managed identity used by the function app for storage,
// Application Insights (AAD ingestion) and Azure Database for PostgreSQL.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region for the identity.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity.')
output id string = identity.id

@description('Name of the identity (also the PostgreSQL role name the app logs in as).')
output name string = identity.name

@description('Client (application) ID of the identity.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID of the identity.')
output principalId string = identity.properties.principalId
