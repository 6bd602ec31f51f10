targetScope = 'subscription'

metadata description = 'Defender for Cloud alerts collector: a Flex Consumption Function App whose timer queues one work item per subscription; a queue-triggered worker lists that subscription\'s Microsoft Defender for Cloud alerts, dedupes them against a hash index blob and writes new ones as a batch to an outbox container; Event Grid announces each batch on a forward queue, whose function writes it to a blob container, an Event Hub or a Storage queue.'

// ------------------------------------------------------------------------------------------------
// Parameters
// ------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment. Seeds every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Required. Azure region of every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional. Name of the resource group to create. Defaults to rg-<environmentName>.')
param resourceGroupName string = ''

// Hourly: every run lists all alerts of the subscription (the API has no "changed since"), so hourly keeps delivery
// within an hour for 24 listings a day, and a whole day of failed runs still leaves the 90-day retention untouched.
@description('Optional. NCRONTAB schedule (6 fields, UTC) of the collection run, app setting cron. Default: hourly, on the hour.')
param cron string = '0 0 */1 * * *'

@allowed([
  'blob'
  'eventhub'
  'queue'
])
@description('Optional. Where new and updated alerts are written: a blob container of the app storage account, an Event Hub, or a Storage queue of the app storage account.')
param outputTarget string = 'blob'

@allowed([
  'content'
  'id'
])
@description('Optional. content: an alert is delivered again when its content changes (status, entities...). id: each alert id is delivered once.')
param dedupeMode string = 'content'

@allowed([
  'raw'
  'envelope'
])
@description('Optional. raw: each record is the alert exactly as the Defender API returns it. envelope: the alert wrapped with collection metadata.')
param recordFormat string = 'raw'

@minValue(1)
@maxValue(1000000)
@description('Optional. Most alerts delivered by one run (app setting max_alerts_per_run); the rest follow in later runs.')
param maxAlertsPerRun int = 10000

@minValue(0)
@maxValue(1000000)
@description('Optional. Largest record written to an Event Hub or a queue, in bytes (app setting output_max_record_bytes). 0 keeps the collector\'s default for the target: 1,000,000 for Event Hubs Standard and above (a new namespace is Standard), 48,000 for a queue. Set 250000 for an existing Event Hubs Basic namespace. Ignored for the blob target.')
param outputMaxRecordBytes int = 0

// Empty means the deployment subscription: an empty default, rather than subscription().subscriptionId, so that azd
// versions that pass an unset variable as '' (before 1.15) still get the default.
@description('Optional. ID of the subscription whose Defender for Cloud alerts are collected (app setting subscription_id). Empty: the deployment subscription, unless subscriptionIds or managementGroupId is set, in which case subscription_id is not set. Security Reader is assigned there through a deployment at that subscription, so the deployer needs Microsoft.Resources/deployments/write and Microsoft.Authorization/roleAssignments/write on it (Owner, or Contributor plus User Access Administrator), or sets assignSecurityReader to false and has the role assigned separately.')
param collectedSubscriptionId string = ''

// The collector's subscription selection (src/config/subscriptionSelection.ts): subscription_id, subscription_ids,
// management_group_id and exclude_subscription_ids, in any combination. Checked below with the collector's own rules.
@description('Optional. More subscriptions to collect (app setting subscription_ids): subscription IDs separated by commas, each receiving Security Reader like collectedSubscriptionId (assignSecurityReader), or * for every subscription the identity can see in this tenant (the roles are then yours to grant, see docs/deploy.md). Empty: not set.')
param subscriptionIds string = ''

@description('Optional. ID (not display name) of a management group whose subscriptions are all collected, its descendants listed every cycle (app setting management_group_id). The identity needs Security Reader and Reader at the group: assignManagementGroupSecurityReader and assignManagementGroupReader, or az role assignment create (docs/deploy.md). Empty: not set.')
param managementGroupId string = ''

@description('Optional. Subscription IDs never collected, separated by commas (app setting exclude_subscription_ids): for subscriptions that subscriptionIds * or managementGroupId would find. Empty: not set.')
param excludeSubscriptionIds string = ''

// One switch per role assignment. Each is named guid(scope, principal, role), so it fails with RoleAssignmentExists
// when the principal already holds the role at that scope under another name (granted by hand, or by another
// template): turn that one off, or leave it to whoever may assign roles there (docs/deploy.md says how).
@description('Optional. Assign Security Reader on the collected subscription, and on each subscription listed in subscriptionIds, to the identity that reads the alerts. Set to false when it already holds it there, or someone else grants it (see docs/deploy.md).')
param assignSecurityReader bool = true

