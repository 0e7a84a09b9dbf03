// Grants the container app's system-assigned identity what it needs, scoped to single resources.
// Azure SQL access is not here: Entra-only SQL needs a contained user created with T-SQL (RUNBOOK.md).

@description('Object ID of the container app\'s system-assigned managed identity.')
param appPrincipalId string

param keyVaultName string
param registryName string

// "Key Vault Secrets Officer", not "Key Vault Secrets User": the app writes secrets (ERP credentials
// an admin enters, new key-encryption key versions during rotation) and deletes/purges them when a
// tenant disconnects or is purged. Secrets User can only read.
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource appSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, secretsOfficerRoleId)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

resource appAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, appPrincipalId, acrPullRoleId)
  scope: registry
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
  }
}
