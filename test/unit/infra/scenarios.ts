/**
 * Parameter sets the template tests deploy main.bicep with (as Bicep deployment snapshots), one per way of using
 * the collector, and small readers over what a snapshot predicts.
 */
import {
  deploymentSnapshot,
  SNAPSHOT_CONTEXT,
  type DeploymentSnapshot,
  type PredictedResource,
} from '../../support/bicep';

/** Another subscription, holding an existing Event Hub and action group, or the alerts collected. */
export const OTHER_SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000b2';
export const EXISTING_EVENT_HUB_ID = `/subscriptions/${OTHER_SUBSCRIPTION_ID}/resourceGroups/rg-siem/providers/Microsoft.EventHub/namespaces/evhns-siem/eventhubs/defender`;
export const EXISTING_ACTION_GROUP_ID = `/subscriptions/${OTHER_SUBSCRIPTION_ID}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ag-secops`;
/** Subscriptions of the tenant-wide scenarios, and the management group they are collected under. */
export const LISTED_SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000b3';
export const EXCLUDED_SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000b4';
export const MANAGEMENT_GROUP_ID = 'contoso-security';
export const APP_REGISTRATION = {
  clientId: '00000000-0000-0000-0000-0000000000c1',
  principalObjectId: '00000000-0000-0000-0000-0000000000c2',
} as const;

const REQUIRED = { environmentName: 'collector-test', location: SNAPSHOT_CONTEXT.location } as const;

export const SCENARIOS = {
  /** Every default: blob output, managed identity, no notification. */
  blob: { ...REQUIRED },
  queue: { ...REQUIRED, outputTarget: 'queue' },
  newEventHub: { ...REQUIRED, outputTarget: 'eventhub' },
  existingEventHub: {
    ...REQUIRED,
    outputTarget: 'eventhub',
    existingEventHubResourceId: EXISTING_EVENT_HUB_ID,
    alertActionGroupResourceId: EXISTING_ACTION_GROUP_ID,
  },
  /**
   * An app registration with a client secret reads the alerts of another subscription; alerts go by e-mail; the
   * alert thresholds and the outbox retention are not the defaults.
   */
  appRegistration: {
    ...REQUIRED,
    clientId: APP_REGISTRATION.clientId,
    clientSecret: 'not-a-real-secret',
    clientPrincipalObjectId: APP_REGISTRATION.principalObjectId,
    collectedSubscriptionId: OTHER_SUBSCRIPTION_ID,
    alertEmail: 'secops@example.com',
    noSuccessfulRunWindowInHours: 30,
    oldestUndeliveredAlertThresholdInDays: 60,
    workItemMaxAgeInMinutes: 150,
    outboxRetentionInDays: 14,
  },
  /**
   * Network isolation with every private endpoint the template can make: a new hub, and a Key Vault for the app
   * registration's secret; the address space is not the default.
   */
  isolated: {
    ...REQUIRED,
    networkIsolation: true,
    virtualNetworkAddressPrefix: '10.42.0.0/20',
    outputTarget: 'eventhub',
    clientId: APP_REGISTRATION.clientId,
    clientSecret: 'not-a-real-secret',
    clientPrincipalObjectId: APP_REGISTRATION.principalObjectId,
  },
  /**
   * Every role assignment turned off, as when the principals already hold their roles or someone else grants them: a
   * new hub and a Key Vault, so that every assignment the template can make is there to be left out.
   */
  noRoleAssignments: {
    ...REQUIRED,
    outputTarget: 'eventhub',
    clientId: APP_REGISTRATION.clientId,
    clientSecret: 'not-a-real-secret',
    assignSecurityReader: false,
    assignStorageBlobDataOwner: false,
    assignStorageQueueDataContributor: false,
    assignMonitoringMetricsPublisher: false,
    assignEventHubsDataSender: false,
    assignKeyVaultSecretsUser: false,
    assignStorageQueueDataMessageSender: false,
    assignStorageBlobDataContributor: false,
  },
  /**
   * A tenant-wide deployment: every subscription under a management group, two more listed (written with spaces and
   * upper case, as people type them), one excluded, the management group roles assigned by the template, a non-default
   * per-subscription window.
   */
  tenantWide: {
    ...REQUIRED,
    managementGroupId: MANAGEMENT_GROUP_ID,
    subscriptionIds: ` ${OTHER_SUBSCRIPTION_ID.toUpperCase()} ,${LISTED_SUBSCRIPTION_ID}`,
    excludeSubscriptionIds: EXCLUDED_SUBSCRIPTION_ID,
    assignManagementGroupSecurityReader: true,
    assignManagementGroupReader: true,
    noSuccessfulCollectionWindowInHours: 30,
  },
  /** Every subscription the identity can see, but one; the roles are granted by hand. */
  allVisible: {
    ...REQUIRED,
    subscriptionIds: '*',
    excludeSubscriptionIds: EXCLUDED_SUBSCRIPTION_ID,
  },
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The snapshot of a scenario (compiled once per infra/ change, then read from the cache). */
export function snapshotOf(scenario: ScenarioName): DeploymentSnapshot {
  return deploymentSnapshot(SCENARIOS[scenario]);
}

/** The predicted resources of a type. */
export function resourcesOfType(snapshot: DeploymentSnapshot, type: string): PredictedResource[] {
  return snapshot.predictedResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The one predicted resource of a type, or a failure that says how many there are. */
export function onlyResource(snapshot: DeploymentSnapshot, type: string): PredictedResource {
  const found = resourcesOfType(snapshot, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** Resource ID of the resource group every scenario creates. */
export const RESOURCE_GROUP_ID = `/subscriptions/${SNAPSHOT_CONTEXT.subscriptionId}/resourceGroups/rg-${REQUIRED.environmentName}`;