// Off by default, unlike the others: Bicep reaches a management group from this subscription-scope template only
// through a nested deployment at the tenant root (scope tenant()), which needs Microsoft.Resources/deployments/write at
// '/', a right few deployers hold. docs/deploy.md gives the az role assignment create commands instead.
@description('Optional. Assign Security Reader at the management group managementGroupId (inherited by every subscription under it) to the identity that reads the alerts. Off by default: the assignment goes through a deployment at the tenant root, so the deployer needs Microsoft.Resources/deployments/write at / (tenant scope) as well as deployments/write and Microsoft.Authorization/roleAssignments/write at the group. Otherwise assign it with az role assignment create (docs/deploy.md).')
param assignManagementGroupSecurityReader bool = false

@description('Optional. Assign Reader at the management group managementGroupId to the identity that reads the alerts: listing the group\'s descendants needs Microsoft.Management/managementGroups/descendants/read, which neither Security Reader nor Management Group Reader has and no built-in role narrower than Reader (*/read) grants. Off by default, for the same reason and with the same deployer rights as assignManagementGroupSecurityReader.')
param assignManagementGroupReader bool = false

@description('Optional. Assign Storage Blob Data Owner on the storage account to the managed identity (host storage, deployment package, index, outbox, blob output). Set to false when it already holds it there, or someone else grants it.')
param assignStorageBlobDataOwner bool = true

@description('Optional. Assign Storage Queue Data Contributor on the storage account to the managed identity (work and forward queues, poison queues, queue output). Set to false when it already holds it there, or someone else grants it.')
param assignStorageQueueDataContributor bool = true

@description('Optional. Assign Monitoring Metrics Publisher on the Application Insights component to the managed identity (telemetry with Entra ID). Set to false when it already holds it there, or someone else grants it.')
param assignMonitoringMetricsPublisher bool = true

@description('Optional. Assign Azure Event Hubs Data Sender on the hub to the managed identity (outputTarget eventhub). Set to false when it already holds it there, or the hub\'s owner grants it.')
param assignEventHubsDataSender bool = true

@description('Optional. Assign Key Vault Secrets User on the new Key Vault to the managed identity (clientSecret set). Set to false when someone else grants it.')
param assignKeyVaultSecretsUser bool = true

@description('Optional. Assign Storage Queue Data Message Sender on the forward queue to the Event Grid system topic\'s identity. Set to false when someone else grants it.')
param assignStorageQueueDataMessageSender bool = true

@description('Optional. Assign Storage Blob Data Contributor on the dead-letter container to the Event Grid system topic\'s identity. Set to false when someone else grants it.')
param assignStorageBlobDataContributor bool = true

@description('Optional. Application (client) ID of an app registration to read alerts with, instead of the managed identity. Requires clientSecret.')
param clientId string = ''

@secure()
@description('Optional. Client secret of the app registration named by clientId. Stored in a new Key Vault; the app reads it through a Key Vault reference. Leave unset to read alerts with the managed identity.')
param clientSecret string?

@description('Optional. Object ID of the service principal of the app registration (Entra ID > Enterprise applications > Object ID, or az ad sp show --id <clientId> --query id). Receives the roles of the identity that reads the alerts (Security Reader, and Reader at a management group) when clientSecret is set and their assign switches are on.')
param clientPrincipalObjectId string = ''

@description('Optional. Resource ID of an existing Event Hub to write to (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/eventhubs/<hub>). Only with outputTarget eventhub; when empty, a namespace and a hub are created. The template deploys to the hub\'s resource group, so the deployer needs Microsoft.Resources/deployments/write there and, with assignEventHubsDataSender, Microsoft.Authorization/roleAssignments/write on the hub.')
param existingEventHubResourceId string = ''

@description('Optional. Resource ID of an existing action group that the alert rules notify. Leave empty to use alertEmail.')
param alertActionGroupResourceId string = ''

@description('Optional. E-mail address of a new action group that the alert rules notify, when alertActionGroupResourceId is empty. With neither, the rules fire without notifying anyone.')
param alertEmail string = ''

