import {
  AlertIndex,
  type AlertDisposition,
  type BatchItem,
  type DedupeMode,
} from '../../../src/dedupe/alertIndex';
import { alertKey, contentFingerprint } from '../../../src/dedupe/fingerprint';
import {
  decodeIndex,
  ENTRY_SIZE,
  FINGERPRINT_OFFSET,
  FIRST_SEEN_OFFSET,
  LAST_SEEN_OFFSET,
  STATE_OFFSET,
  type PendingBatch,
} from '../../../src/dedupe/indexFormat';
import { mulberry32 } from '../../../emulators/defender/prng';

const SUBSCRIPTION = '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b';
const WHERE = 'test/sub.index';
const T0 = 1_750_000_000;

/** The shared seeded generator, as a plain `() => number`. */
const prng = (seed: number): (() => number) => {
  const random = mulberry32(seed);
  return () => random.next();
};

const keyOf = (n: number | string): Buffer =>
  alertKey(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/locations/westeurope/alerts/${n}`);
const fp = (content: string): Buffer => contentFingerprint({ content });
const item = (n: number | string, content: string): BatchItem => ({
  key: keyOf(n),
  fingerprint: fp(content),
});

/** A key with the given first byte (and `low` in the last), to control the sort order exactly. */
function rawKey(first: number, low = 0): Buffer {
  const key = Buffer.alloc(12);
  key[0] = first;
  key[11] = low;
  return key;
}

let runCounter = 0;
function batchInfo(recordCount = 1): Omit<PendingBatch, 'seq'> {
  runCounter += 1;
  return {
    id: `run-${runCounter}`,
    createdAt: new Date((T0 + runCounter) * 1000).toISOString(),
    recordCount,
    ref: '',
  };
}

/** Saves and loads the index, as the next run would see it. */
function roundTrip(index: AlertIndex, pruneBefore?: number): AlertIndex {
  return AlertIndex.decode(index.encode(new Date(T0 * 1000), pruneBefore).data, WHERE);
}

/** The sorted keys stored in an encoded index, as hex. */
function storedKeys(index: AlertIndex): string[] {
  const { entries, count } = decodeIndex(index.encode(new Date(T0 * 1000)).data, WHERE);
  const keys: string[] = [];
  for (let i = 0; i < count; i += 1) keys.push(entries.toString('hex', i * ENTRY_SIZE, i * ENTRY_SIZE + 12));
  return keys;
}

function storedEntry(index: AlertIndex, key: Buffer): Buffer | undefined {
  const { entries, count } = decodeIndex(index.encode(new Date(T0 * 1000)).data, WHERE);
  for (let i = 0; i < count; i += 1) {
    const entry = entries.subarray(i * ENTRY_SIZE, (i + 1) * ENTRY_SIZE);
    if (entry.subarray(0, 12).equals(key)) return Buffer.from(entry);
  }
  return undefined;
}

/**
 * Index states of one alert (key 1). `latest` is the content most recently recorded for it; `older` is
 * another content it had before, when there is one.
 */
const STATES: Record<string, { build: () => AlertIndex; latest: string }> = {
  'never seen': { build: () => AlertIndex.empty(SUBSCRIPTION), latest: 'A' },
  'in a pending batch, never delivered': {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
      return index;
    },
    latest: 'A',
  },
  delivered: {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      const { seq } = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
      index.settleBatch(seq, true);
      return index;
    },
    latest: 'A',
  },
  'sent but never delivered (batch failed)': {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      const { seq } = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
      index.settleBatch(seq, false);
      return index;
    },
    latest: 'A',
  },
  'delivered, then a new version pending': {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'A')], T0).seq, true);
      index.addPendingBatch(batchInfo(), [item(1, 'B')], T0 + 10);
      return index;
    },
    latest: 'B',
  },
  'delivered, then a new version failed': {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'A')], T0).seq, true);
      index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'B')], T0 + 10).seq, false);
      return index;
    },
    latest: 'B',
  },
  'delivered, then a new version delivered': {
    build: () => {
      const index = AlertIndex.empty(SUBSCRIPTION);
      index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'A')], T0).seq, true);
      index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'B')], T0 + 10).seq, true);
      return index;
    },
    latest: 'B',
  },
};

type Expected = { same: AlertDisposition; other: AlertDisposition };
const DISPOSITIONS: [string, DedupeMode, Expected][] = [
  ['never seen', 'content', { same: 'new', other: 'new' }],
  ['never seen', 'id', { same: 'new', other: 'new' }],
  ['in a pending batch, never delivered', 'content', { same: 'inFlight', other: 'retry' }],
  ['in a pending batch, never delivered', 'id', { same: 'inFlight', other: 'inFlight' }],
  ['delivered', 'content', { same: 'unchanged', other: 'updated' }],
  ['delivered', 'id', { same: 'unchanged', other: 'unchanged' }],
  ['sent but never delivered (batch failed)', 'content', { same: 'retry', other: 'retry' }],
  ['sent but never delivered (batch failed)', 'id', { same: 'retry', other: 'retry' }],
  ['delivered, then a new version pending', 'content', { same: 'inFlight', other: 'updated' }],
  ['delivered, then a new version pending', 'id', { same: 'unchanged', other: 'unchanged' }],
  ['delivered, then a new version failed', 'content', { same: 'updated', other: 'updated' }],
  ['delivered, then a new version failed', 'id', { same: 'unchanged', other: 'unchanged' }],
  ['delivered, then a new version delivered', 'content', { same: 'unchanged', other: 'updated' }],
  ['delivered, then a new version delivered', 'id', { same: 'unchanged', other: 'unchanged' }],
];

describe('AlertIndex.empty', () => {
  it('starts with no entries, no pending batches and batch sequence 1', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    expect(index.size).toBe(0);
    expect(index.header).toEqual({
      format: 'defender-alerts-index',
      subscriptionId: SUBSCRIPTION,
      updatedAt: '1970-01-01T00:00:00.000Z',
      nextBatchSeq: 1,
      pendingBatches: [],
      recentCommits: [],
    });
  });

  it('classifies any alert as new', () => {
    expect(AlertIndex.empty(SUBSCRIPTION).classify(keyOf(1), fp('A'), 'content', T0)).toBe('new');
  });
});

describe('AlertIndex.classify', () => {
  describe.each(DISPOSITIONS)('an alert %s, in %s mode', (state, mode, expected) => {
    const { build, latest } = STATES[state]!;

    it(`is ${expected.same} with the latest content`, () => {
      expect(build().classify(keyOf(1), fp(latest), mode, T0 + 100)).toBe(expected.same);
    });

    it(`is ${expected.other} with other content`, () => {
      expect(build().classify(keyOf(1), fp('C'), mode, T0 + 100)).toBe(expected.other);
    });

    it('keeps both answers after an encode/decode round trip', () => {
      const loaded = roundTrip(build());
      expect(loaded.classify(keyOf(1), fp(latest), mode, T0 + 100)).toBe(expected.same);
      expect(loaded.classify(keyOf(1), fp('C'), mode, T0 + 100)).toBe(expected.other);
    });

    it('does not confuse the alert with another one', () => {
      expect(build().classify(keyOf(2), fp(latest), mode, T0 + 100)).toBe('new');
    });
  });

  it('covers every disposition in content mode', () => {
    const seen = new Set(
      DISPOSITIONS.filter(([, mode]) => mode === 'content').flatMap(([, , e]) => [e.same, e.other]),
    );
    expect([...seen].sort()).toEqual(['inFlight', 'new', 'retry', 'unchanged', 'updated']);
  });

  it("never answers 'updated' in id mode, where a delivered alert is never sent again", () => {
    for (const [state] of DISPOSITIONS) {
      const index = STATES[state]!.build();
      for (const content of ['A', 'B', 'C']) {
        expect(index.classify(keyOf(1), fp(content), 'id', T0)).not.toBe('updated');
      }
    }
  });

  it('settles a pending batch loaded from a saved index', () => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    const { seq } = first.addPendingBatch(batchInfo(2), [item(1, 'A'), item(2, 'B')], T0);
    const second = roundTrip(first);
    expect(second.classify(keyOf(1), fp('A'), 'content', T0 + 60)).toBe('inFlight');
    second.settleBatch(seq, true);
    expect(second.classify(keyOf(1), fp('A'), 'content', T0 + 60)).toBe('unchanged');
    const third = roundTrip(second);
    expect(third.header.pendingBatches).toEqual([]);
    expect(third.classify(keyOf(1), fp('A'), 'content', T0 + 120)).toBe('unchanged');
    expect(third.classify(keyOf(2), fp('B'), 'content', T0 + 120)).toBe('unchanged');
    expect(third.classify(keyOf(2), fp('B2'), 'content', T0 + 120)).toBe('updated');
  });

  it('settles a failed batch loaded from a saved index so that its alerts are sent again', () => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    const { seq } = first.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    const second = roundTrip(first);
    second.settleBatch(seq, false);
    const third = roundTrip(second);
    expect(third.classify(keyOf(1), fp('A'), 'content', T0)).toBe('retry');
    expect(third.classify(keyOf(1), fp('A'), 'id', T0)).toBe('retry');
  });

  it('settles only the entries of the given batch', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    const one = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    index.addPendingBatch(batchInfo(), [item(2, 'B')], T0);
    const three = index.addPendingBatch(batchInfo(), [item(3, 'C')], T0);
    index.settleBatch(one.seq, false);
    index.settleBatch(three.seq, true);
    expect(index.classify(keyOf(1), fp('A'), 'content', T0)).toBe('retry');
    expect(index.classify(keyOf(2), fp('B'), 'content', T0)).toBe('inFlight');
    expect(index.classify(keyOf(3), fp('C'), 'content', T0)).toBe('unchanged');
  });

  it('settling a batch twice or an unknown batch changes nothing', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    const { seq } = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    index.settleBatch(seq, true);
    index.settleBatch(seq, false);
    index.settleBatch(99, false);
    expect(index.classify(keyOf(1), fp('A'), 'content', T0)).toBe('unchanged');
  });

  it('does not add a new alert to the index', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.classify(keyOf(1), fp('A'), 'content', T0);
    expect(index.size).toBe(0);
    expect(storedKeys(index)).toEqual([]);
  });
});

describe('AlertIndex.covers', () => {
  it.each<[string, string, DedupeMode, boolean]>([
    ['never seen', 'A', 'content', false],
    ['never seen', 'A', 'id', false],
    ['in a pending batch, never delivered', 'A', 'content', true],
    ['in a pending batch, never delivered', 'C', 'content', false],
    ['in a pending batch, never delivered', 'C', 'id', true],
    ['delivered', 'A', 'content', true],
    ['delivered', 'C', 'content', false],
    ['delivered', 'C', 'id', true],
    ['sent but never delivered (batch failed)', 'A', 'content', false],
    ['sent but never delivered (batch failed)', 'A', 'id', false],
    ['delivered, then a new version pending', 'B', 'content', true],
    ['delivered, then a new version pending', 'A', 'content', false],
    ['delivered, then a new version pending', 'C', 'id', true],
    ['delivered, then a new version failed', 'B', 'content', false],
    ['delivered, then a new version failed', 'A', 'content', false],
    ['delivered, then a new version failed', 'B', 'id', false],
    ['delivered, then a new version delivered', 'B', 'content', true],
    ['delivered, then a new version delivered', 'A', 'content', false],
  ])('an alert %s with content %s in %s mode: %p', (state, content, mode, expected) => {
    const index = STATES[state]!.build();
    expect(index.covers(item(1, content), mode)).toBe(expected);
    expect(roundTrip(index).covers(item(1, content), mode)).toBe(expected);
  });
});

describe('AlertIndex.addPendingBatch', () => {
  it('numbers batches 1, 2, 3 and lists them in the header until they are settled', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    const infos = [batchInfo(1), batchInfo(2), batchInfo(3)];
    const batches = infos.map((info, i) => index.addPendingBatch(info, [item(i, 'x')], T0));
    expect(batches.map((batch) => batch.seq)).toEqual([1, 2, 3]);
    expect(batches[1]).toEqual({ ...infos[1], seq: 2 });
    expect(index.header.nextBatchSeq).toBe(4);
    expect(index.header.pendingBatches).toEqual(batches);
    index.settleBatch(2, true);
    expect(index.header.pendingBatches.map((batch) => batch.seq)).toEqual([1, 3]);
    const loaded = roundTrip(index);
    expect(loaded.header.pendingBatches).toEqual([batches[0], batches[2]]);
    expect(loaded.header.nextBatchSeq).toBe(4);
    expect(loaded.addPendingBatch(batchInfo(), [], T0).seq).toBe(4);
    loaded.settleBatch(1, false);
    loaded.settleBatch(3, true);
    expect(loaded.header.pendingBatches.map((batch) => batch.seq)).toEqual([4]);
  });

  it('wraps the sequence to 1 before it reaches the undelivered marker', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.header.nextBatchSeq = 0x7ffffffe;
    const last = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    expect(last.seq).toBe(0x7ffffffe);
    expect(index.header.nextBatchSeq).toBe(1);
    expect(index.classify(keyOf(1), fp('A'), 'content', T0)).toBe('inFlight');
    expect(index.addPendingBatch(batchInfo(), [item(2, 'B')], T0).seq).toBe(1);
    index.settleBatch(last.seq, true);
    expect(index.classify(keyOf(1), fp('A'), 'content', T0)).toBe('unchanged');
    expect(index.classify(keyOf(2), fp('B'), 'content', T0)).toBe('inFlight');
  });

  it('counts each alert once, even when added twice or re-added after a round trip', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A'), item(2, 'A'), item(1, 'B')], T0);
    expect(index.size).toBe(2);
    index.addPendingBatch(batchInfo(), [item(2, 'C'), item(3, 'C')], T0);
    expect(index.size).toBe(3);
    const loaded = roundTrip(index);
    expect(loaded.size).toBe(3);
    loaded.addPendingBatch(batchInfo(), [item(1, 'D'), item(4, 'D')], T0);
    expect(loaded.size).toBe(4);
    expect(roundTrip(loaded).size).toBe(4);
  });

  it('keeps the last content recorded for an alert added twice in one batch', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A'), item(1, 'B')], T0);
    expect(index.classify(keyOf(1), fp('B'), 'content', T0)).toBe('inFlight');
    expect(index.classify(keyOf(1), fp('A'), 'content', T0)).toBe('retry');
  });

  it('records first seen once, and last seen, fingerprint and batch on every addition', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.settleBatch(index.addPendingBatch(batchInfo(), [item(1, 'A')], T0).seq, true);
    const loaded = roundTrip(index);
    const second = loaded.addPendingBatch(batchInfo(), [item(1, 'B')], T0 + 500);
    const entry = storedEntry(loaded, keyOf(1))!;
    expect(entry.readUInt32LE(FIRST_SEEN_OFFSET)).toBe(T0);
    expect(entry.readUInt32LE(LAST_SEEN_OFFSET)).toBe(T0 + 500);
    expect(entry.subarray(FINGERPRINT_OFFSET, FINGERPRINT_OFFSET + 12).equals(fp('B'))).toBe(true);
    expect(entry.readUInt32LE(STATE_OFFSET)).toBe((0x80000000 | second.seq) >>> 0);
  });
});

describe('AlertIndex.encode', () => {
  it('sets updatedAt in the header', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    const { data } = index.encode(new Date('2025-06-07T08:09:10.000Z'));
    expect(index.header.updatedAt).toBe('2025-06-07T08:09:10.000Z');
    expect(AlertIndex.decode(data, WHERE).header.updatedAt).toBe('2025-06-07T08:09:10.000Z');
  });

  it('prunes nothing without pruneBefore, however old the entries are', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A'), item(2, 'B')], 1);
    const { data, pruned } = index.encode(new Date(), undefined);
    expect(pruned).toBe(0);
    expect(AlertIndex.decode(data, WHERE).size).toBe(2);
  });

  it('prunes only entries last seen before pruneBefore and reports how many', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A')], T0 - 100);
    index.addPendingBatch(batchInfo(), [item(2, 'B')], T0 - 1);
    index.addPendingBatch(batchInfo(), [item(3, 'C')], T0);
    index.addPendingBatch(batchInfo(), [item(4, 'D')], T0 + 1);
    const { data, pruned } = index.encode(new Date(), T0);
    expect(pruned).toBe(2);
    const loaded = AlertIndex.decode(data, WHERE);
    expect(loaded.size).toBe(2);
    expect(loaded.covers(item(1, 'A'), 'id')).toBe(false);
    expect(loaded.covers(item(2, 'B'), 'id')).toBe(false);
    expect(loaded.covers(item(3, 'C'), 'id')).toBe(true);
    expect(loaded.covers(item(4, 'D'), 'id')).toBe(true);
  });

  it('prunes loaded entries and entries added in this run alike', () => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    first.addPendingBatch(batchInfo(), [item('old-loaded', 'A'), item('kept-loaded', 'A')], T0);
    const second = roundTrip(first);
    second.classify(keyOf('kept-loaded'), fp('A'), 'content', T0 + 1000);
    second.addPendingBatch(batchInfo(), [item('old-added', 'B')], T0 + 10);
    second.addPendingBatch(batchInfo(), [item('kept-added', 'B')], T0 + 1000);
    const { data, pruned } = second.encode(new Date(), T0 + 500);
    expect(pruned).toBe(2);
    const third = AlertIndex.decode(data, WHERE);
    expect(third.size).toBe(2);
    expect(third.classify(keyOf('old-loaded'), fp('A'), 'content', T0)).toBe('new');
    expect(third.classify(keyOf('old-added'), fp('B'), 'content', T0)).toBe('new');
    expect(third.classify(keyOf('kept-loaded'), fp('A'), 'content', T0)).toBe('inFlight');
    expect(third.classify(keyOf('kept-added'), fp('B'), 'content', T0)).toBe('inFlight');
  });

  it('keeps alerts that classify saw recently: classify records last seen', () => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    const { seq } = first.addPendingBatch(batchInfo(), [item(1, 'A'), item(2, 'B'), item(3, 'C')], T0);
    first.settleBatch(seq, true);
    const second = roundTrip(first);
    expect(second.classify(keyOf(1), fp('A'), 'content', T0 + 3600)).toBe('unchanged');
    expect(second.classify(keyOf(2), fp('changed'), 'id', T0 + 3600)).toBe('unchanged');
    const { data, pruned } = second.encode(new Date(), T0 + 1);
    expect(pruned).toBe(1);
    const third = AlertIndex.decode(data, WHERE);
    expect(third.covers(item(1, 'A'), 'content')).toBe(true);
    expect(third.covers(item(2, 'B'), 'content')).toBe(true);
    expect(third.covers(item(3, 'C'), 'id')).toBe(false);
    expect(storedEntry(third, keyOf(1))!.readUInt32LE(LAST_SEEN_OFFSET)).toBe(T0 + 3600);
    expect(storedEntry(third, keyOf(1))!.readUInt32LE(FIRST_SEEN_OFFSET)).toBe(T0);
  });

  it('can encode the same index twice with the same result', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A'), item(2, 'B')], T0);
    const when = new Date(T0 * 1000);
    expect(index.encode(when).data.equals(index.encode(when).data)).toBe(true);
  });

  it('keeps the header pending batches when pruning', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    const pending = index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    const loaded = AlertIndex.decode(index.encode(new Date(), T0 + 10).data, WHERE);
    expect(loaded.header.pendingBatches).toEqual([pending]);
  });
});

describe('AlertIndex merges entries added in a run with loaded ones in sorted order', () => {
  it('interleaves an added key between two loaded keys', () => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    first.addPendingBatch(
      batchInfo(),
      [
        { key: rawKey(0x10), fingerprint: fp('a') },
        { key: rawKey(0x30), fingerprint: fp('c') },
      ],
      T0,
    );
    const second = roundTrip(first);
    second.addPendingBatch(batchInfo(), [{ key: rawKey(0x20), fingerprint: fp('b') }], T0);
    expect(storedKeys(second)).toEqual(
      [rawKey(0x10), rawKey(0x20), rawKey(0x30)].map((key) => key.toString('hex')),
    );
    const third = roundTrip(second);
    for (const [first, content] of [
      [0x10, 'a'],
      [0x20, 'b'],
      [0x30, 'c'],
    ] as const) {
      expect(third.classify(rawKey(first), fp(content), 'content', T0)).toBe('inFlight');
    }
  });

  it.each<[string, number[], number[]]>([
    ['added keys all before loaded ones', [0x50, 0x60], [0x10, 0x20]],
    ['added keys all after loaded ones', [0x10, 0x20], [0x50, 0x60]],
    ['alternating keys', [0x10, 0x30, 0x50], [0x20, 0x40, 0x60]],
    ['one loaded key among many added', [0x80], [0x01, 0x7f, 0x81, 0xff]],
  ])('stores %s in ascending key order', (_name, loadedFirsts, addedFirsts) => {
    const first = AlertIndex.empty(SUBSCRIPTION);
    first.addPendingBatch(
      batchInfo(),
      loadedFirsts.map((b) => ({ key: rawKey(b), fingerprint: fp('x') })),
      T0,
    );
    const second = roundTrip(first);
    second.addPendingBatch(
      batchInfo(),
      addedFirsts.map((b) => ({ key: rawKey(b), fingerprint: fp('x') })),
      T0,
    );
    const expected = [...loadedFirsts, ...addedFirsts]
      .sort((a, b) => a - b)
      .map((b) => rawKey(b).toString('hex'));
    expect(storedKeys(second)).toEqual(expected);
    const third = roundTrip(second);
    for (const b of [...loadedFirsts, ...addedFirsts])
      expect(third.covers({ key: rawKey(b), fingerprint: fp('x') }, 'content')).toBe(true);
  });

  it('finds every one of 5,000 random keys added in batches across encode/decode cycles (seeded)', () => {
    const random = prng(0xdfc1);
    const all: BatchItem[] = [];
    const seenKeys = new Set<string>();
    while (all.length < 5000) {
      const key = Buffer.alloc(12);
      for (let i = 0; i < 12; i += 1) key[i] = Math.floor(random() * 256);
      // A few keys share long prefixes, to exercise every word of the comparison.
      if (all.length % 50 === 1) all[all.length - 1]!.key.copy(key, 0, 0, 4 + Math.floor(random() * 7));
      if (seenKeys.has(key.toString('hex'))) continue;
      seenKeys.add(key.toString('hex'));
      all.push({ key, fingerprint: fp(`content-${all.length}`) });
    }

    const batchSizes = [1, 999, 1500, 7, 1493, 1000];
    let index = AlertIndex.empty(SUBSCRIPTION);
    let added = 0;
    for (const [cycle, size] of batchSizes.entries()) {
      const batch = all.slice(added, added + size);
      // Two batches per cycle, one settled delivered and one left pending.
      const half = Math.floor(batch.length / 2);
      const delivered = index.addPendingBatch(batchInfo(half), batch.slice(0, half), T0 + cycle);
      index.addPendingBatch(batchInfo(batch.length - half), batch.slice(half), T0 + cycle);
      index.settleBatch(delivered.seq, true);
      added += batch.length;
      expect(index.size).toBe(added);

      index = roundTrip(index);
      expect(index.size).toBe(added);
      const keys = storedKeys(index);
      expect(keys).toEqual([...keys].sort());
      const missing = all.slice(0, added).filter((entry) => !index.covers(entry, 'content'));
      expect(missing.length).toBe(0);
      for (const entry of all.slice(added, added + 100)) expect(index.covers(entry, 'id')).toBe(false);
    }
    expect(added).toBe(5000);
    for (const entry of all)
      expect(index.classify(entry.key, entry.fingerprint, 'content', T0 + 99)).not.toBe('new');
  });
});

describe('AlertIndex.decode', () => {
  it('refuses damaged data with the decode message', () => {
    const data = AlertIndex.empty(SUBSCRIPTION).encode(new Date(T0 * 1000)).data;
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    expect(() => AlertIndex.decode(data, WHERE)).toThrow(
      new Error(
        `The hash index ${WHERE} is unreadable (checksum mismatch). It was left as it is. Restore an earlier ` +
          `version of the blob (soft delete or versioning), or start afresh on purpose with 'npm run alerts -- ` +
          `reset-index', which says how many alerts (every one Defender for Cloud still holds, up to 90 days) ` +
          `will be delivered again.`,
      ),
    );
  });

  it('keeps the subscription id and batch sequence of the saved header', () => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    index.addPendingBatch(batchInfo(), [item(1, 'A')], T0);
    const loaded = roundTrip(index);
    expect(loaded.header.subscriptionId).toBe(SUBSCRIPTION);
    expect(loaded.header.nextBatchSeq).toBe(2);
  });
});
