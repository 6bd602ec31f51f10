import { AlertIndex } from '../../src/dedupe/alertIndex';
import { poisonQueueName } from '../../src/delivery/poisonQueues';
import { generateAlerts } from '../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import { blobService, startEmulator, SUBSCRIPTION_ID } from '../support/collectorHarness';
import { deploy, EVERY_ATTEMPT_FAILED, type Deployment } from '../support/deployment';
import { runMain } from '../support/runMain';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const NEVER_COLLECTED = '0f0f0f0f-1111-4222-8333-444444444444';

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(10);
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => {
  jest.useRealTimers();
});

/**
 * Runs the command line with these settings, the clock (Date only: timers and I/O run as usual) stopped at
 * `at`; returns its exit code, stdout and stderr.
 */
async function run(
  settings: Record<string, string | undefined>,
  argv: string[],
  at: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  jest.useFakeTimers({ now: at, doNotFake: EVERYTHING_BUT_DATE });
  try {
    return await runMain(argv, settings);
  } finally {
    jest.useRealTimers();
  }
}

const EVERYTHING_BUT_DATE: FakeableAPI[] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

/** The deployment's index as stored, its size, and the size of the outbox blob of its first pending batch. */
async function stored(app: Deployment) {
  const blob = blobService()
    .getContainerClient(app.settings.index_container!)
    .getBlobClient(`${SUBSCRIPTION_ID}.index`);
  const data = await blob.downloadToBuffer();
  const index = AlertIndex.decode(data, 'test');
  const ref = index.header.pendingBatches[0]?.ref;
  const outbox = blobService().getContainerClient(app.settings.outbox_container!);
  const batchBytes = ref === undefined ? 0 : (await outbox.getBlobClient(ref).getProperties()).contentLength!;
  return { header: index.header, size: data.length, etag: (await blob.getProperties()).etag, batchBytes };
}

