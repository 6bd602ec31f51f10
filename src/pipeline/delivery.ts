import type { BatchConfirmation, PendingBatch } from '../dedupe/indexFormat';

/**
 * A sink that writes the records itself and returns once they are durable (the local runner's file or
 * stdout). The index then records them as delivered straight away.
 */
export interface DirectSink {
  readonly kind: 'direct';
  write(records: readonly string[]): Promise<void>;
}

/**
 * A sink whose records are written by someone else after the run returns (the Functions host writing an
 * output binding). The index records them as pending; a later run confirms or re-sends them.
 */
export interface HandOverSink<TPayload = unknown> {
  readonly kind: 'handOver';
  /** Largest record the target accepts, in UTF-8 bytes; larger ones are counted as oversized. */
  readonly maxRecordBytes: number | undefined;
  /** Builds what the host writes, and how a later run will recognise that it was written. */
  prepare(
    records: readonly string[],
    createdAt: Date,
  ): { payload: TPayload; confirmation: BatchConfirmation };
}

export type AlertSink = DirectSink | HandOverSink;

/** A {@link DirectSink} that keeps the records in memory, for tests. */
export class InMemorySink implements DirectSink {
  readonly kind = 'direct';
  readonly records: string[] = [];

  write(records: readonly string[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
}

export type BatchVerdict = 'delivered' | 'notDelivered' | 'unknown';

/** Decides whether an earlier run's pending batch reached its target. */
export interface DeliveryJudge {
  judge(batch: PendingBatch, now: Date): Promise<BatchVerdict>;
}
