import { AlertIndex } from '../../../src/dedupe/alertIndex';
import { alertKey, contentFingerprint } from '../../../src/dedupe/fingerprint';
import { InMemoryIndexStore } from '../../../src/dedupe/inMemoryIndexStore';
import { IndexConflictError } from '../../../src/dedupe/indexStore';

const SUBSCRIPTION = '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b';
const CONFLICT = "The hash index 'memory/index' was changed by another run while this run was working.";
const T0 = 1_750_000_000;

function indexWith(...ids: string[]): Buffer {
  const index = AlertIndex.empty(SUBSCRIPTION);
  index.addPendingBatch(
    {
      id: 'run',
      createdAt: '2025-01-01T00:00:00.000Z',
      recordCount: ids.length,
      confirmation: { kind: 'hostWrite', retryCount: 0, maxRetryCount: 5 },
    },
    ids.map((id) => ({ key: alertKey(id), fingerprint: contentFingerprint({ id }) })),
    T0,
  );
  return index.encode(new Date(T0 * 1000)).data;
}

async function conflictOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the save to be refused');
}

describe('InMemoryIndexStore', () => {
  it('loads an empty index for the subscription, without an ETag, when nothing was saved', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const { index, etag } = await store.load();
    expect(etag).toBeUndefined();
    expect(store.etag).toBeUndefined();
    expect(index.size).toBe(0);
    expect(index.header.subscriptionId).toBe(SUBSCRIPTION);
    expect(store.location).toBe('memory/index');
  });

  it('creates the index when saved without an ETag and nothing exists', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const data = indexWith('a');
    await expect(store.save(data, undefined)).resolves.toBe('"1"');
    expect(store.etag).toBe('"1"');
    expect(store.saves).toBe(1);
    expect(store.data!.equals(data)).toBe(true);
  });

  it('refuses to create the index when another run created it first', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const theirs = indexWith('theirs');
    await store.save(theirs, undefined);
    const error = await conflictOf(store.save(indexWith('mine'), undefined));
    expect(error).toBeInstanceOf(IndexConflictError);
    expect(error).toEqual(new Error(CONFLICT));
    expect((error as Error).name).toBe('IndexConflictError');
    expect(store.data!.equals(theirs)).toBe(true);
    expect(store.saves).toBe(1);
    expect(store.etag).toBe('"1"');
  });

  it('replaces the index when saved with the current ETag and returns a new ETag', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const first = await store.save(indexWith('a'), undefined);
    const second = await store.save(indexWith('a', 'b'), first);
    expect(second).toBe('"2"');
    expect(second).not.toBe(first);
    expect(store.saves).toBe(2);
    const { index, etag } = await store.load();
    expect(etag).toBe('"2"');
    expect(index.size).toBe(2);
  });

  it('refuses a save with a stale ETag and keeps the newer index', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const stale = await store.save(indexWith('a'), undefined);
    const current = await store.save(indexWith('a', 'b'), stale);
    const error = await conflictOf(store.save(indexWith('c'), stale));
    expect(error).toBeInstanceOf(IndexConflictError);
    expect((error as Error).message).toBe(CONFLICT);
    expect(store.etag).toBe(current);
    expect((await store.load()).index.size).toBe(2);
  });

  it('refuses a save with an ETag when no index exists', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const error = await conflictOf(store.save(indexWith('a'), '"1"'));
    expect(error).toBeInstanceOf(IndexConflictError);
    expect(store.data).toBeUndefined();
    expect(store.saves).toBe(0);
  });

  it('lets only the first of two runs that loaded the same version save', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await store.save(indexWith('a'), undefined);
    const runA = await store.load();
    const runB = await store.load();
    await expect(store.save(indexWith('a', 'x'), runA.etag)).resolves.toBe('"2"');
    await expect(store.save(indexWith('a', 'y'), runB.etag)).rejects.toThrow(
      new IndexConflictError('memory/index'),
    );
    const reloaded = await store.load();
    await expect(store.save(indexWith('a', 'x', 'y'), reloaded.etag)).resolves.toBe('"3"');
  });

  it('keeps its own copy of the saved data', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const data = indexWith('a');
    const copy = Buffer.from(data);
    await store.save(data, undefined);
    data.fill(0);
    expect(store.data!.equals(copy)).toBe(true);
  });

  it('gives each load its own copy, so that classify does not change the stored index', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await store.save(indexWith('a'), undefined);
    const before = Buffer.from(store.data!);
    const { index } = await store.load();
    expect(index.classify(alertKey('a'), contentFingerprint({ id: 'a' }), 'content', T0 + 999)).toBe(
      'inFlight',
    );
    expect(store.data!.equals(before)).toBe(true);
  });

  it('refuses to load damaged data, naming its location', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await store.save(Buffer.from('not an index at all, just text'), undefined);
    await expect(store.load()).rejects.toThrow(
      new Error(
        'The hash index memory/index is unreadable (not an index blob). It was left as it is. Restore an ' +
          'earlier version of the blob (soft delete or versioning), or delete it to start afresh, knowing that ' +
          'every alert Defender for Cloud still holds (up to 90 days) is then delivered again.',
      ),
    );
  });
});
