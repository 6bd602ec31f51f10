import { randomUUID } from 'node:crypto';
import type { AlertFilter } from '../config/alertFilter';
import type { RecordFormat } from '../config/settings';
import type { AlertSource } from '../defender/alertSource';
import type { DedupeMode } from '../dedupe/alertIndex';
import type { IndexStore, LoadedIndex } from '../dedupe/indexStore';
import { commitRun, type CommittedRun } from '../delivery/commitRun';
import type { BatchVerdict, DeliveryJudge } from '../delivery/judge';
import { settleBatches, type SettleCounts } from '../delivery/settleBatches';
import type { AlertSink } from '../delivery/sinks';
import type { Logger } from '../telemetry/logger';
import { diffAlerts, type DiffCounts, type DiffResult } from './diffAlerts';
import { indexNeedsWrite } from './indexNeedsWrite';
import { startListing } from './startListing';

/** Defender for Cloud keeps alerts 90 days; an alert unseen for longer than this is gone for good. */
export const RETENTION_IN_DAYS = 90;
/** Kept a week past retention, so that clock skew or a late listing never makes a known alert new again. */
export const PRUNE_AFTER_IN_DAYS = RETENTION_IN_DAYS + 7;

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
  /** Told of each page once it is diffed: its alerts (for progress reports). */
  onPage?: (alerts: number) => void;
  /** Which alerts are delivered at all; undefined: every one. */
  filter?: AlertFilter;
  /**
   * Runs the part of the run that reads: load the index, settle, list and diff. The local runner passes a
   * limiter, so that at most `max_concurrent_subscriptions` listings run at once while finished listings
   * flush and commit beside them. Absent: the run goes straight through.
   */
  listingSlot?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface RunSummary extends DiffCounts {
  runId: string;
  /** Records handed to the output in this run. */
  delivered: number;
  durationInMs: number;
  indexSize: number;
  pruned: number;
  /** Earlier runs' batches found in the outbox, found missing (their alerts were sent again), and unsettled. */
  confirmedBatches: number;
  resentBatches: number;
  unsettledBatches: number;
  /** Age of the oldest alert that has never reached the output, in hours; 0 when there is none. */
  oldestUndeliveredAgeInHours: number;
  /** The fewest ARM reads left for the subscription during the run (`x-ms-ratelimit-remaining-…`), if known. */
  armReadsRemaining?: number;
}

export interface CollectResult {
  summary: RunSummary;
  /** For a hand-over sink: what the host must write. `undefined` when nothing is to be written. */
  payload: unknown;
}

/**
 * One collection cycle of one subscription: settle earlier batches → list and diff → cap → deliver or hand
 * over → commit. The order carries the delivery guarantee (docs/delivery.md); {@link commitRun} keeps it.
 * A run that finds nothing to deliver and no batch to settle writes the index at most once a day
 * ({@link indexNeedsWrite}).
 *
 * @throws Error when listing, the index or the sink fails; the index is then left as it was.
 */
export async function collectAlerts(options: CollectAlertsOptions): Promise<CollectResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const runId = randomUUID();
  const { store, sink, logger } = options;
  const verdicts = new Map<string, BatchVerdict>();
  const listingSlot = options.listingSlot ?? ((work) => work());
  const { loaded, settled, diff, hadPendingBatches } = await listingSlot(() =>
    listAgainstIndex(options, startedAt, verdicts),
  );

  const mustWrite = indexNeedsWrite({
    existed: loaded.etag !== undefined,
    updatedAt: loaded.index.header.updatedAt,
    hadPendingBatches,
    selected: diff.selected.length,
    now: startedAt,
  });
  let committed: Pick<CommittedRun, 'delivered' | 'payload' | 'pruned'> & { indexSize: number };
  if (mustWrite) {
    if (sink.kind === 'direct') await sink.flush();
    const run = await commitRun(loaded, diff.selected, {
      store,
      sink,
      judge: options.judge,
      dedupeMode: options.dedupeMode,
      runId,
      startedAt,
      now,
      // Only a complete listing may prune: an alert merely not listed this time must not be forgotten.
      pruneBeforeInSeconds: Math.floor(startedAt.getTime() / 1000) - PRUNE_AFTER_IN_DAYS * 86_400,
      verdicts,
      logger,
    });
    committed = { ...run, indexSize: run.index.size - run.pruned };
  } else {
    logger.debug('Nothing to deliver and the index was written within a day: it is left as it is', {
      indexUpdatedAt: loaded.index.header.updatedAt,
    });
    committed = { delivered: [], payload: undefined, pruned: 0, indexSize: loaded.index.size };
  }

  const finishedAt = now();
  const summary: RunSummary = {
    runId,
    ...diff.counts,
    delivered: committed.delivered.length,
    durationInMs: finishedAt.getTime() - startedAt.getTime(),
    indexSize: committed.indexSize,
    pruned: committed.pruned,
    confirmedBatches: settled.confirmed,
    resentBatches: settled.resent,
    unsettledBatches: settled.unsettled,
    oldestUndeliveredAgeInHours:
      diff.oldestUndeliveredAt === undefined
        ? 0
        : Math.max(0, (startedAt.getTime() - diff.oldestUndeliveredAt.getTime()) / 3_600_000),
  };
  return { summary, payload: committed.delivered.length > 0 ? committed.payload : undefined };
}

/** Load → settle → list and diff: the part of a run that reads. The first page is requested as the index loads. */
async function listAgainstIndex(
  options: CollectAlertsOptions,
  startedAt: Date,
  verdicts: Map<string, BatchVerdict>,
): Promise<{ loaded: LoadedIndex; settled: SettleCounts; diff: DiffResult; hadPendingBatches: boolean }> {
  const { sink, logger } = options;
  const listing = startListing(options.source, { abortSignal: options.abortSignal });
  let loaded: LoadedIndex;
  try {
    loaded = await options.store.load();
  } catch (error) {
    listing.abandon();
    throw error;
  }
  const hadPendingBatches = loaded.index.header.pendingBatches.length > 0;
  const settled = await settleBatches(loaded.index, options.judge, startedAt, verdicts, logger);
  const diff = await diffAlerts({
    source: listing,
    index: loaded.index,
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
    // A direct sink writes each page's records as it goes, and flushes them before the commit.
    deliverPage: sink.kind === 'direct' ? (records) => sink.write(records) : undefined,
    onPage: options.onPage,
    filter: options.filter,
  });
  return { loaded, settled, diff, hadPendingBatches };
}
