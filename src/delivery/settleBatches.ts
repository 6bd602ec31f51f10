import type { AlertIndex } from '../dedupe/alertIndex';
import type { Logger } from '../telemetry/logger';
import type { BatchVerdict, DeliveryJudge } from './judge';

export interface SettleCounts {
  /** Earlier batches found in the outbox. */
  confirmed: number;
  /** Earlier batches that certainly never reached it: their alerts go out again in this run. */
  resent: number;
  /** Batches that may still be being written: their alerts wait. */
  unsettled: number;
}

/**
 * Settles every pending batch of the index on the judge's verdict. Verdicts are remembered in `verdicts`
 * by batch id, so that settling a reloaded index after a commit conflict asks the outbox nothing twice.
 */
export async function settleBatches(
  index: AlertIndex,
  judge: DeliveryJudge,
  now: Date,
  verdicts: Map<string, BatchVerdict>,
  logger: Logger,
): Promise<SettleCounts> {
  const counts: SettleCounts = { confirmed: 0, resent: 0, unsettled: 0 };
  for (const batch of [...index.header.pendingBatches]) {
    const verdict = verdicts.get(batch.id) ?? (await judge.judge(batch, now));
    verdicts.set(batch.id, verdict);
    if (verdict === 'unknown') {
      counts.unsettled += 1;
      logger.info('An earlier batch may still be being written; its alerts are not sent again for now', {
        batchId: batch.id,
        batch: batch.ref,
        records: batch.recordCount,
      });
      continue;
    }
    index.settleBatch(batch.seq, verdict === 'delivered');
    if (verdict === 'delivered') {
      counts.confirmed += 1;
      continue;
    }
    counts.resent += 1;
    logger.warn('An earlier batch never reached the outbox; its alerts are sent again', {
      batchId: batch.id,
      batch: batch.ref,
      records: batch.recordCount,
      createdAt: batch.createdAt,
    });
  }
  return counts;
}
