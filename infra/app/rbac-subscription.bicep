// Security Reader on the collected subscription, so the collector can list its Defender for Cloud alerts.
targetScope = 'subscription'

@description('Required. Principal ID that reads the alerts: the app\'s managed identity, or the service principal of the app registration when a client secret is used.')
param principalId string

// Built-in role definition ID, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles.md).
var securityReaderRoleId = '39bc4728-0917-49c7-9d2c-d95423bc2eb4' // Security Reader

// Security Reader: read Defender for Cloud alerts (Microsoft.Security/locations/alerts) of the whole subscription.
resource securityReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, securityReaderRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', securityReaderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
