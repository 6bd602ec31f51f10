// Role assignments of the app's managed identity inside the app's resource group.

@description('Required. Name of the app storage account.')
param storageAccountName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Principal ID of the app\'s managed identity.')
param principalId string

@description('Optional. Assign Storage Blob Data Owner on the storage account.')
param assignBlobDataOwner bool = true

@description('Optional. Assign Storage Queue Data Contributor on the storage account.')
param assignQueueDataContributor bool = true

@description('Optional. Assign Monitoring Metrics Publisher on the Application Insights component.')
param assignMetricsPublisher bool = true

// Built-in role definition IDs, verified against Microsoft's built-in roles list (MicrosoftDocs/azure-docs,
// articles/role-based-access-control/built-in-roles.md).
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Storage Blob Data Owner: the host's timer lease and deployment package, the hash index, the outbox (the worker's blob
// output binding, its markers, and the forwarder's reads), the blob output.
// Owner rather than Contributor because the Functions host manages its own containers' leases and metadata.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignBlobDataOwner) {
  name: guid(storage.id, principalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Contributor: the queue triggers of the work and forward queues (which read, delete and move
// messages to their poison queues), the timer's work-queue output binding and its poison-queue counts, and the queue
// output binding of the queue target.
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignQueueDataContributor) {
  name: guid(storage.id, principalId, storageQueueDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher: send telemetry to a component that refuses instrumentation-key ingestion.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignMetricsPublisher) {
  name: guid(applicationInsights.id, principalId, monitoringMetricsPublisherRoleId)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