@minValue(1)
@maxValue(48)
@description('Optional. Hours without a successful run before the no-successful-run alert fires. 25 = one day plus the hourly schedule slack. At most 48, the longest range a log alert can query.')
param noSuccessfulRunWindowInHours int = 25

@minValue(1)
@maxValue(48)
@description('Optional. Hours without a successful collection of one subscription before the subscription-not-collected alert fires for it. The rule looks at every subscription with a run in the last 2 days (the longest range a log alert can query), so at most 48. 25 = one day plus the hourly schedule slack.')
param noSuccessfulCollectionWindowInHours int = 25

@minValue(1)
@maxValue(89)
@description('Optional. Age in days of a subscription\'s oldest alert not yet delivered at which the retention alert fires for that subscription. Defender for Cloud keeps alerts 90 days; 75 leaves two weeks to act.')
param oldestUndeliveredAlertThresholdInDays int = 75

@minValue(1)
@maxValue(2880)
@description('Optional. Minutes between the timer queuing a work item and a worker running it above which the work-item-age alert fires. 90 = the hourly cycle plus margin; raise it with a slower cron.')
param workItemMaxAgeInMinutes int = 90

@minValue(1)
@description('Optional. Days an outbox batch (the records a worker handed over, which the forwarder reads and replay can resend) is kept before the storage lifecycle rule deletes it.')
param outboxRetentionInDays int = 30

// Empty means the cloud of this deployment, for the same reason as collectedSubscriptionId.
@allowed([
  ''
  'AzurePublicCloud'
  'AzureUSGovernment'
  'AzureChinaCloud'
])
@description('Optional. Azure cloud of the collected subscription, app setting azure_cloud. Empty: the cloud of this deployment.')
param azureCloud string = ''

// Off by default, like the Flex Consumption quickstart's vnetEnabled: a virtual network and private endpoints cost
// money and change where operator commands can run (docs/deploy.md).
@description('Optional. Network isolation: the app joins a new virtual network and reaches the storage account (blob, queue), the Key Vault and a new Event Hubs namespace through private endpoints; the vault and the namespace refuse their public endpoints, and the storage account admits there only trusted Azure services (the Event Grid delivery). An existing Event Hub is reached as its owner allows.')
param networkIsolation bool = false

@description('Optional. Address space of the virtual network created with networkIsolation, /23 or larger: the first /24 is the app subnet, the second the private endpoint subnet. Pick one that does not overlap networks you will peer with.')
param virtualNetworkAddressPrefix string = '10.0.0.0/16'

// The timer trigger is a singleton (the host holds a blob lease per schedule), but the queue-triggered worker
// (collectSubscription) and forwarder (forwardBatch) scale out with their queues' lengths: one work item per subscription
// and cycle, so with many subscriptions the app runs on several instances, up to this cap. host.json lets one instance
// run batchSize 4 + newBatchThreshold 2 = 6 invocations of each queue-triggered function at once, so at most 6 x this
// cap subscriptions are collected at the same time: 240 with 40, enough for 1,000 subscriptions an hour when a run takes
// under a minute and a half (1,000 / 240 = 4.2 rounds). Each run reads one subscription's alerts, and ARM's read
// limits are buckets per subscription and principal, so more workers don't share one bucket; the tenant bucket is the
// timer's discovery only. 40 is also the lowest value every Flex Consumption API version has accepted (newer ones accept
// 1), and 40 instances of 2,048 MB use 80 GB of the subscription's regional Flex Consumption memory quota.
@minValue(1)
@maxValue(1000)
@description('Optional. Maximum instance count of the Flex Consumption app. The worker (one subscription per invocation) and the forwarder scale out up to it; host.json allows batchSize 4 + newBatchThreshold 2 = 6 concurrent invocations of each per instance, so at most 6 x maximumInstanceCount subscriptions are collected at once (240 with the default 40). Raise it when one cycle cannot collect every subscription within the hour; lower it to spare the regional memory quota.')
param maximumInstanceCount int = 40

// ------------------------------------------------------------------------------------------------
// Names and validation
// ------------------------------------------------------------------------------------------------

