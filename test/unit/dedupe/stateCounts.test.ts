import { AlertIndex, type BatchItem, type IndexStateCounts } from '../../../src/dedupe/alertIndex';
import { alertKey, contentFingerprint } from '../../../src/dedupe/fingerprint';

const SUBSCRIPTION = '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b';
const T0 = 1_750_000_000;

const item = (n: number, content = 'A'): BatchItem => ({
  key: alertKey(
    `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/locations/westeurope/alerts/${n}`,
  ),
  fingerprint: contentFingerprint({ content }),
});
const items = (...ns: number[]): BatchItem[] => ns.map((n) => item(n));
const batch = (id: string, at: number) => ({
  id,
  createdAt: new Date(at * 1000).toISOString(),
  recordCount: 1,
  ref: '',
});
const counts = (partial: Partial<IndexStateCounts>): IndexStateCounts => ({
  delivered: 0,
  pending: 0,
  undelivered: 0,
  neverDelivered: 0,
  oldestNeverDeliveredFirstSeenInSeconds: undefined,
  ...partial,
});
const roundTrip = (index: AlertIndex): AlertIndex =>
  AlertIndex.decode(index.encode(new Date(T0 * 1000)).data, 'test/sub.index');

describe('AlertIndex.stateCounts', () => {
  it('counts nothing in an empty index', () => {
    expect(AlertIndex.empty(SUBSCRIPTION).stateCounts()).toEqual(counts({}));
  });

  it.each<[string, (index: AlertIndex) => void, Partial<IndexStateCounts>]>([
    [
      'alerts in a pending batch are pending and never delivered, the oldest first seen first',
      (index) => {
        index.addPendingBatch(batch('a', T0), items(1, 2), T0);
        index.addPendingBatch(batch('b', T0 + 60), items(3), T0 + 60);
      },
      { pending: 3, neverDelivered: 3, oldestNeverDeliveredFirstSeenInSeconds: T0 },
    ],
    [
      'alerts of a batch found in the outbox are delivered',
      (index) => index.settleBatch(index.addPendingBatch(batch('a', T0), items(1, 2), T0).seq, true),
      { delivered: 2 },
    ],
    [
      'alerts of a batch that never reached the outbox are undelivered',
      (index) => index.settleBatch(index.addPendingBatch(batch('a', T0), items(1, 2), T0).seq, false),
      { undelivered: 2, neverDelivered: 2, oldestNeverDeliveredFirstSeenInSeconds: T0 },
    ],
    [
      'alerts the local runner wrote itself are delivered',
      (index) => index.recordDelivered(items(1, 2, 3), T0),
      { delivered: 3 },
    ],
    [
      'a new version of a delivered alert in flight is pending, but was delivered once',
      (index) => {
        index.recordDelivered(items(1, 2), T0);
        index.addPendingBatch(batch('a', T0 + 60), [item(1, 'B')], T0 + 60);
      },
      { delivered: 1, pending: 1 },
    ],
    [
      'a new version of a delivered alert whose batch failed is undelivered, but was delivered once',
      (index) => {
        index.recordDelivered(items(1), T0);
        index.settleBatch(index.addPendingBatch(batch('a', T0 + 60), [item(1, 'B')], T0 + 60).seq, false);
      },
      { undelivered: 1 },
    ],
  ])('%s', (_, build, expected) => {
    const index = AlertIndex.empty(SUBSCRIPTION);
    build(index);
    expect(index.stateCounts()).toEqual(counts(expected));
    expect(roundTrip(index).stateCounts()).toEqual(counts(expected));
  });

  it('counts loaded entries and entries added since alike, and finds the oldest among both', () => {
    const saved = AlertIndex.empty(SUBSCRIPTION);
    saved.addPendingBatch(batch('a', T0 + 100), items(1, 2), T0 + 100);
    saved.recordDelivered(items(3), T0);
    const loaded = roundTrip(saved);
    loaded.addPendingBatch(batch('b', T0 + 200), items(4), T0 + 50);
    expect(loaded.stateCounts()).toEqual(
      counts({
        delivered: 1,
        pending: 3,
        neverDelivered: 3,
        oldestNeverDeliveredFirstSeenInSeconds: T0 + 50,
      }),
    );
  });

  it('reads only: the index encodes to the same bytes before and after', () => {
    const index = roundTrip(
      (() => {
        const seed = AlertIndex.empty(SUBSCRIPTION);
        seed.addPendingBatch(batch('a', T0), items(1, 2, 3), T0);
        return seed;
      })(),
    );
    const before = index.encode(new Date(T0 * 1000)).data;
    index.stateCounts();
    expect(index.encode(new Date(T0 * 1000)).data.equals(before)).toBe(true);
  });
});
