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
    // Bytes, not a string: `@azure/functions` hands a Buffer to the worker's gRPC message as it is.
    prepare: (records) => ({ payload: encodeNdjson(records), ref }),
  };
}

const NEWLINE = 0x0a;

/**
 * The records as NDJSON in UTF-8, each followed by a newline, written into one buffer of the exact size.
 * Memory: the buffer alone (the batch's bytes). Joining first would hold the joined string as well, in
 * UTF-16 as soon as one record has a character beyond Latin-1: three times the batch, twice more than this.
 */
export function encodeNdjson(records: readonly string[]): Buffer {
  let size = 0;
  for (const record of records) size += Buffer.byteLength(record, 'utf8') + 1;
  // Not from Node's shared pool: the batch keeps no other allocation alive while the host holds it.
  const bytes = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (const record of records) {
    offset += bytes.write(record, offset, 'utf8');
    bytes[offset++] = NEWLINE;
  }
  // byteLength and write agree on every string (a lone surrogate is three bytes in both); a gap here
  // would send uninitialised memory, so it is refused rather than trusted.
  if (offset !== size)
    throw new Error(`Encoded ${offset} bytes of a ${size}-byte batch; nothing is handed over.`);
  return bytes;
}
