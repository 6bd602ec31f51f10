import type { Logger } from '../telemetry/logger';
import type { Outbox } from './outbox';

export interface ForwardedBatch {
  /** What the forwarder's target binding writes: the NDJSON bytes (blob), or one string per record. */
  payload: Buffer | string[];
  records: number;
  /** Records left out because the target cannot take them (logged one by one). */
  oversized: number;
}

/**
 * Reads a batch from the outbox and shapes it for the target: the blob target gets the batch as it is,
 * Event Hubs and queues one event or message per record. A record larger than the target accepts (possible
 * only when the target was switched after the batch was made) is logged with its alert id and left out:
 * it stays in the outbox, from where replay can send it once the limit allows.
 *
 * @throws Error when the batch is not in the outbox: the message is retried, then kept in the poison queue.
 */
export async function forwardBatch(options: {
  outbox: Outbox;
  batchRef: string;
  target: 'blob' | 'eventhub' | 'queue';
  maxRecordBytes: number | undefined;
  logger: Logger;
}): Promise<ForwardedBatch> {
  const { outbox, batchRef, logger, maxRecordBytes } = options;
  const data = await outbox.read(batchRef);
  if (data === undefined || data.length === 0) {
    throw new Error(
      `Batch '${batchRef}' is not in the outbox '${outbox.location}' (deleted by the outbox's lifecycle rule, ` +
        `or by hand?). Its alerts were not forwarded; replay them from the source for that time window.`,
    );
  }
  const lines = data.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (options.target === 'blob') return { payload: data, records: lines.length, oversized: 0 };
  const records: string[] = [];
  let oversized = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8');
    if (maxRecordBytes === undefined || size <= maxRecordBytes) {
      records.push(line);
      continue;
    }
    oversized += 1;
    logger.error(
      'A record is too large for the output target and was not forwarded; it stays in the outbox',
      {
        alertId: alertIdOf(line),
        batch: batchRef,
        sizeInBytes: size,
        limitInBytes: maxRecordBytes,
      },
    );
  }
  return { payload: records, records: records.length, oversized };
}

/** The alert id of a raw or envelope record, for logs. */
function alertIdOf(record: string): string | undefined {
  try {
    const parsed = JSON.parse(record) as { id?: unknown; alert?: { id?: unknown } };
    const id = parsed.alert?.id ?? parsed.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