// A subscription ID in lower case: 8-4-4-4-12 hexadecimal digits.
func isSubscriptionId(value string) bool =>
  length(value) != 36
    ? false
    : empty(filter(
        range(0, 36),
        i => contains([8, 13, 18, 23], i) ? substring(value, i, 1) != '-' : !contains('0123456789abcdef', substring(value, i, 1))
      ))

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
var virtualNetworkName = '${abbrs.networkVirtualNetworks}${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
// The collector's defaults for these names (src/config/settings.ts); set explicitly so the infra owns them.
var indexContainerName = 'defender-alerts-index'
var outboxContainerName = 'defender-alerts-outbox'
var workQueueName = 'defender-alerts-work'
var forwardQueueName = 'defender-alerts-forward'
// Where the Event Grid subscription dead-letters the events it cannot put on the forward queue.
var deadLetterContainerName = '${outboxContainerName}-deadletter'
// The Functions host moves a message that failed its last attempt to <queue>-poison (src/delivery/poisonQueues.ts);
// they are created here so that the timer's counts and replay find them from the start.
var poisonQueueSuffix = '-poison'
var outputBlobContainerName = 'defender-alerts'
var outputQueueName = 'defender-alerts'
var newEventHubName = 'defender-alerts'

var useClientSecret = !empty(clientSecret ?? '')
var useExistingEventHub = !empty(existingEventHubResourceId)
// subscription_id defaults to the deployment subscription only when nothing else says which subscriptions to collect.
var selectsSubscriptions = !empty(trim(subscriptionIds)) || !empty(trim(managementGroupId))
var collectedSubscription = !empty(collectedSubscriptionId)
  ? collectedSubscriptionId
  : selectsSubscriptions ? '' : subscription().subscriptionId
var collectedCloud = !empty(azureCloud)
  ? azureCloud
  : environment().name == 'AzureUSGovernment'
      ? 'AzureUSGovernment'
      : environment().name == 'AzureChinaCloud' ? 'AzureChinaCloud' : 'AzurePublicCloud'

// Invalid combinations stop the deployment with fail(). Resources use the checked values, never the raw parameters,
// so a check runs wherever its value matters; only ?: and ?? short-circuit, hence the nested ternaries.
var checkedOutputTarget = useExistingEventHub && outputTarget != 'eventhub'
  ? fail('existingEventHubResourceId is set but outputTarget is \'${outputTarget}\'. Set outputTarget to \'eventhub\', or clear existingEventHubResourceId.')
  : outputTarget
// The collector accepts 1024 up to the target's own limit (src/config/settings.ts, RECORD_LIMITS).
var outputMaxRecordBytesLimit = outputTarget == 'queue' ? 48000 : 1000000
var checkedOutputMaxRecordBytes = outputMaxRecordBytes != 0 && (outputMaxRecordBytes < 1024 || outputMaxRecordBytes > outputMaxRecordBytesLimit)
  ? fail('outputMaxRecordBytes is ${outputMaxRecordBytes}, outside 1024 to ${outputMaxRecordBytesLimit} for outputTarget \'${outputTarget}\'. Set a value in that range, or 0 for the collector\'s default.')
  : outputMaxRecordBytes
var checkedClientId = useClientSecret
  ? (empty(clientId)
      ? fail('clientSecret is set but clientId is empty. Set clientId to the Application (client) ID of the app registration the secret belongs to, or clear clientSecret to read alerts with the managed identity.')
      : clientId)
  : (empty(clientId)
      ? ''
      : fail('clientId is set but clientSecret is empty. Set clientSecret too, or clear clientId to read alerts with the managed identity.'))
var checkedClientPrincipalObjectId = useClientSecret
  ? (empty(clientPrincipalObjectId) && (assignSecurityReader || assignManagementGroupRoles)
      ? fail('clientSecret is set, so Security Reader goes to the app registration, but clientPrincipalObjectId is empty. Set it to the service principal object ID (az ad sp show --id <clientId> --query id -o tsv), or set assignSecurityReader (and assignManagementGroupSecurityReader, assignManagementGroupReader) to false and assign the roles yourself.')
      : clientPrincipalObjectId)
  : (empty(clientPrincipalObjectId)
      ? ''
      : fail('clientPrincipalObjectId is set but clientSecret is empty. Without a client secret the managed identity reads the alerts and receives Security Reader; clear clientPrincipalObjectId.'))
var checkedVirtualNetworkAddressPrefix = networkIsolation && int(last(split(virtualNetworkAddressPrefix, '/'))) > 23
  ? fail('virtualNetworkAddressPrefix \'${virtualNetworkAddressPrefix}\' is smaller than /23. Give an address space of /23 or larger, such as 10.0.0.0/16: it holds the app subnet and the private endpoint subnet, a /24 each.')
  : virtualNetworkAddressPrefix
