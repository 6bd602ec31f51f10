import { crc32 } from 'node:zlib';
import {
  decodeIndex,
  encodeIndex,
  ENTRY_SIZE,
  FINGERPRINT_OFFSET,
  FIRST_SEEN_OFFSET,
  INDEX_FORMAT_VERSION,
  KEY_OFFSET,
  LAST_SEEN_OFFSET,
  STATE_OFFSET,
  WIRE_DIGEST_OFFSET,
  type IndexHeader,
} from '../../../src/dedupe/indexFormat';

const WHERE = "'defender-alerts-index/sub.index'";
const unreadable = (problem: string): Error =>
  new Error(
    `The hash index ${WHERE} is unreadable (${problem}). It was left as it is. Restore an earlier version ` +
      `of the blob (soft delete or versioning), or start afresh on purpose with 'npm run alerts -- ` +
      `reset-index', which says how many alerts (every one Defender for Cloud still holds, up to 90 days) ` +
      `will be delivered again.`,
  );

function header(overrides: Partial<IndexHeader> = {}): IndexHeader {
  return {
    format: 'defender-alerts-index',
    subscriptionId: '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b',
    updatedAt: '2025-03-04T05:06:07.000Z',
    nextBatchSeq: 3,
    pendingBatches: [
      {
        seq: 2,
        id: 'run-ü-2',
        createdAt: '2025-03-04T05:00:00.000Z',
        recordCount: 2,
        ref: 'batches/2025/03/04/05/3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b/m-1.ndjson',
      },
    ],
    recentCommits: ['run-1', 'run-ü-2'],
    ...overrides,
  };
}

/** `count` sorted entries with recognisable field values. */
function entries(count: number): Buffer {
  const out = Buffer.alloc(count * ENTRY_SIZE);
  for (let i = 0; i < count; i += 1) {
    const at = i * ENTRY_SIZE;
    out.writeUInt32BE(i + 1, KEY_OFFSET + 8); // keys ascend
    out.fill(0xa0 + i, FINGERPRINT_OFFSET + at, FINGERPRINT_OFFSET + at + 12);
    out.writeUInt32LE(1_700_000_000 + i, at + FIRST_SEEN_OFFSET);
    out.writeUInt32LE(1_800_000_000 + i, at + LAST_SEEN_OFFSET);
    out.writeUInt32LE(i === 0 ? 0x80000000 : i, at + STATE_OFFSET);
  }
  return out;
}

/** A blob with a valid checksum around arbitrary header text. */
function rawBlob(headerText: string, count = 0): Buffer {
  const headerBytes = Buffer.from(headerText, 'utf8');
  const body = Buffer.alloc(16 + headerBytes.length + count * ENTRY_SIZE + 4);
  body.write('DFCI', 0, 'latin1');
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(ENTRY_SIZE, 6);
  body.writeUInt32LE(count, 8);
  body.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(body, 16);
  body.writeUInt32LE(crc32(body.subarray(0, body.length - 4)), body.length - 4);
  return body;
}

/** Rewrites the trailing checksum, so that only the intended damage is detected. */
function fixChecksum(data: Buffer): Buffer {
  data.writeUInt32LE(crc32(data.subarray(0, data.length - 4)), data.length - 4);
  return data;
}

