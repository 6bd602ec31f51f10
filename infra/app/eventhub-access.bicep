// Azure Event Hubs Data Sender on one Event Hub, new or existing, and the namespace's host name. A deployment at the
// hub's resource group, which may be in another subscription: the deployer needs Microsoft.Resources/deployments/write
// on that resource group, and Microsoft.Authorization/roleAssignments/write on the hub unless assignDataSender is false
// (Owner, or Contributor plus User Access Administrator; User Access Administrator alone cannot deploy).

@description('Required. Name of the Event Hubs namespace.')
param namespaceName string

@description('Required. Name of the Event Hub.')
param eventHubName string

@description('Required. Principal ID of the app\'s managed identity.')
param principalId string

@description('Optional. Assign Azure Event Hubs Data Sender on the hub; false when the hub\'s owner grants it.')
param assignDataSender bool = true

// Built-in role definition ID, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles.md).
var eventHubsDataSenderRoleId = '2b629674-e913-4c01-ae53-ef4638d8f975' // Azure Event Hubs Data Sender

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: namespaceName
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' existing = {
  parent: namespace
  name: eventHubName
}

// Azure Event Hubs Data Sender: send to this hub only, not to the rest of the namespace.
resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignDataSender) {
  name: guid(eventHub.id, principalId, eventHubsDataSenderRoleId)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSenderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// serviceBusEndpoint is https://<namespace>.<cloud suffix>:443/; the Functions connection wants the bare host name.
@description('Fully qualified namespace of the hub, for EventHubConnection__fullyQualifiedNamespace.')
output fullyQualifiedNamespace string = split(split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0], '/')[0]
