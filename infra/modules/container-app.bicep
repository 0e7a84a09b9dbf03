// Container Apps environment (in our virtual network) and the service itself.
// Configuration is plain env vars: URIs, host names and secret NAMES only. Secret values are read at
// runtime from Key Vault with the app's system-assigned managed identity.

param location string
param environmentName string
param appName string

param appsSubnetId string
param logAnalyticsWorkspaceId string

@description('Full image reference, e.g. erpinsprod.azurecr.io/erp-insights:2024-06-01.1.')
param image string

@description('Registry login server the image is pulled from with the managed identity.')
param registryLoginServer string

@description('First deployment only: run a public placeholder image until the identity can pull (RUNBOOK.md).')
param useBootstrapImage bool = false

@minValue(1)
param minReplicas int
@minValue(1)
param maxReplicas int

param zoneRedundant bool = false

@description('Public https base URL used in links inside emails; empty = the app\'s own ingress host.')
param publicBaseUrl string = ''

param emailFrom string
param keyVaultUri string
param sqlServerFqdn string
param sqlDatabaseName string
param appInsightsConnectionString string

@description('Name of the Key Vault secret that holds the SendGrid API key; its value is set by an operator.')
param sendGridKeySecretName string

param sendGridSandbox bool = false

param tags object = {}

var port = 8080
var bootstrapImage = 'mcr.microsoft.com/k8se/quickstart:latest'

resource managedEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Logs go through a diagnostic setting (below), so no workspace shared key is handled here.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    vnetConfiguration: {
      infrastructureSubnetId: appsSubnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    zoneRedundant: zoneRedundant
  }
}

resource envLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: managedEnv
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    // Resource-specific tables (ContainerAppConsoleLogs, ContainerAppSystemLogs) that RUNBOOK.md queries.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${appName}.${managedEnv.properties.defaultDomain}' : publicBaseUrl

var appEnv = [
  { name: 'NODE_ENV', value: 'production' }
  { name: 'PORT', value: string(port) }
  { name: 'HOST', value: '0.0.0.0' }
  // Exactly one proxy (the Container Apps ingress) sits in front and is the only way in: client IPs
  // and https come from it, so a hop count is safe here (README, Security: client addresses).
  { name: 'TRUST_PROXY', value: '1' }
  { name: 'LOG_FORMAT', value: 'json' }
  { name: 'PUBLIC_BASE_URL', value: baseUrl }
  { name: 'DB_KIND', value: 'mssql' }
  { name: 'MSSQL_SERVER', value: sqlServerFqdn }
  { name: 'MSSQL_DATABASE', value: sqlDatabaseName }
  { name: 'MSSQL_AUTH', value: 'entra' }
  { name: 'SECRET_STORE', value: 'keyvault' }
  { name: 'KEY_VAULT_URL', value: keyVaultUri }
  { name: 'EMAIL_TRANSPORT', value: 'sendgrid' }
  { name: 'EMAIL_FROM', value: emailFrom }
  { name: 'SENDGRID_API_KEY_SECRET', value: sendGridKeySecretName }
  { name: 'SENDGRID_SANDBOX', value: string(sendGridSandbox) }
  { name: 'JOBS_ENABLED', value: 'true' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
]

var probes = [
  {
    type: 'Startup'
    httpGet: { path: '/health', port: port }
    periodSeconds: 5
    failureThreshold: 24
  }
  {
    type: 'Liveness'
    httpGet: { path: '/health', port: port }
    periodSeconds: 15
    timeoutSeconds: 5
    failureThreshold: 3
  }
  {
    // /ready fails while the database or Key Vault is unreachable: the replica leaves the load balancer
    // instead of being restarted.
    type: 'Readiness'
    httpGet: { path: '/ready', port: port }
    periodSeconds: 10
    timeoutSeconds: 5
    failureThreshold: 3
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    managedEnvironmentId: managedEnv.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: useBootstrapImage ? 80 : port
        transport: 'http'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: useBootstrapImage ? [] : [
        {
          server: registryLoginServer
          identity: 'system'
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'app'
          image: useBootstrapImage ? bootstrapImage : image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: appEnv
          probes: useBootstrapImage ? [] : probes
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-load'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

output appName string = app.name
output principalId string = app.identity.principalId
output fqdn string = app.properties.configuration.ingress.fqdn
output publicBaseUrl string = baseUrl