var checkedAlertActionGroupResourceId = !empty(alertActionGroupResourceId) && !empty(alertEmail)
  ? fail('Both alertActionGroupResourceId and alertEmail are set. Set one: an existing action group, or an e-mail address for a new one.')
  : alertActionGroupResourceId

// The subscription selection, read with the collector's rules (src/config/subscriptionSelection.ts) so that a value
// the app would refuse at its first run stops the deployment instead: items separated by commas and trimmed, compared in
// lower case, each a GUID; * alone means every subscription the identity can see; a management group ID is 1 to 90
// letters, digits, -, _, ., ( and ) (Azure's naming rules add: not ending with a period).
var allVisibleSubscriptions = trim(subscriptionIds) == '*'
var listedSubscriptionItems = empty(trim(subscriptionIds)) || allVisibleSubscriptions
  ? []
  : map(split(subscriptionIds, ','), item => toLower(trim(item)))
var excludedSubscriptionItems = empty(trim(excludeSubscriptionIds))
  ? []
  : map(split(excludeSubscriptionIds, ','), item => toLower(trim(item)))
var notSubscriptionIds = filter(listedSubscriptionItems, item => !isSubscriptionId(item))
var notExcludableIds = filter(excludedSubscriptionItems, item => !isSubscriptionId(item))
var checkedSubscriptionIds = contains(listedSubscriptionItems, '*')
  ? fail('subscriptionIds \'${subscriptionIds}\' mixes * with subscription IDs. Set * alone for every subscription the identity can see, or list IDs only.')
  : !empty(notSubscriptionIds)
      ? fail('subscriptionIds \'${subscriptionIds}\': ${join(map(notSubscriptionIds, item => '\'${item}\''), ', ')} is not a subscription ID. Give subscription IDs (8-4-4-4-12 hexadecimal digits) separated by commas, or * alone.')
      : allVisibleSubscriptions ? '*' : join(union(listedSubscriptionItems, []), ',')
var listedSubscriptions = empty(checkedSubscriptionIds) || checkedSubscriptionIds == '*'
  ? []
  : split(checkedSubscriptionIds, ',')

var managementGroupIdCharacters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.()'
var managementGroupIdRefused = union(
  filter(
    map(range(0, length(trim(managementGroupId))), i => substring(trim(managementGroupId), i, 1)),
    character => !contains(managementGroupIdCharacters, character)
  ),
  []
)
var checkedManagementGroupId = empty(trim(managementGroupId))
  ? ''
  : length(trim(managementGroupId)) > 90
      ? fail('managementGroupId \'${managementGroupId}\' is longer than 90 characters, the most a management group ID has. Give the group\'s ID (Management groups > the group > ID), not its display name.')
      : !empty(managementGroupIdRefused)
          ? fail('managementGroupId \'${managementGroupId}\' contains ${join(map(managementGroupIdRefused, character => '\'${character}\''), ', ')}, which Azure refuses in a management group ID (letters, digits, -, _, ., ( and ) only). Give the group\'s ID, not its display name or its resource ID /providers/Microsoft.Management/managementGroups/<id>.')
          : endsWith(trim(managementGroupId), '.')
              ? fail('managementGroupId \'${managementGroupId}\' ends with a period, which Azure refuses in a management group ID. Give the group\'s ID.')
              : trim(managementGroupId)

// Exclusions take effect on discovered subscriptions: a subscription both named and excluded, or exclusions with
// nothing discovered, is a mistake the collector would carry out silently.
var namedSubscriptions = union(empty(collectedSubscriptionId) ? [] : [toLower(trim(collectedSubscriptionId))], listedSubscriptions)
var namedAndExcluded = intersection(namedSubscriptions, excludedSubscriptionItems)
var checkedExcludeSubscriptionIds = !empty(notExcludableIds)
  ? fail('excludeSubscriptionIds \'${excludeSubscriptionIds}\': ${join(map(notExcludableIds, item => '\'${item}\''), ', ')} is not a subscription ID. Give subscription IDs separated by commas.')
  : !empty(namedAndExcluded)
      ? fail('${join(namedAndExcluded, ', ')} is both named (collectedSubscriptionId or subscriptionIds) and excluded (excludeSubscriptionIds). Remove it from one of them.')
      : !empty(excludedSubscriptionItems) && !allVisibleSubscriptions && empty(checkedManagementGroupId)
          ? fail('excludeSubscriptionIds is set, but nothing is discovered for it to exclude from: exclusions apply to subscriptionIds * and managementGroupId. Set one of them, or clear excludeSubscriptionIds.')
          : join(union(excludedSubscriptionItems, []), ',')

