// Staging: same shape as production, smaller and cheaper. Runs against ERP sandboxes and SendGrid's
// sandbox mode; never load real customer data here.
using '../main.bicep'

param environmentName = 'staging'
param location = 'westeurope'
param imageTag = readEnvironmentVariable('IMAGE_TAG')
param useBootstrapImage = bool(readEnvironmentVariable('USE_BOOTSTRAP_IMAGE', 'false'))
param minReplicas = 2
param maxReplicas = 3
param operatorsGroupName = readEnvironmentVariable('OPERATORS_GROUP_NAME')
param operatorsGroupObjectId = readEnvironmentVariable('OPERATORS_GROUP_OBJECT_ID')
// Break-glass only (restore, first DB user): e.g. OPERATOR_IP_RANGES='["203.0.113.7/32"]'.
param operatorIpRanges = json(readEnvironmentVariable('OPERATOR_IP_RANGES', '[]'))
param publicBaseUrl = readEnvironmentVariable('PUBLIC_BASE_URL', '')
param emailFrom = readEnvironmentVariable('EMAIL_FROM')
param sendGridSandbox = true
param sqlSku = {
  name: 'S1'
  tier: 'Standard'
}
param pitrRetentionDays = 7
param zoneRedundant = false
param logRetentionDays = 30