describe('index format layout', () => {
  it('describes a 48-byte entry: key, fingerprint, wire digest, first seen, last seen, state', () => {
    expect(INDEX_FORMAT_VERSION).toBe(1);
    expect(ENTRY_SIZE).toBe(48);
    expect([
      KEY_OFFSET,
      FINGERPRINT_OFFSET,
      WIRE_DIGEST_OFFSET,
      FIRST_SEEN_OFFSET,
      LAST_SEEN_OFFSET,
      STATE_OFFSET,
    ]).toEqual([0, 12, 24, 36, 40, 44]);
  });

  it('writes magic, version, entry size, count, header length, header, entries and CRC-32', () => {
    const h = header();
    const e = entries(3);
    const data = encodeIndex(h, e, 3);
    const headerBytes = Buffer.from(JSON.stringify(h), 'utf8');
    expect(data.length).toBe(16 + headerBytes.length + 3 * 48 + 4);
    expect(data.toString('latin1', 0, 4)).toBe('DFCI');
    expect(data.readUInt16LE(4)).toBe(1);
    expect(data.readUInt16LE(6)).toBe(48);
    expect(data.readUInt32LE(8)).toBe(3);
    expect(data.readUInt32LE(12)).toBe(headerBytes.length);
    expect(data.subarray(16, 16 + headerBytes.length).equals(headerBytes)).toBe(true);
    expect(data.subarray(16 + headerBytes.length, data.length - 4).equals(e)).toBe(true);
    expect(data.readUInt32LE(data.length - 4)).toBe(crc32(data.subarray(0, data.length - 4)));
  });

  it('writes only the first `count` entries of a larger buffer', () => {
    const data = encodeIndex(header(), entries(5), 2);
    const decoded = decodeIndex(data, WHERE);
    expect(decoded.count).toBe(2);
    expect(decoded.entries.equals(entries(5).subarray(0, 2 * ENTRY_SIZE))).toBe(true);
  });
});

describe('encodeIndex and decodeIndex', () => {
  it('round-trips the header and the entries', () => {
    const h = header();
    const e = entries(4);
    const decoded = decodeIndex(encodeIndex(h, e, 4), WHERE);
    expect(decoded.header).toEqual(h);
    expect(decoded.count).toBe(4);
    expect(decoded.entries.equals(e)).toBe(true);
  });

  it('round-trips an empty index', () => {
    const h = header({ pendingBatches: [], nextBatchSeq: 1 });
    const decoded = decodeIndex(encodeIndex(h, Buffer.alloc(0), 0), WHERE);
    expect(decoded).toEqual({ header: h, entries: Buffer.alloc(0), count: 0 });
  });

  it('round-trips a header with non-ASCII text', () => {
    const h = header({
      pendingBatches: [{ seq: 7, id: 'läuft-😀-"quoted"', createdAt: 'x', recordCount: 0, ref: 'ü/"r"' }],
    });
    expect(decodeIndex(encodeIndex(h, entries(1), 1), WHERE).header).toEqual(h);
  });

  it('reads a header of an earlier version: a batch with a target confirmation gets the empty reference', () => {
    const legacy = {
      format: 'defender-alerts-index',
      subscriptionId: '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b',
      updatedAt: '2025-03-04T05:06:07.000Z',
      nextBatchSeq: 3,
      pendingBatches: [
        {
          seq: 2,
          id: 'run-2',
          createdAt: '2025-03-04T05:00:00.000Z',
          recordCount: 2,
          confirmation: { kind: 'hostWrite', retryCount: 1, maxRetryCount: 5 },
        },
      ],
    } as unknown as IndexHeader;
    expect(decodeIndex(encodeIndex(legacy, entries(1), 1), WHERE).header).toEqual({
      ...legacy,
      pendingBatches: [
        { seq: 2, id: 'run-2', createdAt: '2025-03-04T05:00:00.000Z', recordCount: 2, ref: '' },
      ],
      recentCommits: [],
    });
  });

  it('returns the entries as a view of the data', () => {
    const data = encodeIndex(header(), entries(2), 2);
    const decoded = decodeIndex(data, WHERE);
    expect(decoded.entries.buffer).toBe(data.buffer);
  });
});

