/**
 * Names of what the collector sends to Application Insights. The alert rules and workbook in `infra/`
 * query these names, so they are part of the deployment contract: change them together.
 */
export const RUN_EVENT_NAME = 'DefenderAlertsCollection';
/** One per forwarder invocation: a batch of the outbox forwarded to the target. */
export const FORWARD_EVENT_NAME = 'DefenderAlertsForward';
/** One per timer run: the work items it queued. */
export const SCHEDULE_EVENT_NAME = 'DefenderAlertsSchedule';

/** Custom dimensions of the run event. `outcome` is `succeeded` or `failed`. */
export const RUN_DIMENSIONS = [
  'outcome',
  'subscriptionId',
  'outputTarget',
  'dedupeMode',
  'invocationId',
  'dequeueCount',
  /** Why a run was skipped (outcome `skipped`): forbidden, notFound, notRegistered. */
  'reason',
] as const;

/** Custom metrics of a worker run (also sent as measurements of the run event). */
export const METRIC_NAMES = {
  fetched: 'DefenderAlerts.Fetched',
  new: 'DefenderAlerts.New',
  updated: 'DefenderAlerts.Updated',
  unchanged: 'DefenderAlerts.Unchanged',
  duplicates: 'DefenderAlerts.Duplicates',
  filtered: 'DefenderAlerts.Filtered',
  failed: 'DefenderAlerts.Failed',
  oversized: 'DefenderAlerts.Oversized',
  delivered: 'DefenderAlerts.Delivered',
  backlog: 'DefenderAlerts.Backlog',
  pages: 'DefenderAlerts.Pages',
  durationInMs: 'DefenderAlerts.DurationInMs',
  indexSize: 'DefenderAlerts.IndexSize',
  oldestUndeliveredAgeInHours: 'DefenderAlerts.OldestUndeliveredAgeInHours',
  confirmedBatches: 'DefenderAlerts.ConfirmedBatches',
  resentBatches: 'DefenderAlerts.ResentBatches',
  unsettledBatches: 'DefenderAlerts.UnsettledBatches',
  /** The fewest ARM reads left for the subscription during the run: throttling coming shows here. */
  armReadsRemaining: 'DefenderAlerts.ArmReadsRemaining',
  /** Minutes between the timer queuing the work item and this worker run: a queue falling behind shows here. */
  workItemAgeInMinutes: 'DefenderAlerts.WorkItemAgeInMinutes',
} as const;

/** Metrics of the forwarder and the timer. */
export const FORWARD_METRIC_NAMES = {
  forwarded: 'DefenderAlerts.Forwarded',
  forwardOversized: 'DefenderAlerts.ForwardOversized',
} as const;
export const SCHEDULE_METRIC_NAMES = {
  /** Work items queued: one per subscription collected this cycle (0 fires the "nothing discovered" rule). */
  workItems: 'DefenderAlerts.WorkItems',
  disabled: 'DefenderAlerts.Discovery.Disabled',
  deleted: 'DefenderAlerts.Discovery.Deleted',
  otherTenant: 'DefenderAlerts.Discovery.OtherTenant',
  excluded: 'DefenderAlerts.Discovery.Excluded',
  requests: 'DefenderAlerts.Discovery.Requests',
  /** The fewest tenant-level ARM reads left during discovery. */
  tenantReadsRemaining: 'DefenderAlerts.ArmTenantReadsRemaining',
  /** Messages in a poison queue (dimension `queue`): work that failed every attempt and waits for replay. */
  poisonMessages: 'DefenderAlerts.PoisonMessages',
} as const;
