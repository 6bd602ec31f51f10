import { crc32 } from 'node:zlib';
import { DIGEST_BYTES } from './fingerprint';

/**
 * The on-blob format of the hash index, version 1:
 *
 *   magic "DFCI" | u16 version | u16 entry size | u32 entry count | u32 header length | header (UTF-8 JSON)
 *   | entries, sorted by key | u32 CRC-32 of everything before it
 *
 * An entry is 48 bytes: 12-byte key (alert id digest) | 12-byte fingerprint (canonical content) | 12-byte
 * wire digest (content as last listed) | u32 first seen | u32 last seen (seconds since the epoch) | u32 state.
 * Fixed-size sorted entries load without parsing and are searched in place, which keeps a million-alert
 * index at 48 MB and well under a second to load and save.
 */
export const INDEX_FORMAT_VERSION = 1;
export const ENTRY_SIZE = 3 * DIGEST_BYTES + 12;
export const KEY_OFFSET = 0;
export const FINGERPRINT_OFFSET = DIGEST_BYTES;
export const WIRE_DIGEST_OFFSET = 2 * DIGEST_BYTES;
export const FIRST_SEEN_OFFSET = 3 * DIGEST_BYTES;
export const LAST_SEEN_OFFSET = FIRST_SEEN_OFFSET + 4;
export const STATE_OFFSET = LAST_SEEN_OFFSET + 4;
const MAGIC = 'DFCI';
const PREAMBLE_SIZE = 16;

/**
 * A batch handed over for someone else to write (the Functions host writing the outbox blob). The index
 * knows it only by an opaque reference; what the reference means, and how a later run finds out whether
 * the batch was written, belongs to the delivery protocol (src/delivery, docs/delivery.md).
 */
export interface PendingBatch {
  /** Small positive number stored in the entries of the batch. */
  seq: number;
  /** Random id, also the run id in logs. */
  id: string;
  /** When the batch was committed as pending, just before it was handed over. */
  createdAt: string;
  recordCount: number;
  /** What the delivery protocol needs to find the batch again; `''` for a batch of an older version. */
  ref: string;
}

export interface IndexHeader {
  format: 'defender-alerts-index';
  subscriptionId: string;
  updatedAt: string;
  nextBatchSeq: number;
  pendingBatches: PendingBatch[];
  /**
   * Ids of the latest commits, newest last. A commit whose response was lost (the SDK retries it and gets
   * 412 against its own write) finds its id here and knows it landed.
   */
  recentCommits: string[];
}

export interface DecodedIndex {
  header: IndexHeader;
  /** `count * ENTRY_SIZE` bytes of sorted entries; a view into the decoded buffer. */
  entries: Buffer;
  count: number;
}

export function encodeIndex(header: IndexHeader, entries: Buffer, count: number): Buffer {
  return encodeIndexWith(header, count, (into) => {
    entries.copy(into, 0, 0, count * ENTRY_SIZE);
    return count;
  });
}

/**
 * {@link encodeIndex} of at most `maxCount` entries that `writeEntries` writes, sorted, straight into the
 * blob's bytes (a copy of a million-entry index is 48 MB); it returns how many it wrote.
 */
export function encodeIndexWith(
  header: IndexHeader,
  maxCount: number,
  writeEntries: (into: Buffer) => number,
): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = PREAMBLE_SIZE + headerBytes.length;
  const out = Buffer.allocUnsafe(start + maxCount * ENTRY_SIZE + 4);
  const count = writeEntries(out.subarray(start, start + maxCount * ENTRY_SIZE));
  if (!(count >= 0 && count <= maxCount)) throw new RangeError(`${count} entries written of ${maxCount}`);
  const total = start + count * ENTRY_SIZE + 4;
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt16LE(INDEX_FORMAT_VERSION, 4);
  out.writeUInt16LE(ENTRY_SIZE, 6);
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(out, PREAMBLE_SIZE);
  out.writeUInt32LE(crc32(out.subarray(0, total - 4)), total - 4);
  return out.subarray(0, total);
}

/**
 * @throws Error describing the damage. A damaged index must stop the run: silently starting afresh would
 * re-send every alert of the last 90 days.
 */
export function decodeIndex(data: Buffer, where: string): DecodedIndex {
  const fail = (problem: string): never => {
    throw new Error(
      `The hash index ${where} is unreadable (${problem}). It was left as it is. Restore an earlier version ` +
        `of the blob (soft delete or versioning), or start afresh on purpose with 'npm run alerts -- ` +
        `reset-index', which says how many alerts (every one Defender for Cloud still holds, up to 90 days) ` +
        `will be delivered again.`,
    );
  };
  if (data.length < PREAMBLE_SIZE + 4 || data.toString('latin1', 0, 4) !== MAGIC) fail('not an index blob');
  const version = data.readUInt16LE(4);
  if (version !== INDEX_FORMAT_VERSION)
    fail(`format version ${version}; this collector reads ${INDEX_FORMAT_VERSION}`);
  if (data.readUInt16LE(6) !== ENTRY_SIZE) fail(`entry size ${data.readUInt16LE(6)}`);
  const count = data.readUInt32LE(8);
  const headerLength = data.readUInt32LE(12);
  const expected = PREAMBLE_SIZE + headerLength + count * ENTRY_SIZE + 4;
  if (data.length !== expected) fail(`${data.length} bytes where ${expected} were expected`);
  if (crc32(data.subarray(0, expected - 4)) !== data.readUInt32LE(expected - 4)) fail('checksum mismatch');
  let header: IndexHeader | undefined;
  try {
    header = JSON.parse(data.toString('utf8', PREAMBLE_SIZE, PREAMBLE_SIZE + headerLength)) as IndexHeader;
  } catch {
    fail('header is not JSON');
  }
  if (header?.format !== 'defender-alerts-index' || !Array.isArray(header.pendingBatches)) fail('bad header');
  const start = PREAMBLE_SIZE + headerLength;
  return { header: upgradeHeader(header!), entries: data.subarray(start, start + count * ENTRY_SIZE), count };
}

/**
 * Headers written before batches carried a reference (they carried a target-specific confirmation) and
 * before commits were recorded. Such a batch gets the empty reference: the protocol settles it by age alone.
 */
function upgradeHeader(header: IndexHeader): IndexHeader {
  return {
    ...header,
    pendingBatches: header.pendingBatches.map(({ seq, id, createdAt, recordCount, ref }) => ({
      seq,
      id,
      createdAt,
      recordCount,
      ref: typeof ref === 'string' ? ref : '',
    })),
    recentCommits: Array.isArray(header.recentCommits) ? header.recentCommits : [],
  };
}
