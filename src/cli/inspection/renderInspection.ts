import type { SubscriptionInspection } from './inspectSubscription';

/** What `inspect` prints: `--json` prints this document as it is. */
export interface Inspection {
  inspectedAt: string;
  /** The outbox hour partitions counted, first and last (`yyyy/MM/dd/HH`). */
  outboxWindow: { fromPartition: string; toPartition: string };
  subscriptions: SubscriptionInspection[];
  /** Approximate message count of each poison queue, by queue name. */
  poisonQueues: Record<string, number>;
}

const LABEL_WIDTH = 20;

/** The inspection as compact lines for a terminal: one block per subscription, then the shared queues. */
export function renderInspection(inspection: Inspection): string {
  const now = Date.parse(inspection.inspectedAt);
  const lines = inspection.subscriptions.flatMap((subscription) => renderSubscription(subscription, now));
  const poison = Object.entries(inspection.poisonQueues).map(([name, count]) => `${name} ${count}`);
  const { fromPartition, toPartition } = inspection.outboxWindow;
  lines.push(
    `poison queues: ${poison.join(', ')}`,
    `outbox window: hour partitions ${fromPartition} to ${toPartition}; alerts that max_alerts_per_run left ` +
      'for a later run are not in the index (the run summaries count them as backlog)',
  );
  return lines.join('\n') + '\n';
}

function renderSubscription(subscription: SubscriptionInspection, now: number): string[] {
  const { index, collectionMarker, outbox } = subscription;
  const row = (label: string, value: string) => `  ${label.padEnd(LABEL_WIDTH)}${value}`;
  const lines = [`subscription ${subscription.subscriptionId}`];
  if (subscription.problem !== null) lines.push(row('PROBLEM', subscription.problem));
  if (!index.exists) lines.push(row('index', `${index.blob}: none`));
  else if (index.updatedAt === null) lines.push(row('index', `${index.blob}: ${bytes(index.sizeInBytes)}`));
  else {
    const at = (iso: string) => `${iso} (${age(now - Date.parse(iso))} ago)`;
    const oldest = index.oldestNeverDeliveredFirstSeenAt;
    lines.push(
      row('index', `${index.blob}: ${count(index.entries, 'entry', 'entries')}, ${bytes(index.sizeInBytes)}`),
      row('index written', at(index.updatedAt)),
      row(
        'entries',
        `delivered ${index.delivered}, pending ${index.pending}, undelivered ${index.undelivered}`,
      ),
      row(
        'oldest undelivered',
        oldest === null
          ? 'none in the index'
          : `first seen ${at(oldest)}; ${index.neverDelivered} never delivered`,
      ),
      row('pending batches', String(index.pendingBatches.length)),
      ...index.pendingBatches.map(
        (batch) =>
          `    seq ${batch.seq}, ${count(batch.records, 'record', 'records')}, ${age(batch.ageInSeconds * 1000)} old, ` +
          `${batch.inOutbox ? 'in the outbox' : 'not in the outbox'}: ${batch.ref || '(no reference)'}`,
      ),
      row('recent commits', index.recentCommits.join(' ') || 'none'),
    );
  }
  lines.push(
    row(
      'collection marker',
      `${collectionMarker.exists ? 'present' : 'absent'}: ${collectionMarker.location}`,
    ),
    row('outbox, 24 h', `${count(outbox.batches, 'batch', 'batches')}, ${bytes(outbox.bytes)}`),
  );
  return lines;
}

/** `45s`, `30m`, `2h05m`, `3d04h`. */
export function age(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (seconds < 60) return `${sign}${seconds}s`;
  if (seconds < 3600) return `${sign}${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${sign}${Math.floor(seconds / 3600)}h${two(Math.floor(seconds / 60) % 60)}m`;
  return `${sign}${Math.floor(seconds / 86_400)}d${two(Math.floor(seconds / 3600) % 24)}h`;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function bytes(n: number): string {
  return count(n, 'byte', 'bytes');
}
