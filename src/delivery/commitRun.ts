import type { AlertIndex, BatchItem, DedupeMode } from '../dedupe/alertIndex';
import { IndexConflictError, type IndexStore, type LoadedIndex } from '../dedupe/indexStore';
import type { Logger } from '../telemetry/logger';
import type { BatchVerdict, DeliveryJudge } from './judge';
import { settleBatches } from './settleBatches';
import type { AlertSink } from './sinks';

/** How often a run retries its commit after losing a race with an overlapping run. */
const MAX_COMMIT_ATTEMPTS = 5;
/** Commit ids kept in the index header: far more than the commits that can overlap one run. */
const RECENT_COMMITS_KEPT = 16;

/**
 * An alert the run delivers. For a hand-over sink it carries its serialised record; a direct sink has
 * taken the record as its page was diffed, and only the index entry is left to commit.
 */
export interface SelectedAlert extends BatchItem {
  record?: string;
}

export interface CommitRunOptions {
  store: IndexStore;
  sink: AlertSink;
  judge: DeliveryJudge;
  dedupeMode: DedupeMode;
  /** This run's id: the pending batch's id and the commit id recorded in the index header. */
  runId: string;
  startedAt: Date;
  now: () => Date;
  /** Entries last seen before this (seconds) are pruned; `undefined` keeps all. */
  pruneBeforeInSeconds: number | undefined;
  /** Verdicts the run has already taken, by batch id. */
  verdicts: Map<string, BatchVerdict>;
  logger: Logger;
}

export interface CommittedRun {
  index: AlertIndex;
  /** The alerts this run delivers: written by a direct sink, or in `payload` for a hand-over sink. */
  delivered: SelectedAlert[];
  /** What the host must write for a hand-over sink; `undefined` when there is nothing to hand over. */
  payload: unknown;
  pruned: number;
}

/**
 * Records the run in the index, in the order the delivery guarantee needs: a direct sink has already
 * written and flushed the records, so they are recorded as delivered; for a hand-over sink they are
 * recorded as a pending batch, and the payload is returned only once that commit has landed.
 *
 * A conflict (HTTP 412/409) first asks "was it my own write?": the storage SDK retries a write whose
 * response was lost, and the retry fails against the write itself. The run's commit id in the reloaded
 * header says so. Otherwise another run committed first (policy "merge on conflict"): take its index,
 * settle the same batches, keep only what it is not already delivering, and commit again.
 *
 * @throws Error when the index cannot be written, or conflicts persist; nothing is handed over then.
 */
export async function commitRun(
  loaded: LoadedIndex,
  selected: SelectedAlert[],
  options: CommitRunOptions,
): Promise<CommittedRun> {
  const { store, sink, logger, runId } = options;
  let { index, etag } = loaded;
  let delivered = selected;
  for (let attempt = 1; ; attempt += 1) {
    const payload = recordRun(index, delivered, sink, runId, options.now());
    index.header.recentCommits = [...index.header.recentCommits, runId].slice(-RECENT_COMMITS_KEPT);
    const encoded = index.encode(options.now(), options.pruneBeforeInSeconds);
    try {
      await store.save(encoded.data, etag);
      return { index, delivered, payload, pruned: encoded.pruned };
    } catch (error) {
      if (!(error instanceof IndexConflictError)) throw error;
      const reloaded = await store.load();
      if (reloaded.index.header.recentCommits.includes(runId)) {
        logger.info('The hash index write was retried after it had landed; it is committed', { attempt });
        return { index: reloaded.index, delivered, payload, pruned: encoded.pruned };
      }
      if (attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      logger.warn('The hash index changed during this run; merging with the other run and committing again', {
        attempt,
      });
      ({ index, etag } = reloaded);
      await settleBatches(index, options.judge, options.startedAt, options.verdicts, logger);
      // What the other run already delivers or hands over is left to it, so that nothing goes out twice.
      // A direct sink has written its records already: they are recorded again, as delivered.
      if (sink.kind === 'handOver')
        delivered = delivered.filter((alert) => !index.covers(alert, options.dedupeMode));
    }
  }
}

/** Adds the run's alerts to the index; returns the hand-over payload, if any. */
function recordRun(
  index: AlertIndex,
  delivered: SelectedAlert[],
  sink: AlertSink,
  runId: string,
  at: Date,
): unknown {
  if (delivered.length === 0) return undefined;
  const nowInSeconds = Math.floor(at.getTime() / 1000);
  if (sink.kind === 'direct') {
    index.recordDelivered(delivered, nowInSeconds);
    return undefined;
  }
  const { payload, ref } = sink.prepare(delivered.map((alert) => alert.record ?? ''));
  index.addPendingBatch(
    { id: runId, createdAt: at.toISOString(), recordCount: delivered.length, ref },
    delivered,
    nowInSeconds,
  );
  return payload;
}
