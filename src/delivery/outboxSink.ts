import { outboxBatchName, type WorkAttempt } from './outboxBatch';
import type { HandOverSink } from './sinks';

/**
 * The worker's sink: the batch becomes one NDJSON blob that the host writes into the outbox, under the
 * name this attempt's binding path resolves to. That name is the batch's reference in the index.
 */
export function createOutboxSink(
  attempt: WorkAttempt,
  maxRecordBytes: number | undefined,
): HandOverSink<Buffer> {
  const ref = outboxBatchName(attempt);
  return {
    kind: 'handOver',
    maxRecordBytes,
    // Bytes, not a string: the host writes them as they are.
    prepare: (records) => ({ payload: Buffer.from(records.join('\n') + '\n', 'utf8'), ref }),
  };
}