describe('decodeIndex detects damage', () => {
  const good = (): Buffer => encodeIndex(header(), entries(3), 3);

  it('names where the index is in the message', () => {
    expect(() =>
      decodeIndex(Buffer.from('hello world, this is not an index'), 'container/blob.index'),
    ).toThrow(
      new Error(
        'The hash index container/blob.index is unreadable (not an index blob). It was left as it is. Restore an ' +
          "earlier version of the blob (soft delete or versioning), or start afresh on purpose with 'npm run " +
          "alerts -- reset-index', which says how many alerts (every one Defender for Cloud still holds, up to 90 " +
          'days) will be delivered again.',
      ),
    );
  });

  it.each<[string, () => Buffer, string]>([
    [
      'wrong magic',
      () => {
        const data = good();
        data.write('DFCX', 0, 'latin1');
        return fixChecksum(data);
      },
      'not an index blob',
    ],
    ['an empty blob', () => Buffer.alloc(0), 'not an index blob'],
    ['a blob shorter than preamble and checksum', () => good().subarray(0, 19), 'not an index blob'],
    ['a JSON document', () => Buffer.from(JSON.stringify(header())), 'not an index blob'],
    [
      'format version 2',
      () => {
        const data = good();
        data.writeUInt16LE(2, 4);
        return fixChecksum(data);
      },
      'format version 2; this collector reads 1',
    ],
    [
      'format version 0 with a stale checksum',
      () => {
        const data = good();
        data.writeUInt16LE(0, 4);
        return data;
      },
      'format version 0; this collector reads 1',
    ],
    [
      'another entry size',
      () => {
        const data = good();
        data.writeUInt16LE(40, 6);
        return fixChecksum(data);
      },
      'entry size 40',
    ],
    [
      'a blob truncated by one byte',
      () => {
        const data = good();
        return data.subarray(0, data.length - 1);
      },
      `${good().length - 1} bytes where ${good().length} were expected`,
    ],
    [
      'a blob truncated inside the entries',
      () => good().subarray(0, good().length - 50),
      `${good().length - 50} bytes where ${good().length} were expected`,
    ],
    [
      'a blob with one extra byte',
      () => Buffer.concat([good(), Buffer.from([0])]),
      `${good().length + 1} bytes where ${good().length} were expected`,
    ],
    [
      'an entry count that does not match the length',
      () => {
        const data = good();
        data.writeUInt32LE(4, 8);
        return fixChecksum(data);
      },
      `${good().length} bytes where ${good().length + 48} were expected`,
    ],
    ['a header that is not JSON', () => rawBlob('{"format":"defender-alerts-index",'), 'header is not JSON'],
    [
      'a header of another format',
      () => rawBlob(JSON.stringify({ ...header(), format: 'other' })),
      'bad header',
    ],
    [
      'a header without pending batches',
      () => rawBlob(JSON.stringify({ ...header(), pendingBatches: undefined })),
      'bad header',
    ],
    ['a null header', () => rawBlob('null'), 'bad header'],
    ['a header that is a JSON string', () => rawBlob('"defender-alerts-index"'), 'bad header'],
  ])('reports %s', (_name, damaged, problem) => {
    expect(() => decodeIndex(damaged(), WHERE)).toThrow(unreadable(problem));
  });

  it('reports a checksum mismatch for a flipped byte anywhere after the preamble', () => {
    const data = good();
    const offsets = [
      16,
      20,
      30,
      data.length - 4 - 3 * 36,
      data.length - 40,
      data.length - 5,
      data.length - 4,
      data.length - 1,
    ];
    for (const offset of offsets) {
      const damaged = Buffer.from(data);
      damaged[offset] = damaged[offset]! ^ 0x01;
      expect(() => decodeIndex(damaged, WHERE)).toThrow(unreadable('checksum mismatch'));
    }
  });

  it('reports a checksum mismatch for every single-bit flip in the entries', () => {
    const data = good();
    const start = data.length - 4 - 3 * ENTRY_SIZE;
    let detected = 0;
    for (let offset = start; offset < data.length - 4; offset += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const damaged = Buffer.from(data);
        damaged[offset] = damaged[offset]! ^ (1 << bit);
        try {
          decodeIndex(damaged, WHERE);
        } catch (error) {
          if ((error as Error).message === unreadable('checksum mismatch').message) detected += 1;
        }
      }
    }
    expect(detected).toBe(3 * ENTRY_SIZE * 8);
  });

  it('does not change the data it refuses', () => {
    const data = good();
    data[20] = data[20]! ^ 0xff;
    const copy = Buffer.from(data);
    expect(() => decodeIndex(data, WHERE)).toThrow(unreadable('checksum mismatch'));
    expect(data.equals(copy)).toBe(true);
  });
});
