// ERP Insights production infrastructure, deployed into one resource group per environment:
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/parameters/<env>.bicepparam
// No parameter carries a secret. Secret values (SendGrid API key, key-encryption key, tenants' ERP
// credentials) live only in Key Vault and are written there by an operator or by the app itself.

targetScope = 'resourceGroup'

@description('Environment short name, used in resource names.')
@allowed(['staging', 'prod'])
param environmentName string

@description('Azure region. West Europe keeps customer data in the EU.')
param location string = 'westeurope'

@description('Short product prefix for resource names (letters and digits only).')
@maxLength(10)
param productPrefix string = 'erpins'

@description('Container image tag in the registry, e.g. 2024-06-01.1 (built by az acr build: RUNBOOK.md).')
param imageTag string

@description('First deployment of a new environment: run a placeholder image (RUNBOOK.md "First deployment").')
param useBootstrapImage bool = false

@description('Minimum replicas. Two keep the service up during platform maintenance and revision swaps.')
@minValue(1)
param minReplicas int = 2

@maxValue(30)
param maxReplicas int = 6

@description('Display name of the Entra group that administers Azure SQL and the Key Vault secrets.')
param operatorsGroupName string

@description('Object ID of that Entra group.')
param operatorsGroupObjectId string

@description('Break-glass public IP ranges (CIDR) of operators for Key Vault and SQL; keep empty normally.')
param operatorIpRanges array = []

@description('Public https base URL (custom domain); empty = the Container Apps default host name.')
param publicBaseUrl string = ''

@description('Sender address of insight emails; its domain must be authenticated in SendGrid.')
param emailFrom string

@description('SendGrid sandbox mode: accepted by SendGrid but never delivered (staging).')
param sendGridSandbox bool = false

@description('Azure SQL database SKU.')
param sqlSku object = {
  name: 'GP_Gen5'
  tier: 'GeneralPurpose'
  family: 'Gen5'
  capacity: 2
}

@description('Point-in-time restore window of the database, in days.')
@minValue(1)
@maxValue(35)
param pitrRetentionDays int = 14

@description('Zone redundancy for the database and the Container Apps environment.')
param zoneRedundant bool = true

@description('Days Log Analytics keeps logs; must exceed pitrRetentionDays so purge events can be replayed.')
@minValue(30)
param logRetentionDays int = 90

param tags object = {
  product: 'erp-insights'
  environment: environmentName
}

var namePrefix = '${productPrefix}-${environmentName}'
var suffix = uniqueString(resourceGroup().id)
var compactPrefix = '${productPrefix}${environmentName}'
var keyVaultName = take('${compactPrefix}kv${suffix}', 24)
var registryName = take('${compactPrefix}acr${suffix}', 50)
var sqlServerName = '${namePrefix}-sql-${suffix}'
var sqlDatabaseName = 'erp-insights'
// The secret's value is set out of band by an operator (RUNBOOK.md); only its name is configuration.
var sendGridKeySecretName = 'sendgrid-api-key'

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    retentionInDays: logRetentionDays
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    name: registryName
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    location: location
    name: keyVaultName
    operatorsGroupObjectId: operatorsGroupObjectId
    operatorIpRanges: operatorIpRanges
    subnetId: network.outputs.privateEndpointsSubnetId
    vnetId: network.outputs.vnetId
    tags: tags
  }
}

module sql 'modules/sql.bicep' = {
  name: 'sql'
  params: {
    location: location
    serverName: sqlServerName
    databaseName: sqlDatabaseName
    adminGroupName: operatorsGroupName
    adminGroupObjectId: operatorsGroupObjectId
    sku: sqlSku
    pitrRetentionDays: pitrRetentionDays
    zoneRedundant: zoneRedundant
    operatorIpRanges: operatorIpRanges
    subnetId: network.outputs.privateEndpointsSubnetId
    vnetId: network.outputs.vnetId
    tags: tags
  }
}

module containerApp 'modules/container-app.bicep' = {
  name: 'container-app'
  params: {
    location: location
    environmentName: '${namePrefix}-env'
    appName: '${namePrefix}-app'
    appsSubnetId: network.outputs.appsSubnetId
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    image: '${registry.outputs.loginServer}/erp-insights:${imageTag}'
    registryLoginServer: registry.outputs.loginServer
    useBootstrapImage: useBootstrapImage
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    zoneRedundant: zoneRedundant
    publicBaseUrl: publicBaseUrl
    emailFrom: emailFrom
    keyVaultUri: keyVault.outputs.vaultUri
    sqlServerFqdn: sql.outputs.serverFqdn
    sqlDatabaseName: sql.outputs.databaseName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    sendGridKeySecretName: sendGridKeySecretName
    sendGridSandbox: sendGridSandbox
    tags: tags
  }
}

module appAccess 'modules/app-access.bicep' = {
  name: 'app-access'
  params: {
    appPrincipalId: containerApp.outputs.principalId
    keyVaultName: keyVault.outputs.name
    registryName: registry.outputs.name
  }
}

output appName string = containerApp.outputs.appName
output appUrl string = containerApp.outputs.publicBaseUrl
output appPrincipalId string = containerApp.outputs.principalId
output registryLoginServer string = registry.outputs.loginServer
output keyVaultName string = keyVault.outputs.name
output keyVaultUri string = keyVault.outputs.vaultUri
output sqlServerFqdn string = sql.outputs.serverFqdn
output sqlDatabaseName string = sql.outputs.databaseName
