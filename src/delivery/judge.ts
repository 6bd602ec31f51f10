import type { PendingBatch } from '../dedupe/indexFormat';
import { SETTLE_AFTER_IN_MS } from './deadlines';
import { parseOutboxBatchName } from './outboxBatch';
import type { Outbox } from './outbox';

/**
 * `delivered`: the batch is in the outbox. `notDelivered`: it is not, and no attempt that could still write
 * it is running. `unknown`: it is not there yet, but the attempt that handed it over may still be writing.
 */
export type BatchVerdict = 'delivered' | 'notDelivered' | 'unknown';

/** Decides whether an earlier run's pending batch reached the outbox. */
export interface DeliveryJudge {
  judge(batch: PendingBatch, now: Date): Promise<BatchVerdict>;
}

/** The work queue message the judging run is processing; `undefined` outside the worker (local runner). */
export interface CurrentAttempt {
  messageId: string;
  dequeueCount: number;
}

/**
 * Settles batches on evidence only (docs/delivery.md, "Settling"):
 * 1. the batch's blob is in the outbox → delivered;
 * 2. absent, and this run is a later attempt of the very message that handed it over → the queue made the
 *    message visible again only after that attempt ended, and the host writes outputs before it completes
 *    a message → not delivered;
 * 3. absent, and {@link SETTLE_AFTER_IN_MS} has passed since it was handed over → no invocation can still be
 *    writing it → not delivered;
 * 4. otherwise unknown: its alerts are neither sent again nor counted as new.
 */
export class EvidenceJudge implements DeliveryJudge {
  constructor(
    private readonly outbox: Outbox,
    private readonly current: CurrentAttempt | undefined,
    private readonly settleAfterInMs = SETTLE_AFTER_IN_MS,
  ) {}

  async judge(batch: PendingBatch, now: Date): Promise<BatchVerdict> {
    const origin = parseOutboxBatchName(batch.ref);
    if (origin !== undefined && (await this.outbox.exists(batch.ref))) return 'delivered';
    if (
      origin !== undefined &&
      this.current !== undefined &&
      origin.messageId === this.current.messageId &&
      origin.dequeueCount < this.current.dequeueCount
    )
      return 'notDelivered';
    const age = now.getTime() - Date.parse(batch.createdAt);
    return age >= this.settleAfterInMs ? 'notDelivered' : 'unknown';
  }
}