// The management group roles go through a deployment at the tenant root (see assignManagementGroupSecurityReader).
var assignManagementGroupRoles = assignManagementGroupSecurityReader || assignManagementGroupReader
var checkedAssignManagementGroupRoles = assignManagementGroupRoles && empty(checkedManagementGroupId)
  ? fail('assignManagementGroupSecurityReader or assignManagementGroupReader is true but managementGroupId is empty. Set managementGroupId, or turn both off.')
  : assignManagementGroupRoles

// Security Reader on each subscription named one by one; * and management groups are covered at the group, or by hand.
var securityReaderSubscriptions = union(empty(collectedSubscription) ? [] : [toLower(collectedSubscription)], listedSubscriptions)

// /subscriptions/{2}/resourceGroups/{4}/providers/Microsoft.EventHub/namespaces/{8}/eventhubs/{10}: a short ID is
// reported before it is indexed.
var rawEventHubIdParts = split(existingEventHubResourceId, '/')
var checkedExistingEventHubResourceId = !useExistingEventHub
  ? ''
  : length(rawEventHubIdParts) != 11
      ? fail('existingEventHubResourceId \'${existingEventHubResourceId}\' is not an Event Hub resource ID. Expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/eventhubs/<hub>.')
      : toLower(rawEventHubIdParts[6]) != 'microsoft.eventhub' || toLower(rawEventHubIdParts[9]) != 'eventhubs'
          ? fail('existingEventHubResourceId \'${existingEventHubResourceId}\' is not an Event Hub resource ID. Expected /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.EventHub/namespaces/<namespace>/eventhubs/<hub>.')
          : existingEventHubResourceId
var eventHubIdParts = split(checkedExistingEventHubResourceId, '/')
var eventHubSubscriptionId = useExistingEventHub ? eventHubIdParts[2] : subscription().subscriptionId
var eventHubResourceGroupName = useExistingEventHub ? eventHubIdParts[4] : rg.name
var eventHubNamespaceName = useExistingEventHub ? eventHubIdParts[8] : '${abbrs.eventHubNamespaces}${resourceToken}'
var eventHubName = useExistingEventHub ? eventHubIdParts[10] : newEventHubName

// ------------------------------------------------------------------------------------------------
// Resources
// ------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The one identity of the app: storage, Application Insights, Event Hubs, Key Vault and the Defender API.
module identity 'app/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containerNames: union(
      [deploymentStorageContainerName, indexContainerName, outboxContainerName, deadLetterContainerName],
      checkedOutputTarget == 'blob' ? [outputBlobContainerName] : []
    )
    queueNames: union(
      [
        workQueueName
        '${workQueueName}${poisonQueueSuffix}'
        forwardQueueName
        '${forwardQueueName}${poisonQueueSuffix}'
      ],
      checkedOutputTarget == 'queue' ? [outputQueueName] : []
    )
    outboxContainerName: outboxContainerName
    outboxRetentionInDays: outboxRetentionInDays
    networkIsolation: networkIsolation
  }
}

// Outbox batch written -> BlobCreated event on the forward queue, delivered by the system topic's own identity.
module outboxEvents 'app/outbox-events.bicep' = {
  name: 'outboxEvents'
  scope: rg
  params: {
    assignQueueMessageSender: assignStorageQueueDataMessageSender
    assignDeadLetterWriter: assignStorageBlobDataContributor
    systemTopicName: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    outboxContainerName: outboxContainerName
    forwardQueueName: forwardQueueName
    deadLetterContainerName: deadLetterContainerName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
  }
}

module eventHub 'app/eventhub.bicep' = if (checkedOutputTarget == 'eventhub' && !useExistingEventHub) {
  name: 'eventHub'
  scope: rg
  params: {
    namespaceName: eventHubNamespaceName
    eventHubName: eventHubName
    location: location
    tags: tags
    networkIsolation: networkIsolation
  }
}

