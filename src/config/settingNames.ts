/**
 * Every app setting the collector's code reads, by the name users configure. This is the single list that
 * the README table, `local.settings.sample.json` and the Bicep app settings are checked against.
 */
export const SETTING_NAMES = {
  tenantId: 'tenant_id',
  subscriptionId: 'subscription_id',
  subscriptionIds: 'subscription_ids',
  managementGroupId: 'management_group_id',
  excludeSubscriptionIds: 'exclude_subscription_ids',
  maxConcurrentSubscriptions: 'max_concurrent_subscriptions',
  cron: 'cron',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  azureCloud: 'azure_cloud',
  resourceManagerEndpoint: 'resource_manager_endpoint',
  authorityHost: 'authority_host',
  indexContainer: 'index_container',
  indexBlob: 'index_blob',
  outboxContainer: 'outbox_container',
  workQueue: 'work_queue',
  forwardQueue: 'forward_queue',
  dedupeMode: 'dedupe_mode',
  recordFormat: 'record_format',
  maxAlertsPerRun: 'max_alerts_per_run',
  maxPagesPerListing: 'max_pages_per_listing',
  minSeverity: 'min_severity',
  statuses: 'statuses',
  alertTypes: 'alert_types',
  excludeAlertTypes: 'exclude_alert_types',
  includeIncidents: 'include_incidents',
  outputTarget: 'output_target',
  outputConnection: 'output_connection',
  outputBlobContainer: 'output_blob_container',
  outputEventHubName: 'output_eventhub_name',
  outputQueueName: 'output_queue_name',
  outputMaxRecordBytes: 'output_max_record_bytes',
  storageConnection: 'AzureWebJobsStorage',
  storageBlobServiceUri: 'AzureWebJobsStorage__blobServiceUri',
  storageQueueServiceUri: 'AzureWebJobsStorage__queueServiceUri',
  storageClientId: 'AzureWebJobsStorage__clientId',
  appInsightsConnectionString: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
  appInsightsAuthenticationString: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
} as const;

export type SettingName = (typeof SETTING_NAMES)[keyof typeof SETTING_NAMES];

/** Settings whose values are secrets: never logged, never put in telemetry or error messages. */
export const SECRET_SETTING_NAMES: readonly SettingName[] = [
  SETTING_NAMES.clientSecret,
  SETTING_NAMES.storageConnection,
  SETTING_NAMES.appInsightsConnectionString,
];
