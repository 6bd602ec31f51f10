// The app's storage account: deployment package, the host's timer lease, the hash index, the outbox and its Event Grid
// dead letters, the work and forward queues with their poison queues, and the blob or queue output.
// Identity only: shared keys are off, so nothing can hold a connection string to it.

@description('Required. Name of the storage account.')
param name string

@description('Required. Azure region of the storage account.')
param location string

@description('Optional. Tags of the storage account.')
param tags object = {}

@description('Required. Blob containers to create: the deployment package, the hash index, the outbox, the Event Grid dead letters and (blob target) the output.')
param containerNames string[]

@description('Required. Storage queues to create: the work and forward queues, their poison queues and (queue target) the output.')
param queueNames string[]

@description('Required. Outbox container (one of containerNames): the lifecycle rule deletes the batches under its batches/ folder.')
param outboxContainerName string

@minValue(1)
@description('Optional. Days an outbox batch is kept after it was written, before the lifecycle rule deletes it.')
param outboxRetentionInDays int = 30

@description('Optional. Refuse every request to the public endpoint except those of trusted Azure services: the app reaches blob and queue through private endpoints, Event Grid delivers with its system-assigned identity under the trusted-services exception.')
param networkIsolation bool = false

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    // Isolated, the public endpoint still exists but admits no network, only the trusted Azure services. Not
    // publicNetworkAccess Disabled: then only private endpoints get through (Azure Storage, 'Change the default network
    // access rule'), and Event Grid, which pushes to a storage queue and dead-letters to a container over the public
    // endpoint, can deliver only under this exception, with a system-assigned identity (Event Grid, 'Storage queue as
    // an event handler').
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkIsolation ? 'Deny' : 'Allow'
      ipRules: []
      virtualNetworkRules: []
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: storage
  name: 'default'
  properties: {
    // The hash index is the collector's only state. Versioning keeps every earlier version of an overwritten index
    // blob; soft delete keeps a deleted blob (with its versions) and a deleted container restorable for a week.
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-09-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-09-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

// One rule: outbox batches (<outbox>/batches/...) go outboxRetentionInDays after they were written, with any earlier
// version of them (versioning keeps the current version as a version when the base blob is deleted). Nothing else is
// deleted: the collected/ markers, the index, the dead letters and the output stay.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-09-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-outbox-batches'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${outboxContainerName}/batches/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: outboxRetentionInDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: outboxRetentionInDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Resource ID of the storage account.')
output resourceId string = storage.id

@description('Blob endpoint, with a trailing slash.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob
