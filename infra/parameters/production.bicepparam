// Production. Values that identify our Entra tenant are read from the deploying shell, so this file
// holds no tenant-specific identifiers and never any secret (RUNBOOK.md "Deploy").
using '../main.bicep'

param environmentName = 'prod'
param location = 'westeurope'
param imageTag = readEnvironmentVariable('IMAGE_TAG')
param useBootstrapImage = bool(readEnvironmentVariable('USE_BOOTSTRAP_IMAGE', 'false'))
param minReplicas = 2
param maxReplicas = 10
param operatorsGroupName = readEnvironmentVariable('OPERATORS_GROUP_NAME')
param operatorsGroupObjectId = readEnvironmentVariable('OPERATORS_GROUP_OBJECT_ID')
// Break-glass only (restore, first DB user): e.g. OPERATOR_IP_RANGES='["203.0.113.7/32"]'.
param operatorIpRanges = json(readEnvironmentVariable('OPERATOR_IP_RANGES', '[]'))
param publicBaseUrl = readEnvironmentVariable('PUBLIC_BASE_URL', '')
param emailFrom = readEnvironmentVariable('EMAIL_FROM')
param sendGridSandbox = false
param sqlSku = {
  name: 'GP_Gen5'
  tier: 'GeneralPurpose'
  family: 'Gen5'
  capacity: 2
}
param pitrRetentionDays = 14
param zoneRedundant = true
param logRetentionDays = 90
