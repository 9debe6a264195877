// Rules main.bicep applies to PostgreSQL before it creates anything: who the Entra administrator
// is, and how many connections each app instance may open. Pure functions and constants only, so
// the tests evaluate them offline (a .bicepparam that imports them, built by the Bicep CLI).

@export()
@description('max_connections of each compute SKU this template offers (the server\'s default for that SKU).')
var serverMaxConnections = {
  Standard_B1ms: 50
  Standard_B2s: 429
  Standard_B2ms: 859
  Standard_D2ds_v5: 859
  Standard_D4ds_v5: 1718
}

@export()
@description('Compute tier of each SKU in serverMaxConnections.')
var serverTiers = {
  Standard_B1ms: 'Burstable'
  Standard_B2s: 'Burstable'
  Standard_B2ms: 'Burstable'
  Standard_D2ds_v5: 'GeneralPurpose'
  Standard_D4ds_v5: 'GeneralPurpose'
}

@export()
@description('How the app\'s connections fit into the server\'s.')
type connectionBudget = {
  @description('Connections clients may open: max_connections less the 15 Azure keeps for replication and monitoring.')
  userConnections: int

  @description('Of those, the ones left for the Entra administrator, the hooks\' psql and the migrate command (which holds two).')
  reservedConnections: int

  @description('Connections the app may hold: userConnections less reservedConnections.')
  appConnections: int

  @description('Instances that can run at once: the maximum instance count applies to each per-function scale group.')
  instances: int

  @description('Maximum Pool Size of each instance.')
  poolSize: int

  @description('poolSize × instances: what the app holds when every instance has a full pool.')
  peakConnections: int

  @description('Whether every instance gets at least one connection and peakConnections fits into appConnections.')
  fits: bool
}

@export()
@description('The PostgreSQL Entra administrator, and why it cannot be chosen when it cannot.')
type administrator = {
  @description('Login name: the UPN of a user, the display name of a service principal or group.')
  name: string

  @description('User, Group or ServicePrincipal.')
  type: string

  @description('Empty when the administrator is usable; otherwise what to set.')
  problem: string
}

// Azure Database for PostgreSQL flexible server keeps 15 connections for itself on every SKU.
func budgetOf(userConnections int, reservedConnections int, instances int, poolSize int) connectionBudget => {
  userConnections: userConnections
  reservedConnections: reservedConnections
  appConnections: userConnections - reservedConnections
  instances: instances
  poolSize: poolSize
  peakConnections: poolSize * instances
  fits: poolSize >= 1 && poolSize * instances <= userConnections - reservedConnections
}

@export()
@description('The connection budget: requestedPoolSize when above 0, else the app\'s connections shared out evenly over the instances, at most maxPoolSize each.')
func connectionBudgetOf(
  maxConnections int,
  reservedConnections int,
  maximumInstanceCount int,
  scaleGroups int,
  requestedPoolSize int,
  maxPoolSize int
) connectionBudget =>
  budgetOf(
    maxConnections - 15,
    reservedConnections,
    maximumInstanceCount * scaleGroups,
    requestedPoolSize > 0
      ? requestedPoolSize
      : min(maxPoolSize, (maxConnections - 15 - reservedConnections) / (maximumInstanceCount * scaleGroups)))

@export()
@description('The Entra administrator: the given name, else the deployer\'s UPN for a user; a service principal or group has no UPN, so its name must be given.')
func administratorOf(principalType string, principalName string, deployerUpn string) administrator => {
  name: !empty(principalName) ? principalName : principalType == 'User' ? deployerUpn : ''
  type: principalType
  problem: !empty(principalName) || (principalType == 'User' && !empty(deployerUpn))
    ? ''
    : 'The PostgreSQL Entra administrator needs a login name: a ${principalType} has no user principal name. Set POSTGRES_ADMIN_NAME (azd env set POSTGRES_ADMIN_NAME <display name>) to the ${principalType}\'s display name.'
}
