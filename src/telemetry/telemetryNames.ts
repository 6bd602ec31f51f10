/**
 * Names of what the collector sends to Application Insights. The alert rules and workbook in `infra/`
 * query these names, so they are part of the deployment contract: change them together.
 */
export const RUN_EVENT_NAME = 'DefenderAlertsCollection';

/** Custom dimensions of the run event. `outcome` is `succeeded` or `failed`. */
export const RUN_DIMENSIONS = [
  'outcome',
  'subscriptionId',
  'outputTarget',
  'dedupeMode',
  'invocationId',
] as const;

/** Custom metrics (also sent as measurements of the run event). */
export const METRIC_NAMES = {
  fetched: 'DefenderAlerts.Fetched',
  new: 'DefenderAlerts.New',
  updated: 'DefenderAlerts.Updated',
  unchanged: 'DefenderAlerts.Unchanged',
  duplicates: 'DefenderAlerts.Duplicates',
  failed: 'DefenderAlerts.Failed',
  oversized: 'DefenderAlerts.Oversized',
  delivered: 'DefenderAlerts.Delivered',
  backlog: 'DefenderAlerts.Backlog',
  pages: 'DefenderAlerts.Pages',
  durationInMs: 'DefenderAlerts.DurationInMs',
  indexSize: 'DefenderAlerts.IndexSize',
  oldestUndeliveredAgeInHours: 'DefenderAlerts.OldestUndeliveredAgeInHours',
} as const;
