// Flex Consumption plan and the collector's Function App (Linux, Node.js 22), running as one user-assigned identity.
// The app settings below are the contract with src/config/settingNames.ts: test/unit/infra checks both ways.

@description('Required. Name of the Function App.')
param name string

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Azure region of the plan and the app.')
param location string

@description('Optional. Tags of the plan and the app.')
param tags object = {}

@description('Required. Resource ID of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Required. Client ID of that managed identity.')
param identityClientId string

@description('Required. Name of the storage account for AzureWebJobsStorage, the deployment package, the index, the outbox, the work and forward queues and blob/queue output.')
param storageAccountName string

@description('Required. Blob container that holds the deployment package.')
param deploymentStorageContainerName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@minValue(1)
@maxValue(1000)
@description('Required. Maximum instance count of the app.')
param maximumInstanceCount int

@description('Required. NCRONTAB schedule of the run (app setting cron).')
param cron string

@description('Optional. Subscription whose alerts are collected (app setting subscription_id). Empty: not set, when subscriptionIds or managementGroupId say which subscriptions to collect.')
param collectedSubscriptionId string = ''

@description('Optional. More subscriptions to collect: comma-separated IDs, or * for every subscription the identity can see (app setting subscription_ids). Empty: not set.')
param subscriptionIds string = ''

@description('Optional. Collect every subscription under this management group (app setting management_group_id). Empty: not set.')
param managementGroupId string = ''

@description('Optional. Subscriptions never collected, comma-separated (app setting exclude_subscription_ids). Empty: not set.')
param excludeSubscriptionIds string = ''

@description('Required. Client ID the collector signs in with: the managed identity, or the app registration when a client secret is used (app setting client_id).')
param collectorClientId string

// Not named clientSecret...: it holds a URI, not the secret, and the secure-secrets-in-params rule goes by name.
@description('Optional. Key Vault secret URI of the app registration\'s client secret. Empty: no client_secret setting.')
param clientCredentialUri string = ''

@description('Required. Azure cloud of the collected subscription (app setting azure_cloud).')
param azureCloud string

@allowed([
  'blob'
  'eventhub'
  'queue'
])
@description('Required. Output target (app setting output_target).')
param outputTarget string

@description('Required. Dedupe mode (app setting dedupe_mode).')
param dedupeMode string

@description('Required. Record format (app setting record_format).')
param recordFormat string

@description('Required. Most alerts delivered per run (app setting max_alerts_per_run).')
param maxAlertsPerRun int

@minValue(0)
@maxValue(1000000)
@description('Optional. Largest record for the eventhub and queue targets (app setting output_max_record_bytes). 0: not set, the collector\'s default for the target applies.')
param outputMaxRecordBytes int = 0

@description('Required. Blob container of the hash index (app setting index_container).')
param indexContainerName string

@description('Required. Blob container the workers write their batches to (app setting outbox_container).')
param outboxContainerName string

@description('Required. Storage queue of the work items, one per subscription and cycle (app setting work_queue).')
param workQueueName string

@description('Required. Storage queue of the outbox batches to forward, fed by Event Grid (app setting forward_queue).')
param forwardQueueName string

@description('Required. Blob container of the blob output (app setting output_blob_container).')
param outputBlobContainerName string

@description('Required. Storage queue of the queue output (app setting output_queue_name).')
param outputQueueName string

@description('Required. Event Hub of the Event Hubs output (app setting output_eventhub_name).')
param eventHubName string

@description('Optional. Fully qualified Event Hubs namespace: its host name, without scheme or port. Required for the eventhub target.')
param eventHubFullyQualifiedNamespace string = ''

@description('Optional. Resource ID of the subnet the app joins (VNet integration, delegated to Microsoft.App/environments). Empty: no virtual network.')
param virtualNetworkSubnetId string = ''