// Azure Event Hubs Data Sender on the hub, new or existing; an existing hub may sit in another resource group.
module eventHubAccess 'app/eventhub-access.bicep' = if (checkedOutputTarget == 'eventhub') {
  name: 'eventHubAccess-${resourceToken}'
  scope: resourceGroup(eventHubSubscriptionId, eventHubResourceGroupName)
  params: {
    assignDataSender: assignEventHubsDataSender
    namespaceName: eventHubNamespaceName
    eventHubName: eventHubName
    principalId: identity.outputs.principalId
  }
  dependsOn: [
    eventHub
  ]
}

module keyVault 'app/keyvault.bicep' = if (useClientSecret) {
  name: 'keyVault'
  scope: rg
  params: {
    assignSecretsUser: assignKeyVaultSecretsUser
    name: keyVaultName
    location: location
    tags: tags
    clientSecret: clientSecret!
    principalId: identity.outputs.principalId
    networkIsolation: networkIsolation
  }
}

// Storage Blob Data Owner, Storage Queue Data Contributor and Monitoring Metrics Publisher.
module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    assignBlobDataOwner: assignStorageBlobDataOwner
    assignQueueDataContributor: assignStorageQueueDataContributor
    assignMetricsPublisher: assignMonitoringMetricsPublisher
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
  }
}

// Security Reader on the collected subscription and on each one subscriptionIds lists: the managed identity, or the app
// registration when a secret is used. Each deployment is in its own subscription, so one name serves them all.
module securityReader 'app/rbac-subscription.bicep' = [
  for subscriptionId in securityReaderSubscriptions: if (assignSecurityReader) {
    name: 'securityReader-${resourceToken}'
    scope: subscription(subscriptionId)
    params: {
      principalId: empty(checkedClientPrincipalObjectId) ? identity.outputs.principalId : checkedClientPrincipalObjectId
    }
  }
]

// Security Reader and Reader at the management group, through a deployment at the tenant root: a subscription-scope
// template can deploy to tenant() but not to managementGroup() (Bicep BCP115), and a tenant-scope one can.
module managementGroupAccess 'app/management-group-access.bicep' = if (checkedAssignManagementGroupRoles) {
  name: 'managementGroupAccess-${resourceToken}'
  scope: tenant()
  params: {
    managementGroupId: checkedManagementGroupId
    deploymentName: 'managementGroupAccess-${resourceToken}'
    assignSecurityReader: assignManagementGroupSecurityReader
    assignReader: assignManagementGroupReader
    principalId: empty(checkedClientPrincipalObjectId) ? identity.outputs.principalId : checkedClientPrincipalObjectId
  }
}

// Network isolation: the virtual network, and a private endpoint with its private DNS zone for each service the app
// reaches in this deployment.
module network 'app/network.bicep' = if (networkIsolation) {
  name: 'network'
  scope: rg
  params: {
    name: virtualNetworkName
    location: location
    tags: tags
    addressPrefix: checkedVirtualNetworkAddressPrefix
  }
}

module blobEndpoint 'app/private-endpoint.bicep' = if (networkIsolation) {
  name: 'blobEndpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}${storageAccountName}-blob'
    location: location
    tags: tags
    subnetResourceId: network!.outputs.privateEndpointSubnetResourceId
    virtualNetworkResourceId: network!.outputs.resourceId
    serviceResourceId: storage.outputs.resourceId
    groupId: 'blob'
    privateDnsZoneName: 'privatelink.blob.${environment().suffixes.storage}'
  }
}

module queueEndpoint 'app/private-endpoint.bicep' = if (networkIsolation) {
  name: 'queueEndpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}${storageAccountName}-queue'
    location: location
    tags: tags
    subnetResourceId: network!.outputs.privateEndpointSubnetResourceId
    virtualNetworkResourceId: network!.outputs.resourceId
    serviceResourceId: storage.outputs.resourceId
    groupId: 'queue'
    privateDnsZoneName: 'privatelink.queue.${environment().suffixes.storage}'
  }
}

module vaultEndpoint 'app/private-endpoint.bicep' = if (networkIsolation && useClientSecret) {
  name: 'vaultEndpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}${keyVaultName}'
    location: location
    tags: tags
    subnetResourceId: network!.outputs.privateEndpointSubnetResourceId
    virtualNetworkResourceId: network!.outputs.resourceId
    serviceResourceId: keyVault!.outputs.resourceId
    groupId: 'vault'
    // keyvaultDns is .vault.azure.net (or the cloud's own): the private zone is privatelink.vaultcore.azure.net.
    privateDnsZoneName: 'privatelink${replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.')}'
  }
}

