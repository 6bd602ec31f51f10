// The step from main.bicep's subscription scope to a management group: Bicep lets a subscription-scope template deploy to
// tenant() but not to managementGroup() (BCP115), and a tenant-scope template to managementGroup(). This deployment at
// the tenant root needs Microsoft.Resources/deployments/write at '/', on top of what the assignments need at the group.
targetScope = 'tenant'

@description('Required. ID of the management group the roles are assigned at.')
param managementGroupId string

@description('Required. Name of the deployment at the management group.')
param deploymentName string

@description('Required. Principal ID that reads the alerts: the app\'s managed identity, or the service principal of the app registration when a client secret is used.')
param principalId string

@description('Optional. Assign Security Reader at the management group.')
param assignSecurityReader bool = true

@description('Optional. Assign Reader at the management group.')
param assignReader bool = true

module managementGroupRoles 'rbac-management-group.bicep' = {
  name: deploymentName
  scope: managementGroup(managementGroupId)
  params: {
    principalId: principalId
    assignSecurityReader: assignSecurityReader
    assignReader: assignReader
  }
}
