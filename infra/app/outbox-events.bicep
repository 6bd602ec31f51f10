// Event Grid from the outbox to the forwarder: a system topic on the app storage account, and one event subscription
// that puts a Microsoft.Storage.BlobCreated event (EventGrid schema) on the forward queue for every batch written under
// <outbox>/batches/. The system topic's own identity delivers, and dead-letters what it cannot deliver into a
// container of the same account: no key, no SAS, no webhook.

@description('Required. Name of the Event Grid system topic.')
param systemTopicName string

@description('Required. Azure region of the system topic: the region of the storage account.')
param location string

@description('Optional. Tags of the system topic.')
param tags object = {}

@description('Required. Name of the app storage account, the source of the events.')
param storageAccountName string

@description('Required. Outbox container whose batches (blobs under batches/) are announced.')
param outboxContainerName string

@description('Required. Storage queue the events go to (app setting forward_queue).')
param forwardQueueName string

@description('Required. Blob container of the same account that receives the events Event Grid could not deliver.')
param deadLetterContainerName string

@description('Optional. Name of the event subscription.')
param eventSubscriptionName string = 'outbox-batches-to-forward-queue'

@description('Optional. Assign Storage Queue Data Message Sender on the forward queue to the system topic\'s identity.')
param assignQueueMessageSender bool = true

@description('Optional. Assign Storage Blob Data Contributor on the dead-letter container to the system topic\'s identity.')
param assignDeadLetterWriter bool = true

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Storage Queue Data Message Sender on the forward queue and Storage Blob Data Contributor on the dead-letter container,
// for the system topic's identity. A module, so that its principal ID arrives as a parameter and the role assignment
// names stay computable at the start of the deployment.
module access 'outbox-events-access.bicep' = {
  name: 'outboxEventsAccess'
  params: {
    storageAccountName: storageAccountName
    forwardQueueName: forwardQueueName
    deadLetterContainerName: deadLetterContainerName
    principalId: systemTopic.identity.principalId
    assignQueueMessageSender: assignQueueMessageSender
    assignDeadLetterWriter: assignDeadLetterWriter
  }
}

var identity = {
  type: 'SystemAssigned'
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: eventSubscriptionName
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      // src/delivery/outboxBatch.ts OUTBOX_BATCH_PREFIX; the collected/ markers of the same container raise nothing.
      subjectBeginsWith: '/blobServices/default/containers/${outboxContainerName}/blobs/batches/'
      // The host's blob write creates each batch empty before it commits it: that first event is not a batch
      // (src/delivery/blobCreatedEvent.ts ignores it too; filtering here saves the forwarder an invocation).
      advancedFilters: [
        {
          operatorType: 'NumberGreaterThan'
          key: 'data.contentLength'
          value: 0
        }
      ]
    }
    deliveryWithResourceIdentity: {
      identity: identity
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storage.id
          queueName: forwardQueueName
          // -1: the message never expires. An event waits on the queue until the forwarder takes it.
          queueMessageTimeToLiveInSeconds: -1
        }
      }
    }
    // Event Grid's defaults, written out: 30 attempts within 24 hours, then the event is dead-lettered.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: identity
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
  // The identity must hold its roles before the first event is delivered.
  dependsOn: [
    access
  ]
}

@description('Name of the system topic.')
output systemTopicName string = systemTopic.name

@description('Resource ID of the system topic.')
output systemTopicResourceId string = systemTopic.id

@description('Principal ID of the system topic\'s system-assigned identity.')
output principalId string = systemTopic.identity.principalId

@description('Name of the event subscription.')
output eventSubscriptionName string = eventSubscription.name
