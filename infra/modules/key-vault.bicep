// Key Vault for the key-encryption key, the tenants' ERP client credentials and the SendGrid API key.
// Access is RBAC-only (no access policies); the app's identity gets its role in app-access.bicep.

param location string
param name string

@description('Object ID of the Entra group of operators; they set the SendGrid key and rotate the KEK.')
param operatorsGroupObjectId string

@description('Public IP ranges (CIDR) allowed to reach the vault for operator work; empty = private endpoint only.')
param operatorIpRanges array = []

param subnetId string
param vnetId string
param tags object = {}

// Built-in role "Key Vault Secrets Officer": read, set, delete, recover and purge secrets.
var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Deleted secrets cannot be purged before the 90 days are over, not even by us: see RUNBOOK.md.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: [for range in operatorIpRanges: {
        value: range
      }]
    }
  }
}

resource operatorsSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, operatorsGroupObjectId, secretsOfficerRoleId)
  scope: vault
  properties: {
    principalId: operatorsGroupObjectId
    principalType: 'Group'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: '${name}-pe'
  params: {
    location: location
    name: '${name}-pe'
    targetResourceId: vault.id
    groupId: 'vault'
    privateDnsZoneName: 'privatelink.vaultcore.azure.net'
    subnetId: subnetId
    vnetId: vnetId
    tags: tags
  }
}

output name string = vault.name
output vaultUri string = vault.properties.vaultUri
