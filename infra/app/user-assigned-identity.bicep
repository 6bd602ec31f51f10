// A user-assigned managed identity. Stands in for the registry module
// avm/res/managed-identity/user-assigned-identity:0.4.1 (which cannot be restored here) with the same parameters and
// outputs for what this template uses, and the same resource; AVM's usage-telemetry deployment is left out.
metadata name = 'User Assigned Identity'
metadata description = 'Deploys a user-assigned managed identity.'

@description('Required. Name of the user-assigned identity.')
param name string

@description('Optional. Location of the identity.')
param location string = resourceGroup().location

@description('Optional. Tags of the identity.')
param tags object?

resource userAssignedIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the user-assigned identity.')
output name string = userAssignedIdentity.name

@description('The resource ID of the user-assigned identity.')
output resourceId string = userAssignedIdentity.id

@description('The principal ID (object ID) of the user-assigned identity.')
output principalId string = userAssignedIdentity.properties.principalId

@description('The client ID (application ID) of the user-assigned identity.')
output clientId string = userAssignedIdentity.properties.clientId

@description('The resource group the user-assigned identity was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The location the user-assigned identity was deployed into.')
output location string = userAssignedIdentity.location
