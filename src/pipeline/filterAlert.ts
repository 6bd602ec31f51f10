import { SEVERITIES, type AlertFilter } from '../config/alertFilter';

const SEVERITY_RANK = new Map<string, number>(
  SEVERITIES.map((severity, rank) => [severity.toLowerCase(), rank]),
);

/**
 * Whether an alert is delivered under the filter. An alert without a severity (or status, or type) the
 * filter asks about is kept: a filter narrows what is known, it never drops what it cannot judge.
 */
export function passesFilter(alert: unknown, filter: AlertFilter): boolean {
  const properties = (alert as { properties?: Record<string, unknown> } | null)?.properties ?? {};
  const { severity, status, alertType, isIncident } = properties;
  if (filter.minSeverity !== undefined && typeof severity === 'string') {
    const rank = SEVERITY_RANK.get(severity.toLowerCase());
    if (rank !== undefined && rank < SEVERITY_RANK.get(filter.minSeverity.toLowerCase())!) return false;
  }
  if (filter.statuses !== undefined && typeof status === 'string') {
    if (!filter.statuses.some((wanted) => wanted.toLowerCase() === status.toLowerCase())) return false;
  }
  if (typeof alertType === 'string') {
    const type = alertType.toLowerCase();
    if (filter.alertTypes !== undefined && !filter.alertTypes.some((wanted) => wanted.toLowerCase() === type))
      return false;
    if (filter.excludeAlertTypes.some((excluded) => excluded.toLowerCase() === type)) return false;
  }
  if (!filter.includeIncidents && isIncident === true) return false;
  return true;
}
