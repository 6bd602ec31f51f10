import { randomUUID } from 'node:crypto';
import { AlertIndex } from '../../../src/dedupe/alertIndex';
import { BlobIndexStore } from '../../../src/dedupe/blobIndexStore';
import { BlobCollectionMarker, InMemoryCollectionMarker } from '../../../src/dedupe/collectionMarker';
import { alertKey, contentFingerprint } from '../../../src/dedupe/fingerprint';
import { InMemoryIndexStore } from '../../../src/dedupe/inMemoryIndexStore';
import { IndexConflictError, type IndexStore } from '../../../src/dedupe/indexStore';
import { blobService } from '../../support/collectorHarness';

const SUBSCRIPTION = '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER_SUBSCRIPTION = '0f0e0d0c-0b0a-4908-8706-050403020100';
const T0 = 1_750_000_000;

interface StoreUnderTest {
  store: IndexStore;
  /** Deletes the index itself (not the marker), as an operator or a lifecycle rule might. */
  deleteIndex: () => Promise<void>;
  /** Puts raw bytes where the index is. */
  putRaw: (data: Buffer) => Promise<void>;
  markerLocation: string;
}

const stores: { name: string; create: () => StoreUnderTest }[] = [
  {
    name: 'in memory',
    create: () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      return {
        store,
        deleteIndex: () => Promise.resolve(void (store.data = undefined)),
        putRaw: async (data) => void (await store.save(data, store.etag)),
        markerLocation: store.marker.location,
      };
    },
  },
  {
    name: 'blob on Azurite',
    create: () => {
      const suffix = randomUUID().slice(0, 8);
      const index = blobService().getContainerClient(`index-${suffix}`);
      const marker = new BlobCollectionMarker(
        blobService().getContainerClient(`outbox-${suffix}`),
        SUBSCRIPTION,
      );
      const blobName = `${SUBSCRIPTION}.index`;
      return {
        store: new BlobIndexStore(index, blobName, SUBSCRIPTION, marker),
        deleteIndex: async () => void (await index.delete()),
        putRaw: async (data) => {
          await index.createIfNotExists();
          await index.getBlockBlobClient(blobName).upload(data, data.length);
        },
        markerLocation: marker.location,
      };
    },
  },
];

function indexWith(subscriptionId: string, ...ids: string[]): Buffer {
  const index = AlertIndex.empty(subscriptionId);
  index.addPendingBatch(
    { id: 'run', createdAt: '2025-01-01T00:00:00.000Z', recordCount: ids.length, ref: '' },
    ids.map((id) => ({ key: alertKey(id), fingerprint: contentFingerprint({ id }) })),
    T0,
  );
  return index.encode(new Date(T0 * 1000)).data;
}
const ours = (...ids: string[]) => indexWith(SUBSCRIPTION, ...ids);

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe.each(stores)('the index store ($name)', ({ create }) => {
  it('loads an empty index for the subscription, without an ETag, on a first run', async () => {
    const { store } = create();
    const { index, etag } = await store.load();
    expect(etag).toBeUndefined();
    expect(index.size).toBe(0);
    expect(index.header.subscriptionId).toBe(SUBSCRIPTION);
  });

  it('creates the index when saved without an ETag, and loads it with the ETag the save returned', async () => {
    const { store } = create();
    const etag = await store.save(ours('a'), undefined);
    const loaded = await store.load();
    expect(loaded.etag).toBe(etag);
    expect(loaded.index.size).toBe(1);
  });

  it('refuses to create the index when another run created it first, and keeps theirs', async () => {
    const { store } = create();
    await store.save(ours('theirs'), undefined);
    const error = await failureOf(store.save(ours('mine', 'too'), undefined));
    expect(error).toBeInstanceOf(IndexConflictError);
    expect(error.message).toBe(
      `The hash index '${store.location}' was changed by another run while this run was working.`,
    );
    expect((await store.load()).index.size).toBe(1);
  });

  it('replaces the index when saved with the current ETag and returns a new ETag', async () => {
    const { store } = create();
    const first = await store.save(ours('a'), undefined);
    const second = await store.save(ours('a', 'b'), first);
    expect(second).not.toBe(first);
    const { index, etag } = await store.load();
    expect(etag).toBe(second);
    expect(index.size).toBe(2);
  });

  it('lets only the first of two runs that loaded the same version save', async () => {
    const { store } = create();
    await store.save(ours('a'), undefined);
    const runA = await store.load();
    const runB = await store.load();
    await store.save(ours('a', 'x'), runA.etag);
    expect(await failureOf(store.save(ours('a', 'y'), runB.etag))).toBeInstanceOf(IndexConflictError);
    const reloaded = await store.load();
    expect(reloaded.index.size).toBe(2);
    await expect(store.save(ours('a', 'x', 'y'), reloaded.etag)).resolves.toEqual(expect.any(String));
  });

  it('gives each load its own copy, so that classifying does not change the stored index', async () => {
    const { store } = create();
    await store.save(ours('a'), undefined);
    const first = await store.load();
    expect(first.index.classify(alertKey('a'), contentFingerprint({ id: 'a' }), 'content', T0 + 9)).toBe(
      'inFlight',
    );
    first.index.settleBatch(1, true);
    const second = await store.load();
    expect(second.index.header.pendingBatches).toHaveLength(1);
  });

  it('refuses to load damaged data, naming its location, and says how to recover', async () => {
    const { store, putRaw } = create();
    await putRaw(Buffer.from('not an index at all, just text'));
    const error = await failureOf(store.load());
    expect(error.message).toMatch(
      new RegExp(
        `^The hash index '?${store.location}'? is unreadable \\(not an index blob\\)\\. It was left as it is\\.`,
      ),
    );
  });

  it("refuses another subscription's index, naming both, and leaves it as it is", async () => {
    const { store, putRaw } = create();
    await putRaw(indexWith(OTHER_SUBSCRIPTION, 'x'));
    const error = await failureOf(store.load());
    expect(error.message).toBe(
      `The hash index '${store.location}' belongs to subscription '${OTHER_SUBSCRIPTION}', not ` +
        `'${SUBSCRIPTION}'. It was left as it is. Check 'index_blob' (each subscription needs its own index ` +
        `blob), or restore the right blob.`,
    );
  });

  it('takes a missing index for a lost one, not a first run, once the subscription was collected', async () => {
    const { store, deleteIndex, markerLocation } = create();
    await store.save(ours('a'), undefined);
    await deleteIndex();
    const error = await failureOf(store.load());
    expect(error.message).toBe(
      `The hash index '${store.location}' is missing, but subscription '${SUBSCRIPTION}' was collected before ` +
        `('${markerLocation}' records it). Starting afresh would deliver every alert of the last 90 days again, ` +
        `so the run stops. Restore the index: undelete it or promote an earlier version (soft delete and ` +
        `versioning are on for the index container in the Bicep deployment; az storage blob undelete, or ` +
        `az storage blob copy start from a version). Or start afresh on purpose: 'npm run alerts -- reset-index' ` +
        `says how many alerts will be sent again and, with --yes, removes '${markerLocation}'.`,
    );
  });
});

