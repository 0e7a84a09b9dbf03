// Azure SQL logical server and the application database.
// Authentication is Entra ID only: there is no SQL login and no password anywhere. The app connects
// with its system-assigned managed identity (a contained database user, created once: RUNBOOK.md).
// Network: public access is Disabled; the app reaches the server through a private endpoint. A
// break-glass operator IP range can be allowed by parameter; it switches public access on for
// exactly those ranges (never the "allow Azure services" 0.0.0.0 rule, which admits every tenant).

param location string
param serverName string
param databaseName string

@description('Display name of the Entra group that administers the server.')
param adminGroupName string

@description('Object ID of that Entra group.')
param adminGroupObjectId string

@description('Database SKU, e.g. { name: \'GP_Gen5\', tier: \'GeneralPurpose\', family: \'Gen5\', capacity: 2 }.')
param sku object

@description('Point-in-time restore window in days (1-35; Basic tier allows at most 7).')
@minValue(1)
@maxValue(35)
param pitrRetentionDays int = 14

@description('Backup storage redundancy; Geo copies backups to the paired EU region (North Europe).')
@allowed(['Local', 'Zone', 'Geo'])
param backupStorageRedundancy string = 'Geo'

param zoneRedundant bool = false

@description('Public IP ranges allowed for operator break-glass access; empty keeps public access Disabled.')
param operatorIpRanges array = []

param subnetId string
param vnetId string
param tags object = {}

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: empty(operatorIpRanges) ? 'Disabled' : 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminGroupName
      principalType: 'Group'
      sid: adminGroupObjectId
      tenantId: subscription().tenantId
    }
  }
}

// Also declared as its own child resource so that a later change cannot silently turn SQL logins on.
resource entraOnly 'Microsoft.Sql/servers/azureADOnlyAuthentications@2023-08-01' = {
  parent: server
  name: 'Default'
  properties: {
    azureADOnlyAuthentication: true
  }
}

resource operatorRules 'Microsoft.Sql/servers/firewallRules@2023-08-01' = [for (range, i) in operatorIpRanges: {
  parent: server
  name: 'operator-${i}'
  properties: {
    startIpAddress: parseCidr(range).firstUsable
    endIpAddress: parseCidr(range).lastUsable
  }
}]

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: sku
  properties: {
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    zoneRedundant: zoneRedundant
    requestedBackupStorageRedundancy: backupStorageRedundancy
  }
}

resource tde 'Microsoft.Sql/servers/databases/transparentDataEncryption@2023-08-01' = {
  parent: database
  name: 'current'
  properties: {
    state: 'Enabled'
  }
}

resource pitr 'Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies@2023-08-01' = {
  parent: database
  name: 'default'
  properties: {
    retentionDays: pitrRetentionDays
    diffBackupIntervalInHours: 12
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: '${serverName}-pe'
  params: {
    location: location
    name: '${serverName}-pe'
    targetResourceId: server.id
    groupId: 'sqlServer'
    privateDnsZoneName: 'privatelink${environment().suffixes.sqlServerHostname}'
    subnetId: subnetId
    vnetId: vnetId
    tags: tags
  }
}

output serverFqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
