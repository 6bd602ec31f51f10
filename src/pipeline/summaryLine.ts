import type { RunSummary } from './collectAlerts';

/** The one-line run summary, the same in the function's log and the local runner's output. */
export function summaryLine(summary: RunSummary): string {
  const parts = [
    `fetched=${summary.fetched}`,
    `new=${summary.new}`,
    `updated=${summary.updated}`,
    `unchanged=${summary.unchanged}`,
    `failed=${summary.failed}`,
    `pages=${summary.pages}`,
    `duration=${(summary.durationInMs / 1000).toFixed(2)}s`,
    `delivered=${summary.delivered}`,
  ];
  if (summary.backlog > 0) parts.push(`backlog=${summary.backlog}`);
  if (summary.oversized > 0) parts.push(`oversized=${summary.oversized}`);
  if (summary.inFlight > 0) parts.push(`inFlight=${summary.inFlight}`);
  if (summary.duplicates > 0) parts.push(`duplicates=${summary.duplicates}`);
  if (summary.filtered > 0) parts.push(`filtered=${summary.filtered}`);
  if (summary.resentBatches > 0) parts.push(`resentBatches=${summary.resentBatches}`);
  return `Collected Defender for Cloud alerts: ${parts.join(' ')}`;
}
