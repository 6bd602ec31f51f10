import { InMemoryAlertSource, type AlertPage, type AlertSource } from '../../../src/defender/alertSource';
import { InMemoryIndexStore } from '../../../src/dedupe/inMemoryIndexStore';
import type { IndexStore, LoadedIndex } from '../../../src/dedupe/indexStore';
import { InMemorySink, type DirectSink } from '../../../src/delivery/sinks';
import { collectAlerts, type CollectAlertsOptions } from '../../../src/pipeline/collectAlerts';
import { concurrencyLimit } from '../../../src/pipeline/concurrencyLimit';
import { sharedFlush } from '../../../src/pipeline/sharedFlush';
import { RecordingLogger } from '../../../src/telemetry/logger';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const START = Date.parse('2026-01-01T00:00:00Z');

function alert(n: number) {
  return {
    id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/locations/westeurope/alerts/alert-${n}`,
    name: `alert-${n}`,
    properties: {
      alertDisplayName: `Alert ${n}`,
      status: 'Active',
      timeGeneratedUtc: '2025-12-31T10:00:00Z',
    },
  };
}

function run(options: Partial<CollectAlertsOptions> & { source: AlertSource; store: IndexStore }) {
  return collectAlerts({
    sink: new InMemorySink(),
    judge: { judge: () => Promise.resolve('unknown') },
    subscriptionId: SUBSCRIPTION,
    dedupeMode: 'content',
    recordFormat: 'raw',
    maxAlertsPerRun: 1_000,
    logger: new RecordingLogger(),
    now: () => new Date(START),
    ...options,
  });
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((done) => setImmediate(done));

describe('index writes of a run with nothing to deliver', () => {
  it('leaves the index as it is within a day of its last write, and rewrites it a day later', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const pages = [[alert(1), alert(2)]];
    await run({ source: new InMemoryAlertSource(pages), store });
    expect(store.saves).toBe(1);
    const written = Buffer.from(store.data!);

    const anHourLater = await run({
      source: new InMemoryAlertSource(pages),
      store,
      now: () => new Date(START + HOUR_MS),
    });
    expect(anHourLater.summary).toMatchObject({ unchanged: 2, delivered: 0, indexSize: 2, pruned: 0 });
    expect(store.saves).toBe(1);
    expect(store.data).toEqual(written);

    await run({ source: new InMemoryAlertSource(pages), store, now: () => new Date(START + DAY_MS) });
    expect(store.saves).toBe(2);
  });

  it('keeps an alert listed every twelve hours for 120 days, and forgets one unseen for 97 days', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1), alert(2)]]), store });
    const sizes: number[] = [];
    for (let hours = 12; hours <= 120 * 24; hours += 12) {
      const { summary } = await run({
        source: new InMemoryAlertSource([[alert(1)]]),
        store,
        now: () => new Date(START + hours * HOUR_MS),
      });
      expect(summary.new).toBe(0);
      sizes.push(summary.indexSize);
    }
    // Pruned by the first write past 97 days unseen: the one at day 98 (writes come a day apart).
    expect(sizes.indexOf(1) / 2 + 0.5).toBe(98);
    expect(sizes.slice(sizes.indexOf(1))).toEqual(sizes.slice(sizes.indexOf(1)).map(() => 1));
    expect(store.saves).toBe(1 + 120);
  });

  it('rewrites an index whose last write is dated ahead of the run’s clock', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store, now: () => new Date(START + HOUR_MS) });
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store });
    expect(store.saves).toBe(2);
  });

  it('creates the index of a subscription with no alerts, so that the next run reads it and nothing more', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[]]), store });
    expect(store.saves).toBe(1);
    expect(await store.marker.exists()).toBe(true);
  });
});

describe('a run’s reads and its commit', () => {
  it('requests the first page while the index loads', async () => {
    const events: string[] = [];
    const inner = new InMemoryIndexStore(SUBSCRIPTION);
    const loading = deferred();
    const store: IndexStore = {
      location: inner.location,
      load: async (): Promise<LoadedIndex> => {
        events.push('index load started');
        await loading.promise;
        events.push('index loaded');
        return inner.load();
      },
      save: (data, etag) => inner.save(data, etag),
    };
    const source: AlertSource = {
      async *pages(): AsyncIterable<AlertPage> {
        events.push('page 1 requested');
        yield await Promise.resolve({ alerts: [alert(1)], pageNumber: 1 });
        events.push('page 2 requested');
        yield await Promise.resolve({ alerts: [alert(2)], pageNumber: 2 });
      },
    };
    const sink = new InMemorySink();
    const running = run({ source, store, sink });
    await settle();
    expect(events).toEqual(['page 1 requested', 'index load started']);
    loading.resolve();
    const { summary } = await running;
    expect(events).toEqual(['page 1 requested', 'index load started', 'index loaded', 'page 2 requested']);
    expect(summary).toMatchObject({ pages: 2, new: 2, delivered: 2 });
    expect(sink.records).toHaveLength(2);
  });

  it('fails with the index’s error when the index cannot be read, and lists no further', async () => {
    const requested: number[] = [];
    const store: IndexStore = {
      location: 'memory/index',
      load: () => Promise.reject(new Error("Failed to read hash index 'memory/index': HTTP 500")),
      save: () => Promise.reject(new Error('never called')),
    };
    const source: AlertSource = {
      async *pages(): AsyncIterable<AlertPage> {
        for (let page = 1; page <= 3; page += 1) {
          requested.push(page);
          yield await Promise.resolve({ alerts: [alert(page)], pageNumber: page });
        }
      },
    };
    await expect(run({ source, store })).rejects.toThrow(
      "Failed to read hash index 'memory/index': HTTP 500",
    );
    await settle();
    expect(requested).toEqual([1]);
  });

  it('frees its listing slot when the listing ends: another subscription lists while it commits', async () => {
    const slot = concurrencyLimit(1);
    const events: string[] = [];
    const inner = new InMemoryIndexStore(SUBSCRIPTION);
    const saving = deferred();
    const slowCommit: IndexStore = {
      location: inner.location,
      load: () => inner.load(),
      save: async (data, etag) => {
        events.push('A commit started');
        await saving.promise;
        events.push('A committed');
        return inner.save(data, etag);
      },
    };
    const listed = (name: string): AlertSource => ({
      async *pages(): AsyncIterable<AlertPage> {
        events.push(`${name} listing`);
        yield await Promise.resolve({ alerts: [alert(1)], pageNumber: 1 });
      },
    });
    const first = run({ source: listed('A'), store: slowCommit, listingSlot: slot });
    const second = run({
      source: listed('B'),
      store: new InMemoryIndexStore(SUBSCRIPTION),
      listingSlot: slot,
    });
    void second.then(() => events.push('B committed'));
    await settle();
    // Had A kept its slot through its commit, B would not have started listing.
    expect(events).toEqual(['A listing', 'B listing', 'A commit started', 'B committed']);
    saving.resolve();
    await first;
    expect(events.at(-1)).toBe('A committed');
  });
});

describe('sharedFlush', () => {
  /** A sink whose flushes wait until released, recording what each flush covers. */
  function gatedSink() {
    const written: string[] = [];
    const flushes: { covers: string[]; release: () => void }[] = [];
    const sink: DirectSink = {
      kind: 'direct',
      write: (records) => {
        written.push(...records);
        return Promise.resolve();
      },
      flush: () => {
        const gate = deferred();
        flushes.push({ covers: [...written], release: gate.resolve });
        return gate.promise;
      },
    };
    return { sink, flushes };
  }

  it('resolves a flush only once a flush started after the call has made every earlier write durable', async () => {
    const { sink, flushes } = gatedSink();
    const shared = sharedFlush(sink);
    await shared.write(['a']);
    const flushedA = shared.flush();
    let aDone = false;
    void flushedA.then(() => (aDone = true));
    await settle();
    expect(flushes.map((each) => each.covers)).toEqual([['a']]);
    // Written while the first flush is in progress: those runs wait for one more, and share it.
    await shared.write(['b']);
    const flushedB = shared.flush();
    await shared.write(['c']);
    const flushedC = shared.flush();
    flushes[0]!.release();
    await flushedA;
    expect(aDone).toBe(true);
    await settle();
    expect(flushes.map((each) => each.covers)).toEqual([['a'], ['a', 'b', 'c']]);
    flushes[1]!.release();
    await Promise.all([flushedB, flushedC]);
    expect(flushes).toHaveLength(2);
  });

  it('fails every run that shares a failed flush, and the next flush is tried afresh', async () => {
    let calls = 0;
    const sink: DirectSink = {
      kind: 'direct',
      write: () => Promise.resolve(),
      flush: () => (calls++ === 0 ? Promise.reject(new Error('EIO: fsync failed')) : Promise.resolve()),
    };
    const shared = sharedFlush(sink);
    const [first, second] = [shared.flush(), shared.flush()];
    await expect(first).rejects.toThrow('EIO: fsync failed');
    await expect(second).rejects.toThrow('EIO: fsync failed');
    await expect(shared.flush()).resolves.toBeUndefined();
  });
});

describe('concurrencyLimit', () => {
  it('runs at most the limit at once, in call order, and frees a slot whatever the outcome', async () => {
    const limit = concurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred());
    const calls = gates.map((gate, n) =>
      limit(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await gate.promise;
        running -= 1;
        if (n === 0) throw new Error('work 0 failed');
        return n;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[0]!.resolve();
    await expect(calls[0]).rejects.toThrow('work 0 failed');
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate) => gate.resolve());
    expect(await Promise.all(calls.slice(1))).toEqual([1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});