@description('Optional. Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The output binding's connection: the host's own storage connection for blob and queue, a separate identity-based
// Event Hubs connection for eventhub.
var outputConnectionName = outputTarget == 'eventhub' ? 'EventHubConnection' : 'AzureWebJobsStorage'

// Read by the Functions host and by the collector (the index, the outbox and the poison-queue counts use the same
// identity-based storage connection). Queues are always used: the work and forward queue triggers.
var hostSettings = [
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storage.properties.primaryEndpoints.blob
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storage.properties.primaryEndpoints.queue
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
]

// Read by the collector: src/config/settingNames.ts.
var collectorSettings = [
  {
    name: 'cron'
    value: cron
  }
  {
    name: 'tenant_id'
    value: tenant().tenantId
  }
  {
    name: 'client_id'
    value: collectorClientId
  }
  {
    name: 'azure_cloud'
    value: azureCloud
  }
  {
    name: 'output_target'
    value: outputTarget
  }
  {
    name: 'dedupe_mode'
    value: dedupeMode
  }
  {
    name: 'record_format'
    value: recordFormat
  }
  {
    name: 'max_alerts_per_run'
    value: string(maxAlertsPerRun)
  }
  {
    name: 'index_container'
    value: indexContainerName
  }
  {
    name: 'outbox_container'
    value: outboxContainerName
  }
  {
    name: 'work_queue'
    value: workQueueName
  }
  {
    name: 'forward_queue'
    value: forwardQueueName
  }
  {
    name: 'output_connection'
    value: outputConnectionName
  }
]

var clientSecretSettings = empty(clientCredentialUri)
  ? []
  : [
      {
        name: 'client_secret'
        value: '@Microsoft.KeyVault(SecretUri=${clientCredentialUri})'
      }
    ]

var blobOutputSettings = outputTarget == 'blob'
  ? [
      {
        name: 'output_blob_container'
        value: outputBlobContainerName
      }
    ]
  : []

// Set only when given: the collector reads an empty setting as unset anyway, and the portal stays tidy.
var subscriptionSelectionSettings = concat(
  empty(collectedSubscriptionId) ? [] : [{ name: 'subscription_id', value: collectedSubscriptionId }],
  empty(subscriptionIds) ? [] : [{ name: 'subscription_ids', value: subscriptionIds }],
  empty(managementGroupId) ? [] : [{ name: 'management_group_id', value: managementGroupId }],
  empty(excludeSubscriptionIds) ? [] : [{ name: 'exclude_subscription_ids', value: excludeSubscriptionIds }]
)

var queueOutputSettings = outputTarget == 'queue'
  ? [
      {
        name: 'output_queue_name'
        value: outputQueueName
      }
    ]
  : []

var eventHubOutputSettings = outputTarget == 'eventhub'
  ? [
      {
        name: 'EventHubConnection__fullyQualifiedNamespace'
        value: eventHubFullyQualifiedNamespace
      }
      {
        name: 'EventHubConnection__credential'
        value: 'managedidentity'
      }
      {
        name: 'EventHubConnection__clientId'
        value: identityClientId
      }
      {
        name: 'output_eventhub_name'
        value: eventHubName
      }
    ]
  : []

// Blobs have no record limit; the other targets take the collector's default unless a value is given.
var recordLimitSettings = outputTarget != 'blob' && outputMaxRecordBytes != 0
  ? [
      {
        name: 'output_max_record_bytes'
        value: string(outputMaxRecordBytes)
      }
    ]
  : []

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd deploys the service 'collector' of azure.yaml to the app carrying this tag.
  tags: union(tags, {
    'azd-service-name': 'collector'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound traffic goes through the virtual network, where private endpoints answer for storage, Key Vault and Event
    // Hubs. Inbound stays public: deployments and the admin endpoint use it, and no function has an HTTP trigger.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    // Without this, Key Vault references are resolved with a system-assigned identity, which the app doesn't have.
    keyVaultReferenceIdentity: identityResourceId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(
        hostSettings,
        collectorSettings,
        subscriptionSelectionSettings,
        clientSecretSettings,
        blobOutputSettings,
        queueOutputSettings,
        eventHubOutputSettings,
        recordLimitSettings
      )
    }
  }
}

// No basic (user name and password) authentication to the FTP and SCM (Kudu) endpoints: deployments sign in with
// Entra ID (azd, func and az use the signed-in account). ftpsState Disabled above turns FTP off as well.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the Function App.')
output name string = functionApp.name

@description('Default host name of the Function App.')
output defaultHostName string = functionApp.properties.defaultHostName
