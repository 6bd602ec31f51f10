// Roles at the management group whose subscriptions are collected (management_group_id): assignments there are inherited
// by every subscription under the group, present and future.
targetScope = 'managementGroup'

@description('Required. Principal ID that reads the alerts: the app\'s managed identity, or the service principal of the app registration when a client secret is used.')
param principalId string

@description('Optional. Assign Security Reader at the management group.')
param assignSecurityReader bool = true

@description('Optional. Assign Reader at the management group.')
param assignReader bool = true

// Built-in role definition IDs, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles.md) and `az role definition list` (easimon/azure-builtin-roles).
var securityReaderRoleId = '39bc4728-0917-49c7-9d2c-d95423bc2eb4' // Security Reader
var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader

// Security Reader: the Defender for Cloud alerts (Microsoft.Security/*/read) of every subscription under the group.
resource securityReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignSecurityReader) {
  name: guid(managementGroup().id, principalId, securityReaderRoleId)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', securityReaderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Reader: the timer lists the group's descendants (GET .../managementGroups/<id>/descendants), which needs
// Microsoft.Management/managementGroups/descendants/read. Security Reader has managementGroups/read only, Management Group
// Reader managementGroups/read and managementGroups/subscriptions/read; every built-in role that has descendants/read has
// it through */read or *, and Reader (*/read alone) is the narrowest of them. A custom role with just that action is
// narrower still: turn this off and assign it yourself (docs/deploy.md).
resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignReader) {
  name: guid(managementGroup().id, principalId, readerRoleId)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
