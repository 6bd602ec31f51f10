import { createHash } from 'node:crypto';
import type { BatchConfirmation } from '../dedupe/indexFormat';

/**
 * The blob target's binding path, relative to the container. The host fills in the date when it writes,
 * a moment after the run returns; a later run finds the blob again under the same hour or the next.
 */
export const OUTPUT_BLOB_PATH_PATTERN =
  '{DateTime:yyyy}/{DateTime:MM}/{DateTime:dd}/{DateTime:HH}/{rand-guid}.ndjson';

/** One run's records as a single NDJSON blob, and how to recognise that blob later. */
export function prepareBlobBatch(
  records: readonly string[],
  createdAt: Date,
): { payload: Buffer; confirmation: BatchConfirmation } {
  // Bytes, not a string, so that the host writes exactly these bytes and the MD5 below matches.
  const payload = Buffer.from(records.join('\n') + '\n', 'utf8');
  return {
    payload,
    confirmation: {
      kind: 'blobContent',
      contentMd5: createHash('md5').update(payload).digest('base64'),
      sizeInBytes: payload.length,
      prefixes: [hourPrefix(createdAt), hourPrefix(new Date(createdAt.getTime() + 3_600_000))],
    },
  };
}

/** `yyyy/MM/dd/HH/` in UTC, as the host's `{DateTime:…}` expressions render it. */
export function hourPrefix(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}
