import { readAlertFilter } from '../../../src/config/alertFilter';
import { InMemoryAlertSource, type AlertSource } from '../../../src/defender/alertSource';
import { InMemoryIndexStore } from '../../../src/dedupe/inMemoryIndexStore';
import { IndexConflictError, type IndexStore } from '../../../src/dedupe/indexStore';
import type { PendingBatch } from '../../../src/dedupe/indexFormat';
import { collectAlerts, type CollectAlertsOptions } from '../../../src/pipeline/collectAlerts';
import type { BatchVerdict } from '../../../src/delivery/judge';
import { InMemorySink, type HandOverSink } from '../../../src/delivery/sinks';
import { RecordingLogger } from '../../../src/telemetry/logger';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const DAY_MS = 86_400_000;

function alert(n: number, status = 'Active', generatedAt = '2026-11-20T10:00:00Z') {
  return {
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Security/locations/westeurope/alerts/alert-${n}`,
    name: `alert-${n}`,
    type: 'Microsoft.Security/Locations/alerts',
    properties: { alertDisplayName: `Alert ${n}`, status, timeGeneratedUtc: generatedAt, severity: 'High' },
  };
}

class MemorySink extends InMemorySink {
  get written(): string[] {
    return this.records;
  }
  ids(): string[] {
    return this.written.map((record) => (JSON.parse(record) as { id: string }).id);
  }
}

function handOverSink(): HandOverSink<string[]> {
  return {
    kind: 'handOver',
    maxRecordBytes: 2_000,
    prepare: (records) => ({ payload: [...records], ref: `batch-of-${records.length}` }),
  };
}

const judgeSaying = (verdict: BatchVerdict) => ({ judge: () => Promise.resolve(verdict) });

function run(options: Partial<CollectAlertsOptions> & { source: AlertSource; store: IndexStore }) {
  return collectAlerts({
    sink: new MemorySink(),
    judge: judgeSaying('unknown'),
    subscriptionId: SUBSCRIPTION,
    dedupeMode: 'content',
    recordFormat: 'raw',
    maxAlertsPerRun: 1_000,
    logger: new RecordingLogger(),
    now: () => new Date('2026-11-23T12:00:00Z'),
    ...options,
  });
}

describe('collectAlerts', () => {
  it('delivers every alert on the first run and nothing on the second', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const pages = [[alert(1), alert(2)], [alert(3)]];
    const first = new MemorySink();
    const { summary } = await run({ source: new InMemoryAlertSource(pages), store, sink: first });
    expect(first.ids()).toEqual([alert(1).id, alert(2).id, alert(3).id]);
    expect(summary).toMatchObject({ fetched: 3, new: 3, unchanged: 0, delivered: 3, pages: 2, indexSize: 3 });

    const second = new MemorySink();
    const again = await run({ source: new InMemoryAlertSource(pages), store, sink: second });
    expect(second.written).toEqual([]);
    expect(again.summary).toMatchObject({ fetched: 3, new: 0, updated: 0, unchanged: 3, delivered: 0 });
  });

  it('handles an id listed twice in one run once, counts and logs the duplicate, and sends nothing on the next run', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const upper = { ...alert(2, 'Resolved'), id: alert(2).id.toUpperCase() };
    // The same alert twice (once in other letter case, with other content), and an exact repeat of another.
    const pages = [
      [alert(1), alert(2)],
      [upper, alert(1)],
    ];
    const first = new MemorySink();
    const logger = new RecordingLogger();
    const { summary } = await run({ source: new InMemoryAlertSource(pages), store, sink: first, logger });
    expect(first.written).toEqual([JSON.stringify(alert(1)), JSON.stringify(alert(2))]);
    expect(summary).toMatchObject({ fetched: 4, new: 2, duplicates: 2, delivered: 2, indexSize: 2 });
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'The listing returned an alert id a second time; only its first occurrence is used',
        fields: { alertId: upper.id, page: 2, position: 0 },
      },
      {
        level: 'warn',
        message: 'The listing returned an alert id a second time; only its first occurrence is used',
        fields: { alertId: alert(1).id, page: 2, position: 1 },
      },
    ]);

    for (const attempt of [1, 2]) {
      const next = new MemorySink();
      const again = await run({ source: new InMemoryAlertSource(pages), store, sink: next });
      expect({ attempt, written: next.written }).toEqual({ attempt, written: [] });
      expect(again.summary).toMatchObject({ new: 0, updated: 0, unchanged: 2, duplicates: 2 });
    }
  });

  it('counts the alerts a filter leaves out, records none of them, and delivers them once the filter is widened', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const low = { ...alert(1), properties: { ...alert(1).properties, severity: 'Low' } };
    const pages = [[low, alert(2)]];
    const narrow = new MemorySink();
    const first = await run({
      source: new InMemoryAlertSource(pages),
      store,
      sink: narrow,
      filter: readAlertFilter({ min_severity: 'High' }),
    });
    expect(narrow.ids()).toEqual([alert(2).id]);
    expect(first.summary).toMatchObject({ fetched: 2, filtered: 1, new: 1, delivered: 1, indexSize: 1 });
    const wide = new MemorySink();
    const second = await run({ source: new InMemoryAlertSource(pages), store, sink: wide });
    expect(wide.ids()).toEqual([low.id]);
    expect(second.summary).toMatchObject({ filtered: 0, new: 1, unchanged: 1 });
  });

  it('writes each record exactly as the API returned it', async () => {
    const sink = new MemorySink();
    const original = alert(7);
    await run({
      source: new InMemoryAlertSource([[original]]),
      store: new InMemoryIndexStore(SUBSCRIPTION),
      sink,
    });
    expect(sink.written).toEqual([JSON.stringify(original)]);
  });

  it('an alert resolved since the last run is delivered once as an update in content mode', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1), alert(2)]]), store });
    const sink = new MemorySink();
    const { summary } = await run({
      source: new InMemoryAlertSource([[alert(1, 'Resolved'), alert(2)]]),
      store,
      sink,
    });
    expect(sink.ids()).toEqual([alert(1).id]);
    expect(summary).toMatchObject({ new: 0, updated: 1, unchanged: 1 });
    const third = new MemorySink();
    await run({ source: new InMemoryAlertSource([[alert(1, 'Resolved'), alert(2)]]), store, sink: third });
    expect(third.written).toEqual([]);
  });

  it('an alert resolved since the last run is not delivered again in id mode', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store, dedupeMode: 'id' });
    const sink = new MemorySink();
    const { summary } = await run({
      source: new InMemoryAlertSource([[alert(1, 'Resolved')]]),
      store,
      sink,
      dedupeMode: 'id',
    });
    expect(sink.written).toEqual([]);
    expect(summary).toMatchObject({ updated: 0, unchanged: 1 });
  });

  it('envelope records carry the change kind and the same event id for the same content', async () => {
    const sink = new MemorySink();
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store, sink, recordFormat: 'envelope' });
    await run({
      source: new InMemoryAlertSource([[alert(1, 'Resolved')]]),
      store,
      sink,
      recordFormat: 'envelope',
    });
    const [created, updated] = sink.written.map((record) => JSON.parse(record) as Record<string, unknown>);
    expect(created).toMatchObject({ eventType: 'created', subscriptionId: SUBSCRIPTION, alert: alert(1) });
    expect(updated).toMatchObject({ eventType: 'updated', alert: alert(1, 'Resolved') });
    expect(created?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created?.eventId).not.toEqual(updated?.eventId);
  });

  it('caps a run at max_alerts_per_run and delivers the rest over the next runs', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const pages = [
      [alert(1), alert(2), alert(3), alert(4)],
      [alert(5), alert(6), alert(7)],
    ];
    const delivered: string[] = [];
    const backlogs: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const sink = new MemorySink();
      const { summary } = await run({
        source: new InMemoryAlertSource(pages),
        store,
        sink,
        maxAlertsPerRun: 3,
      });
      delivered.push(...sink.ids());
      backlogs.push(summary.backlog);
      expect(sink.written.length).toBeLessThanOrEqual(3);
    }
    expect(backlogs).toEqual([4, 1, 0, 0]);
    expect(new Set(delivered).size).toBe(7);
    expect(delivered).toHaveLength(7);
  });

  it('skips and counts alerts that cannot be processed while the rest are delivered', async () => {
    const logger = new RecordingLogger();
    const sink = new MemorySink();
    const pages = [[alert(1), 'not an alert', null, { name: 'no id' }, [1, 2], alert(2)]];
    const { summary } = await run({
      source: new InMemoryAlertSource(pages),
      store: new InMemoryIndexStore(SUBSCRIPTION),
      sink,
      logger,
    });
    expect(sink.ids()).toEqual([alert(1).id, alert(2).id]);
    expect(summary).toMatchObject({ fetched: 6, failed: 4, new: 2 });
    expect(
      logger.lines.filter((line) => line.level === 'error').map((line) => [line.message, line.fields]),
    ).toEqual([
      ['Skipped an alert that cannot be processed: expected an object, got string', { page: 1, position: 1 }],
      ['Skipped an alert that cannot be processed: expected an object, got null', { page: 1, position: 2 }],
      ["Skipped an alert that cannot be processed: it has no 'id'", { page: 1, position: 3 }],
      [
        'Skipped an alert that cannot be processed: expected an object, got an array',
        { page: 1, position: 4 },
      ],
    ]);
  });

  it('leaves the index untouched when the listing fails part-way', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store });
    const before = Buffer.from(store.data!);
    const failing: AlertSource = {
      async *pages() {
        yield await Promise.resolve({ alerts: [alert(2)], pageNumber: 1 });
        throw new Error('page 2 failed');
      },
    };
    await expect(run({ source: failing, store })).rejects.toThrow('page 2 failed');
    expect(store.data).toEqual(before);
    expect(store.saves).toBe(1);
  });

  it('forgets alerts unseen for longer than retention plus a week, and only after a complete listing', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const start = new Date('2026-01-01T00:00:00Z').getTime();
    await run({ source: new InMemoryAlertSource([[alert(1), alert(2)]]), store, now: () => new Date(start) });
    const at96Days = await run({
      source: new InMemoryAlertSource([[alert(2)]]),
      store,
      now: () => new Date(start + 96 * DAY_MS),
    });
    expect(at96Days.summary).toMatchObject({ pruned: 0, indexSize: 2 });
    const at98Days = await run({
      source: new InMemoryAlertSource([[alert(2)]]),
      store,
      now: () => new Date(start + 98 * DAY_MS),
    });
    expect(at98Days.summary).toMatchObject({ pruned: 1, indexSize: 1 });
  });

  describe('with a hand-over sink (the Functions output binding)', () => {
    it('records the batch as pending and lets a later run confirm it', async () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      const first = await run({
        source: new InMemoryAlertSource([[alert(1), alert(2)]]),
        store,
        sink: handOverSink(),
      });
      expect(first.payload).toEqual([JSON.stringify(alert(1)), JSON.stringify(alert(2))]);
      const second = await run({
        source: new InMemoryAlertSource([[alert(1), alert(2)]]),
        store,
        sink: handOverSink(),
        judge: judgeSaying('delivered'),
      });
      expect(second.payload).toBeUndefined();
      expect(second.summary).toMatchObject({ confirmedBatches: 1, resentBatches: 0, unchanged: 2 });
      const loaded = await store.load();
      expect(loaded.index.header.pendingBatches).toEqual([]);
    });

    it('sends a batch again when a later run finds it never reached the output', async () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      await run({ source: new InMemoryAlertSource([[alert(1)]]), store, sink: handOverSink() });
      const second = await run({
        source: new InMemoryAlertSource([[alert(1), alert(2)]]),
        store,
        sink: handOverSink(),
        judge: judgeSaying('notDelivered'),
      });
      expect(second.payload).toEqual([JSON.stringify(alert(1)), JSON.stringify(alert(2))]);
      expect(second.summary).toMatchObject({ resentBatches: 1, new: 2 });
    });

    it('neither re-sends nor counts as new an alert whose batch is not settled yet', async () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      await run({ source: new InMemoryAlertSource([[alert(1)]]), store, sink: handOverSink() });
      const second = await run({
        source: new InMemoryAlertSource([[alert(1)]]),
        store,
        sink: handOverSink(),
      });
      expect(second.payload).toBeUndefined();
      expect(second.summary).toMatchObject({ inFlight: 1, new: 0 });
    });

    it('counts an alert too large for the target, logs its id, and keeps it out of the index', async () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      const logger = new RecordingLogger();
      const huge = { ...alert(9), properties: { ...alert(9).properties, description: 'x'.repeat(5_000) } };
      const { summary, payload } = await run({
        source: new InMemoryAlertSource([[alert(1), huge]]),
        store,
        sink: handOverSink(),
        logger,
      });
      expect(payload).toEqual([JSON.stringify(alert(1))]);
      expect(summary).toMatchObject({ oversized: 1, delivered: 1 });
      expect(logger.lines.find((line) => line.level === 'error')?.fields).toMatchObject({
        alertId: huge.id,
        limitInBytes: 2_000,
      });
      const again = await run({ source: new InMemoryAlertSource([[huge]]), store, sink: handOverSink() });
      expect(again.summary).toMatchObject({ oversized: 1, new: 1 });
    });

    it('reports the age of the oldest alert that has not reached the output after a failed delivery', async () => {
      const store = new InMemoryIndexStore(SUBSCRIPTION);
      const old = alert(1, 'Active', '2026-10-24T12:00:00Z');
      const first = await run({ source: new InMemoryAlertSource([[old]]), store, sink: handOverSink() });
      expect(first.summary.oldestUndeliveredAgeInHours).toBe(0);
      const second = await run({
        source: new InMemoryAlertSource([[old]]),
        store,
        sink: handOverSink(),
        judge: judgeSaying('notDelivered'),
      });
      expect(second.summary.oldestUndeliveredAgeInHours).toBe(30 * 24);
    });
  });

  it('an index write whose response was lost, retried into a 412 against itself, counts as committed', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store, sink: new MemorySink() });
    // The write lands, then the caller sees the conflict the SDK's retry of that same write got.
    let lostResponses = 1;
    const ambiguousStore: IndexStore = {
      location: store.location,
      load: () => store.load(),
      save: async (data, etag) => {
        const saved = await store.save(data, etag);
        if (lostResponses-- > 0) throw new IndexConflictError(store.location);
        return saved;
      },
    };
    const logger = new RecordingLogger();
    const { summary, payload } = await run({
      source: new InMemoryAlertSource([[alert(1), alert(2)]]),
      store: ambiguousStore,
      sink: handOverSink(),
      logger,
    });
    expect(payload).toEqual([JSON.stringify(alert(2))]);
    expect(summary).toMatchObject({ new: 1, delivered: 1 });
    expect(store.saves).toBe(2);
    const { index } = await store.load();
    expect(index.header.pendingBatches.map((batch) => [batch.id, batch.recordCount])).toEqual([
      [summary.runId, 1],
    ]);
    expect(logger.text()).toContain('The hash index write was retried after it had landed; it is committed');
  });

  it('two overlapping runs merge on conflict: no lost index entries, no alert delivered twice', async () => {
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    await run({ source: new InMemoryAlertSource([[alert(1)]]), store, sink: handOverSink() });
    const earlierBatches = new Set((await store.load()).index.header.pendingBatches.map((batch) => batch.id));
    // The earlier batch was delivered; the racing runs' own batches are not settled while they race.
    const judge = {
      judge: (batch: PendingBatch) =>
        Promise.resolve<BatchVerdict>(earlierBatches.has(batch.id) ? 'delivered' : 'unknown'),
    };
    // Both runs read the index before either writes it.
    let loads = 0;
    let release: () => void = () => undefined;
    const bothLoaded = new Promise<void>((resolve) => (release = resolve));
    const racingStore: IndexStore = {
      location: store.location,
      load: async () => {
        const loaded = await store.load();
        loads += 1;
        if (loads === 2) release();
        if (loads <= 2) await bothLoaded;
        return loaded;
      },
      save: (data, etag) => store.save(data, etag),
    };
    const pages = [[alert(1), alert(2), alert(3)]];
    const [a, b] = await Promise.all([
      run({ source: new InMemoryAlertSource(pages), store: racingStore, sink: handOverSink(), judge }),
      run({
        source: new InMemoryAlertSource([[...pages[0]!, alert(4)]]),
        store: racingStore,
        sink: handOverSink(),
        judge,
      }),
    ]);
    const sent = [
      ...((a.payload as string[] | undefined) ?? []),
      ...((b.payload as string[] | undefined) ?? []),
    ].map((record) => (JSON.parse(record) as { id: string }).id);
    expect(sent.sort()).toEqual([alert(2).id, alert(3).id, alert(4).id].sort());
    const final = await store.load();
    expect(final.index.size).toBe(4);
    expect(final.index.header.pendingBatches.map((batch: PendingBatch) => batch.recordCount).sort()).toEqual(
      [a.summary.delivered, b.summary.delivered].filter((count) => count > 0).sort(),
    );
  });
});