describe('inspect', () => {
  it('shows the index, its pending batch, the marker and the outbox after a cycle whose forward has not run', async () => {
    emulator.setAlerts(generateAlerts({ count: 12, seed: 401, subscriptionId: SUBSCRIPTION_ID }));
    const app = deploy(emulator, { output_target: 'eventhub' }, T0);
    await app.schedule();
    await app.work();
    const { header, size, etag, batchBytes } = await stored(app);
    const batch = header.pendingBatches[0]!;

    const inspected = await run(app.settings, ['inspect'], T0 + 30 * MINUTE + 15_000);

    const { index_container: index, outbox_container: outbox } = app.settings;
    expect(inspected).toEqual({
      code: 0,
      stdout: [
        `subscription ${SUBSCRIPTION_ID}`,
        `  index               ${index}/${SUBSCRIPTION_ID}.index: 12 entries, ${size.toLocaleString('en')} bytes`,
        '  index written       2026-11-23T10:00:00.000Z (30m ago)',
        '  entries             delivered 0, pending 12, undelivered 0',
        '  oldest undelivered  first seen 2026-11-23T10:00:00.000Z (30m ago); 12 never delivered',
        '  pending batches     1',
        `    seq 1, 12 records, 30m old, in the outbox: ${batch.ref}`,
        `  recent commits      ${batch.id}`,
        `  collection marker   present: ${outbox}/collected/${SUBSCRIPTION_ID}.json`,
        `  outbox, 24 h        1 batch, ${batchBytes.toLocaleString('en')} bytes`,
        `poison queues: ${app.settings.work_queue}-poison 0, ${app.settings.forward_queue}-poison 0`,
        'outbox window: hour partitions 2026/11/22/10 to 2026/11/23/10; alerts that max_alerts_per_run left ' +
          'for a later run are not in the index (the run summaries count them as backlog)',
        '',
      ].join('\n'),
      stderr:
        '2026-11-23T10:30:15.000Z INFO  Discovered 1 subscriptions to collect ' +
        '{"collected":1,"disabled":0,"deleted":0,"otherTenant":0,"excluded":0,"requests":0}\n',
    });
    expect(batch.ref).toMatch(new RegExp(`^batches/2026/11/23/10/${SUBSCRIPTION_ID}/[^/]+-1\\.ndjson$`));
    expect(batchBytes).toBeGreaterThan(0);
    // It reads only.
    expect((await stored(app)).etag).toBe(etag);
  });

  it('--json: one document with the same facts, and a forward that failed into the poison queue', async () => {
    emulator.setAlerts(generateAlerts({ count: 7, seed: 402, subscriptionId: SUBSCRIPTION_ID }));
    const app = deploy(emulator, { output_target: 'queue' }, T0);
    const cycle = await app.cycle(T0, {
      forward: () => ({ failOutputs: () => new Error('target down (injected)') }),
    });
    // The first forward takes the event of the empty blob the host's write starts with, and ignores it.
    expect(cycle.forward.map((record) => record.completion)).toEqual(['deleted', ...EVERY_ATTEMPT_FAILED]);
    const { header, size, batchBytes } = await stored(app);
    const batch = header.pendingBatches[0]!;

    const inspected = await run(app.settings, ['inspect', '--json'], T0 + 2 * HOUR + 5 * MINUTE);

    expect(inspected.code).toBe(0);
    expect(inspected.stderr).toContain('INFO  Discovered 1 subscriptions to collect');
    expect(JSON.parse(inspected.stdout)).toEqual({
      inspectedAt: '2026-11-23T12:05:00.000Z',
      outboxWindow: { fromPartition: '2026/11/22/12', toPartition: '2026/11/23/12' },
      subscriptions: [
        {
          subscriptionId: SUBSCRIPTION_ID,
          collectionMarker: {
            location: `${app.settings.outbox_container}/collected/${SUBSCRIPTION_ID}.json`,
            exists: true,
          },
          index: {
            blob: `${app.settings.index_container}/${SUBSCRIPTION_ID}.index`,
            exists: true,
            entries: 7,
            sizeInBytes: size,
            updatedAt: '2026-11-23T10:00:00.000Z',
            delivered: 0,
            pending: 7,
            undelivered: 0,
            neverDelivered: 7,
            oldestNeverDeliveredFirstSeenAt: '2026-11-23T10:00:00.000Z',
            pendingBatches: [
              {
                seq: 1,
                id: batch.id,
                createdAt: '2026-11-23T10:00:00.000Z',
                ageInSeconds: 7500,
                records: 7,
                ref: batch.ref,
                inOutbox: true,
              },
            ],
            recentCommits: [batch.id],
          },
          problem: null,
          outbox: { batches: 1, bytes: batchBytes },
        },
      ],
      poisonQueues: {
        [poisonQueueName(app.settings.work_queue!)]: 0,
        [poisonQueueName(app.settings.forward_queue!)]: 1,
      },
    });
  });

  it('counts the batch as delivered once the next run found it, and drops it from the outbox window a day later', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 403, subscriptionId: SUBSCRIPTION_ID }));
    const app = deploy(emulator, { output_target: 'eventhub' }, T0);
    await app.cycle(T0);
    await app.cycle(T0 + HOUR);
    const { header } = await stored(app);

    const nextDay = await run(app.settings, ['inspect', '--json'], T0 + 25 * HOUR);

    const [inspected] = (JSON.parse(nextDay.stdout) as { subscriptions: Record<string, unknown>[] })
      .subscriptions;
    expect(inspected).toMatchObject({
      index: {
        entries: 5,
        updatedAt: '2026-11-23T11:00:00.000Z',
        delivered: 5,
        pending: 0,
        undelivered: 0,
        neverDelivered: 0,
        oldestNeverDeliveredFirstSeenAt: null,
        pendingBatches: [],
        recentCommits: header.recentCommits,
      },
      outbox: { batches: 0, bytes: 0 },
    });
    expect(header.recentCommits).toHaveLength(2);
  });

  it('shows a subscription never collected as such, beside a collected one, and one given with --subscription', async () => {
    emulator.setAlerts(generateAlerts({ count: 3, seed: 404, subscriptionId: SUBSCRIPTION_ID }));
    const app = deploy(emulator, { output_target: 'eventhub' }, T0);
    await app.cycle(T0);
    const both = {
      ...app.settings,
      subscription_id: '',
      subscription_ids: `${SUBSCRIPTION_ID},${NEVER_COLLECTED}`,
    };
    const { index_container: index, outbox_container: outbox } = app.settings;
    const neverCollected = [
      `subscription ${NEVER_COLLECTED}`,
      `  index               ${index}/${NEVER_COLLECTED}.index: none`,
      `  collection marker   absent: ${outbox}/collected/${NEVER_COLLECTED}.json`,
      '  outbox, 24 h        0 batches, 0 bytes',
    ].join('\n');

    const all = await run(both, ['inspect'], T0 + HOUR);
    const one = await run(
      app.settings,
      ['inspect', '--subscription', NEVER_COLLECTED.toUpperCase()],
      T0 + HOUR,
    );

    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`subscription ${SUBSCRIPTION_ID}\n`);
    expect(all.stdout).toContain(`\n${neverCollected}\npoison queues: `);
    expect(one.code).toBe(0);
    expect(one.stdout.startsWith(`${neverCollected}\npoison queues: `)).toBe(true);
    const [json] = (
      JSON.parse((await run(both, ['inspect', '--json', '--subscription', NEVER_COLLECTED], T0)).stdout) as {
        subscriptions: unknown[];
      }
    ).subscriptions;
    expect(json).toEqual({
      subscriptionId: NEVER_COLLECTED,
      collectionMarker: { location: `${outbox}/collected/${NEVER_COLLECTED}.json`, exists: false },
      index: {
        blob: `${index}/${NEVER_COLLECTED}.index`,
        exists: false,
        entries: 0,
        sizeInBytes: 0,
        updatedAt: null,
        delivered: 0,
        pending: 0,
        undelivered: 0,
        neverDelivered: 0,
        oldestNeverDeliveredFirstSeenAt: null,
        pendingBatches: [],
        recentCommits: [],
      },
      problem: null,
      outbox: { batches: 0, bytes: 0 },
    });
  });

  it('names a missing index that the marker says existed as a problem, and refuses a bad --subscription', async () => {
    emulator.setAlerts(generateAlerts({ count: 2, seed: 405, subscriptionId: SUBSCRIPTION_ID }));
    const app = deploy(emulator, { output_target: 'eventhub' }, T0);
    await app.cycle(T0);
    await blobService().getContainerClient(app.settings.index_container!).delete();

    const inspected = await run(app.settings, ['inspect'], T0 + HOUR);
    const usage = await run(app.settings, ['inspect', '--subscription', 'nope'], T0);

    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(
      `  PROBLEM             The hash index '${app.settings.index_container}/${SUBSCRIPTION_ID}.index' is missing, ` +
        `but '${app.settings.outbox_container}/collected/${SUBSCRIPTION_ID}.json' records that the subscription ` +
        `was collected before: the next run stops until it is restored, or reset with 'reset-index'.\n`,
    );
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(
      usage.stderr.startsWith(
        '--subscription "nope" is not a subscription ID.\n\nUsage: npm run alerts -- inspect',
      ),
    ).toBe(true);
  });
});
