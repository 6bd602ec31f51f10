import { randomUUID } from 'node:crypto';
import type { RecordFormat } from '../config/settings';
import type { AlertSource } from '../defender/alertSource';
import type { AlertIndex, DedupeMode } from '../dedupe/alertIndex';
import { IndexConflictError, type IndexStore } from '../dedupe/indexStore';
import type { Logger } from '../telemetry/logger';
import type { AlertSink, BatchVerdict, DeliveryJudge } from './delivery';
import { diffAlerts, type DiffCounts, type SelectedAlert } from './diffAlerts';

/** Defender for Cloud keeps alerts 90 days; an alert unseen for longer than this is gone for good. */
export const RETENTION_IN_DAYS = 90;
/** Kept a week past retention, so that clock skew or a late listing never makes a known alert new again. */
export const PRUNE_AFTER_IN_DAYS = RETENTION_IN_DAYS + 7;
/** How often a run retries its commit after losing a race with an overlapping run. */
const MAX_COMMIT_ATTEMPTS = 5;

export interface CollectAlertsOptions {
  source: AlertSource;
  store: IndexStore;
  sink: AlertSink;
  judge: DeliveryJudge;
  subscriptionId: string;
  dedupeMode: DedupeMode;
  recordFormat: RecordFormat;
  maxAlertsPerRun: number;
  logger: Logger;
  now?: () => Date;
  abortSignal?: AbortSignal;
}

export interface RunSummary extends DiffCounts {
  runId: string;
  /** Records handed to the output in this run. */
  delivered: number;
  durationInMs: number;
  indexSize: number;
  pruned: number;
  /** Earlier runs' batches found delivered, and found lost (their alerts were sent again). */
  confirmedBatches: number;
  resentBatches: number;
  /** Age of the oldest alert that has never reached the output, in hours; 0 when there is none. */
  oldestUndeliveredAgeInHours: number;
}

export interface CollectResult {
  summary: RunSummary;
  /** For a hand-over sink: what the host must write. `undefined` when nothing is to be written. */
  payload: unknown;
}

/**
 * One collection cycle: settle earlier batches → list and diff → cap → deliver → commit.
 *
 * The commit order carries the delivery guarantee (at least once). A direct sink writes before the index
 * records the alerts as delivered. For a hand-over sink the index records them as pending *before* the
 * payload is handed over, and only a later run that finds the output written marks them delivered; one
 * that finds it missing sends them again.
 *
 * @throws Error when listing, the index or the sink fails; the index is then left as it was.
 */
export async function collectAlerts(options: CollectAlertsOptions): Promise<CollectResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = randomUUID();
  const { store, sink, logger } = options;

  let { index, etag } = await store.load();
  const verdicts = new Map<string, BatchVerdict>();
  const settled = await settlePendingBatches(index, options.judge, startedAt, verdicts, logger);

  const diff = await diffAlerts({
    source: options.source,
    index,
    dedupeMode: options.dedupeMode,
    maxAlertsPerRun: options.maxAlertsPerRun,
    maxRecordBytes: sink.kind === 'handOver' ? sink.maxRecordBytes : undefined,
    record: {
      format: options.recordFormat,
      subscriptionId: options.subscriptionId,
      observedAt: startedAt.toISOString(),
    },
    now: startedAt,
    logger,
    abortSignal: options.abortSignal,
  });

  let selected = diff.selected;
  if (sink.kind === 'direct' && selected.length > 0) await sink.write(selected.map((alert) => alert.record));

  const pruneBefore = Math.floor(startedAt.getTime() / 1000) - PRUNE_AFTER_IN_DAYS * 86_400;
  let payload: unknown;
  let pruned = 0;
  for (let attempt = 1; ; attempt += 1) {
    payload = recordBatch(index, selected, sink, runId, now());
    const encoded = index.encode(now(), pruneBefore);
    pruned = encoded.pruned;
    try {
      await store.save(encoded.data, etag);
      break;
    } catch (error) {
      if (!(error instanceof IndexConflictError) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      // Policy "merge on conflict": another run committed first. Take its index, settle the same batches,
      // and keep only what it is not already delivering, so that no alert goes out twice between us.
      logger.warn('The hash index changed during this run; merging with the other run and committing again', {
        attempt,
      });
      ({ index, etag } = await store.load());
      await settlePendingBatches(index, options.judge, startedAt, verdicts, logger);
      if (sink.kind === 'handOver')
        selected = selected.filter((alert) => !index.covers(alert, options.dedupeMode));
    }
  }

  const finishedAt = now();
  const summary: RunSummary = {
    runId,
    ...diff.counts,
    delivered: selected.length,
    durationInMs: finishedAt.getTime() - startedAt.getTime(),
    indexSize: index.size - pruned,
    pruned,
    confirmedBatches: settled.confirmed,
    resentBatches: settled.resent,
    oldestUndeliveredAgeInHours:
      diff.oldestUndeliveredAt === undefined
        ? 0
        : Math.max(0, (startedAt.getTime() - diff.oldestUndeliveredAt.getTime()) / 3_600_000),
  };
  return { summary, payload: selected.length > 0 ? payload : undefined };
}

/** Adds this run's batch to the index; returns the hand-over payload. */
function recordBatch(
  index: AlertIndex,
  selected: SelectedAlert[],
  sink: AlertSink,
  runId: string,
  at: Date,
): unknown {
  if (selected.length === 0) return undefined;
  const nowInSeconds = Math.floor(at.getTime() / 1000);
  if (sink.kind === 'direct') {
    // Already written and flushed by the sink: delivered, nothing to settle later.
    index.recordDelivered(selected, nowInSeconds);
    return undefined;
  }
  const base = { id: runId, createdAt: at.toISOString(), recordCount: selected.length };
  const { payload, confirmation } = sink.prepare(
    selected.map((alert) => alert.record),
    at,
  );
  index.addPendingBatch({ ...base, confirmation }, selected, nowInSeconds);
  return payload;
}

async function settlePendingBatches(
  index: AlertIndex,
  judge: DeliveryJudge,
  now: Date,
  verdicts: Map<string, BatchVerdict>,
  logger: Logger,
): Promise<{ confirmed: number; resent: number }> {
  let confirmed = 0;
  let resent = 0;
  for (const batch of [...index.header.pendingBatches]) {
    const verdict = verdicts.get(batch.id) ?? (await judge.judge(batch, now));
    verdicts.set(batch.id, verdict);
    if (verdict === 'unknown') {
      logger.info('An earlier batch is not settled yet; its alerts are not sent again for now', {
        batchId: batch.id,
        records: batch.recordCount,
      });
      continue;
    }
    index.settleBatch(batch.seq, verdict === 'delivered');
    if (verdict === 'delivered') confirmed += 1;
    else {
      resent += 1;
      logger.warn('An earlier batch never reached the output; its alerts are sent again', {
        batchId: batch.id,
        records: batch.recordCount,
        createdAt: batch.createdAt,
      });
    }
  }
  return { confirmed, resent };
}
