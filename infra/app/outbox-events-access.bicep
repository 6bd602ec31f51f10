// Role assignments of the outbox's Event Grid system topic identity, each on the one resource it writes to.

@description('Required. Name of the app storage account.')
param storageAccountName string

@description('Required. Storage queue Event Grid delivers to.')
param forwardQueueName string

@description('Required. Blob container Event Grid dead-letters to.')
param deadLetterContainerName string

@description('Required. Principal ID of the system topic\'s system-assigned identity.')
param principalId string

@description('Optional. Assign Storage Queue Data Message Sender on the forward queue.')
param assignQueueMessageSender bool = true

@description('Optional. Assign Storage Blob Data Contributor on the dead-letter container.')
param assignDeadLetterWriter bool = true

// Built-in role definition IDs, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles/storage.md).
var storageQueueDataMessageSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource forwardQueue 'queues' existing = {
      name: forwardQueueName
    }
  }

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetterContainer 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

// Storage Queue Data Message Sender: add messages to the forward queue, and to no other queue.
resource queueMessageSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignQueueMessageSender) {
  name: guid(storage::queueService::forwardQueue.id, principalId, storageQueueDataMessageSenderRoleId)
  scope: storage::queueService::forwardQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSenderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Contributor: write dead-lettered events into the dead-letter container, and no other container.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignDeadLetterWriter) {
  name: guid(storage::blobService::deadLetterContainer.id, principalId, storageBlobDataContributorRoleId)
  scope: storage::blobService::deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