describe('the collection marker', () => {
  it.each([
    ['in memory', () => new InMemoryCollectionMarker()],
    [
      'blob on Azurite',
      () =>
        new BlobCollectionMarker(
          blobService().getContainerClient(`marker-${randomUUID().slice(0, 8)}`),
          SUBSCRIPTION,
        ),
    ],
  ])('%s: is recorded once, survives a second record, and can be removed', async (_name, create) => {
    const marker = create();
    expect(await marker.exists()).toBe(false);
    await marker.record(new Date(T0 * 1000));
    await marker.record(new Date(T0 * 1000 + 5_000));
    expect(await marker.exists()).toBe(true);
    await marker.remove();
    expect(await marker.exists()).toBe(false);
  });
});

describe('the blob index store with a listing taken before the run', () => {
  function listedStore(listed: { index: boolean; marker: boolean }) {
    const suffix = randomUUID().slice(0, 8);
    const index = blobService().getContainerClient(`index-${suffix}`);
    const marker = new BlobCollectionMarker(
      blobService().getContainerClient(`outbox-${suffix}`),
      SUBSCRIPTION,
    );
    const blobName = `${SUBSCRIPTION}.index`;
    const create = (listedNow?: typeof listed) =>
      new BlobIndexStore(index, blobName, SUBSCRIPTION, marker, { listed: listedNow });
    return { store: create(listed), create, marker };
  }

  it('takes an unlisted index with a listed marker for a lost one, and stops', async () => {
    const { store, marker } = listedStore({ index: false, marker: true });
    const error = await failureOf(store.load());
    expect(error.message).toMatch(
      new RegExp(
        `^The hash index '${store.location}' is missing, but subscription '${SUBSCRIPTION}' was collected ` +
          `before \\('${marker.location}' records it\\)`,
      ),
    );
  });

  it('still stops when the listed index was deleted before it was read and its marker is there', async () => {
    const { store, create } = listedStore({ index: true, marker: false });
    await create().save(ours('a'), undefined);
    await blobService().getContainerClient(store.location.split('/')[0]!).deleteBlob(`${SUBSCRIPTION}.index`);
    const error = await failureOf(store.load());
    expect(error.message).toMatch(/^The hash index '.*' is missing, but subscription/);
  });

  it('an index created after the listing makes the create conflict, and the reload reads it', async () => {
    const { store, create } = listedStore({ index: false, marker: false });
    const loaded = await store.load();
    expect(loaded.etag).toBeUndefined();
    await create().save(ours('theirs'), undefined);
    expect(await failureOf(store.save(ours('mine'), loaded.etag))).toBeInstanceOf(IndexConflictError);
    const reloaded = await store.load();
    expect(reloaded.etag).toEqual(expect.any(String));
    expect(reloaded.index.size).toBe(1);
  });
});