// Only for a namespace this deployment creates: a private endpoint to an existing one is its owner's to approve.
module eventHubEndpoint 'app/private-endpoint.bicep' = if (networkIsolation && checkedOutputTarget == 'eventhub' && !useExistingEventHub) {
  name: 'eventHubEndpoint'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}${eventHubNamespaceName}'
    location: location
    tags: tags
    subnetResourceId: network!.outputs.privateEndpointSubnetResourceId
    virtualNetworkResourceId: network!.outputs.resourceId
    serviceResourceId: eventHub!.outputs.namespaceResourceId
    groupId: 'namespace'
    privateDnsZoneName: eventHub!.outputs.privateDnsZoneName
  }
}

module functionApp 'app/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    maximumInstanceCount: maximumInstanceCount
    cron: cron
    collectedSubscriptionId: collectedSubscription
    subscriptionIds: checkedSubscriptionIds
    managementGroupId: checkedManagementGroupId
    excludeSubscriptionIds: checkedExcludeSubscriptionIds
    collectorClientId: empty(checkedClientId) ? identity.outputs.clientId : checkedClientId
    clientCredentialUri: useClientSecret ? keyVault!.outputs.clientCredentialUri : ''
    azureCloud: collectedCloud
    outputTarget: checkedOutputTarget
    dedupeMode: dedupeMode
    recordFormat: recordFormat
    maxAlertsPerRun: maxAlertsPerRun
    outputMaxRecordBytes: checkedOutputMaxRecordBytes
    indexContainerName: indexContainerName
    outboxContainerName: outboxContainerName
    workQueueName: workQueueName
    forwardQueueName: forwardQueueName
    outputBlobContainerName: outputBlobContainerName
    outputQueueName: outputQueueName
    eventHubName: eventHubName
    eventHubFullyQualifiedNamespace: checkedOutputTarget == 'eventhub'
      ? eventHubAccess!.outputs.fullyQualifiedNamespace
      : ''
    virtualNetworkSubnetId: networkIsolation ? network!.outputs.appSubnetResourceId : ''
  }
  // The app starts and resolves its Key Vault reference as soon as it exists: grant its roles, and with network
  // isolation open its private endpoints, first. Its batches raise events only once the event subscription exists.
  dependsOn: [
    rbac
    outboxEvents
    blobEndpoint
    queueEndpoint
    vaultEndpoint
    eventHubEndpoint
  ]
}

module alerts 'app/monitoring-alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: '${abbrs.insightsScheduledQueryRules}${resourceToken}'
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    alertActionGroupResourceId: checkedAlertActionGroupResourceId
    alertEmail: alertEmail
    noSuccessfulRunWindowInHours: noSuccessfulRunWindowInHours
    noSuccessfulCollectionWindowInHours: noSuccessfulCollectionWindowInHours
    oldestUndeliveredAlertThresholdInDays: oldestUndeliveredAlertThresholdInDays
    workItemMaxAgeInMinutes: workItemMaxAgeInMinutes
    systemTopicName: outboxEvents.outputs.systemTopicName
  }
}

// ------------------------------------------------------------------------------------------------
// Outputs (azd stores them in .azure/<env>/.env)
// ------------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_COLLECTOR_NAME string = functionApp.outputs.name
// Flex Consumption apps can get a unique default host name (<app>-<hash>.<region>.azurewebsites.net): read this one
// rather than composing <app>.azurewebsites.net.
output AZURE_FUNCTION_APP_HOST_NAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_KEY_VAULT_NAME string = useClientSecret ? keyVault!.outputs.name : ''
output DEFENDER_COLLECTED_SUBSCRIPTION_ID string = collectedSubscription
output DEFENDER_OUTBOX_CONTAINER string = outboxContainerName
output DEFENDER_WORK_QUEUE string = workQueueName
output DEFENDER_FORWARD_QUEUE string = forwardQueueName
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = outboxEvents.outputs.systemTopicName
output AZURE_EVENTGRID_SYSTEM_TOPIC_PRINCIPAL_ID string = outboxEvents.outputs.principalId
output AZURE_VIRTUAL_NETWORK_NAME string = networkIsolation ? virtualNetworkName : ''
output DEFENDER_OUTPUT_TARGET_NAME string = checkedOutputTarget == 'eventhub'
  ? '${eventHubNamespaceName}/${eventHubName}'
  : checkedOutputTarget == 'queue' ? outputQueueName : outputBlobContainerName
