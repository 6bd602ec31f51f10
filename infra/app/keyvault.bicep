// Key Vault for the app registration's client secret (only deployed when clientSecret is set). RBAC authorization:
// the app's identity gets Key Vault Secrets User on this vault and nothing else.

@description('Required. Name of the Key Vault (3-24 characters, globally unique).')
param name string

@description('Required. Azure region of the Key Vault.')
param location string

@description('Optional. Tags of the Key Vault.')
param tags object = {}

@secure()
@description('Required. The app registration\'s client secret, stored as the secret client-secret.')
param clientSecret string

@description('Required. Principal ID of the app\'s managed identity, which reads the secret through a Key Vault reference.')
param principalId string

@description('Optional. Assign Key Vault Secrets User on the vault to that identity; false when someone else grants it.')
param assignSecretsUser bool = true

@description('Optional. Refuse the public endpoint: the app resolves its Key Vault reference through a private endpoint.')
param networkIsolation bool = false

// Built-in role definition ID, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles.md).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // The shortest retention Key Vault allows: with purge protection on, a deleted vault keeps its name this long.
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    // Written out whichever way: vaults have been created with a Deny default when networkAcls is left out. The
    // deployment writes the secret through Azure Resource Manager, which the vault's firewall does not stop.
    publicNetworkAccess: networkIsolation ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: networkIsolation ? 'Deny' : 'Allow'
      ipRules: []
      virtualNetworkRules: []
    }
  }
}

// Secret names allow letters, digits and dashes only: the app setting is client_secret, the secret client-secret.
resource secret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'client-secret'
  properties: {
    value: clientSecret
    contentType: 'Client secret of the Defender for Cloud collector app registration'
  }
}

// Key Vault Secrets User: read the client secret through the Key Vault reference of the app setting client_secret.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignSecretsUser) {
  name: guid(vault.id, principalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the Key Vault.')
output name string = vault.name

@description('Resource ID of the Key Vault.')
output resourceId string = vault.id

@description('URI of the client secret without a version, so the app picks up a rotated secret.')
output clientCredentialUri string = secret.properties.secretUri
