import type { FunctionOutput } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { poisonQueueName } from '../../../src/delivery/poisonQueues';
import { replayPoison } from '../../../src/delivery/replay';
import { OTHER_AZURITE_ACCOUNT, startAzurite, type RunningAzurite } from '../../../emulators/azurite';
import {
  azuriteConnectionString,
  blobService,
  queueService,
  startEmulator,
  SUBSCRIPTION_ID,
} from '../../support/collectorHarness';
import {
  deploy,
  EVERY_ATTEMPT_FAILED,
  tally,
  type Deployment,
  type FaultPlan,
} from '../../support/deployment';
import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { FaultProxy } from '../../support/faultProxy';
import type { InvocationFaults } from '../../support/functionsHost/functionsHostSimulator';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-23T10:00:00Z');

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(10);
});
afterAll(async () => {
  await emulator.stop();
});

let seed = 1_000;
function alertsOf(count: number) {
  seed += 1;
  return generateAlerts({ count, seed, subscriptionId: SUBSCRIPTION_ID });
}

/** The host's write of the worker's outbox blob fails (after creating the blob empty, as its stream does). */
function failOutboxWrite(app: Deployment): InvocationFaults {
  const outbox = `${app.settings.outbox_container!}/`;
  return {
    failOutputs: (_binding: FunctionOutput, target: string) =>
      target.startsWith(outbox) ? new Error('The outbox write failed (injected: 503 ServerBusy)') : undefined,
  };
}
/** Every attempt's outbox write fails. */
const outboxDown =
  (app: Deployment): FaultPlan =>
  () =>
    failOutboxWrite(app);
/** The target write fails. */
const targetDown: FaultPlan = () => ({
  failOutputs: () => new Error('The target write failed (injected: 503 ServerBusy)'),
});

const completions = (records: { completion: string }[]) => records.map((record) => record.completion);
const runMeasurements = (app: Deployment, name: string) =>
  app.telemetry.events
    .filter((event) => event.name === 'DefenderAlertsCollection' && event.properties?.outcome === 'succeeded')
    .map((event) => event.measurements?.[name]);

describe('delivery under faults: alerts lost = 0, duplicates ≤ the re-sends a failure forced', () => {
  it("an index commit whose response was lost is recognised as the run's own, and its batch goes out (observation 1)", async () => {
    const alerts = alertsOf(20);
    emulator.setAlerts(alerts);
    const proxy = new FaultProxy(new URL(process.env.TEST_AZURITE_BLOB_ENDPOINT!));
    await proxy.start();
    try {
      const viaProxy = azuriteConnectionString().replace(
        /BlobEndpoint=[^;]+/,
        `BlobEndpoint=${proxy.origin}/devstoreaccount1`,
      );
      const app = deploy(emulator, { output_target: 'eventhub', AzureWebJobsStorage: viaProxy });
      const index = `/devstoreaccount1/${app.settings.index_container!}/${SUBSCRIPTION_ID}.index`;
      // The first write of the index lands, its answer is lost, the SDK retries it and gets 409 on create.
      proxy.loseResponse((request) => request.method === 'PUT' && request.path.startsWith(index));
      const cycle = await app.cycle(T0);
      expect(proxy.lost).toHaveLength(1);
      expect(completions(cycle.work)).toEqual(['deleted']);
      expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
      expect(cycle.work[0]!.invocation!.logs.map((line) => line.message).join('\n')).toContain(
        'The hash index write was retried after it had landed; it is committed',
      );
    } finally {
      await proxy.stop();
    }
  });

  it("an outbox write that fails once is re-sent by the message's next attempt", async () => {
    const alerts = alertsOf(15);
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    const cycle = await app.cycle(T0, {
      work: ({ index }) => (index === 1 ? failOutboxWrite(app) : undefined),
    });
    expect(completions(cycle.work)).toEqual(['releasedForRetry', 'deleted']);
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
    // The first attempt's handler succeeded; the host's write after it failed.
    expect(runMeasurements(app, 'DefenderAlerts.ResentBatches')).toEqual([0, 1]);
  });

  it.each([
    ['hours', HOUR],
    ['days', DAY],
  ])(
    'an outbox write failing for %s: every attempt ends in poison, the timer reports it, recovery delivers each alert once (observation 2)',
    async (_span, every) => {
      const first = alertsOf(12);
      const later = alertsOf(6);
      emulator.setAlerts(first);
      const app = deploy(emulator, { output_target: 'queue' });
      for (let cycle = 0; cycle < 3; cycle += 1) {
        if (cycle === 1) emulator.setAlerts([...first, ...later]);
        const outcome = await app.cycle(T0 + cycle * every, { work: outboxDown(app) });
        expect(completions(outcome.work)).toEqual(EVERY_ATTEMPT_FAILED);
      }
      expect(await app.targetRecords()).toEqual([]);
      await app.cycle(T0 + 3 * every);
      const poison = app.telemetry.metrics.filter(
        (metric) =>
          metric.name === 'DefenderAlerts.PoisonMessages' &&
          metric.properties?.queue === poisonQueueName(app.settings.work_queue!),
      );
      expect(poison.map((metric) => metric.value)).toEqual([0, 1, 2, 3]);
      expect(tally(await app.targetRecords(), [...first, ...later])).toEqual({ lost: 0, duplicates: 0 });
    },
  );

  it('the host dies after the handler returned: the message comes back when its visibility lapses, and is sent once', async () => {
    const alerts = alertsOf(10);
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.schedule();
    const died = await app.work({ crash: 'afterHandler' });
    expect(died?.completion).toBe('leftInvisible');
    expect(await app.work()).toBeUndefined();
    await app.host.expireVisibility(died!);
    const recovered = await app.drain();
    expect(completions(recovered.work)).toEqual(['deleted']);
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
  });

  it('the host wrote the outbox and died before completing the message: the retry finds the batch and sends nothing again', async () => {
    const alerts = alertsOf(10);
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.schedule();
    const died = await app.work({ crash: 'afterOutputs' });
    await app.host.expireVisibility(died!);
    await app.drain();
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
    expect(runMeasurements(app, 'DefenderAlerts.ConfirmedBatches')).toEqual([0, 1]);
    expect(runMeasurements(app, 'DefenderAlerts.Delivered')).toEqual([10, 0]);
  });

  describe('with the blob target in another storage account (observation 3)', () => {
    let other: RunningAzurite;
    beforeAll(async () => {
      other = await startAzurite({ account: OTHER_AZURITE_ACCOUNT });
    });
    afterAll(async () => {
      await other.stop();
    });

    it('settles in the outbox and never sends a batch again', async () => {
      const alerts = alertsOf(14);
      emulator.setAlerts(alerts);
      const app = deploy(emulator, {
        output_connection: 'AlertsStorage',
        AlertsStorage: other.connectionString,
      });
      await app.cycle(T0);
      const second = await app.cycle(T0 + HOUR);
      expect(second.forward).toEqual([]);
      const landing = BlobServiceClient.fromConnectionString(other.connectionString).getContainerClient(
        app.settings.output_blob_container!,
      );
      const lines: string[] = [];
      for await (const blob of landing.listBlobsFlat())
        lines.push(
          ...(await landing.getBlobClient(blob.name).downloadToBuffer())
            .toString()
            .split('\n')
            .filter(Boolean),
        );
      expect(tally(lines, alerts)).toEqual({ lost: 0, duplicates: 0 });
      expect(await app.targetRecords()).toEqual([]);
    });
  });

  it('a consumer that deletes every landing blob at once makes nothing go out again (observation 4)', async () => {
    const alerts = alertsOf(11);
    emulator.setAlerts(alerts);
    const app = deploy(emulator);
    await app.cycle(T0);
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
    const landing = blobService().getContainerClient(app.settings.output_blob_container!);
    for await (const blob of landing.listBlobsFlat()) await landing.deleteBlob(blob.name);
    const second = await app.cycle(T0 + HOUR);
    expect(second.forward).toEqual([]);
    expect(runMeasurements(app, 'DefenderAlerts.Delivered')).toEqual([11, 0]);
  });

  it('switching output_target from blob to eventhub with a batch not yet forwarded strands nothing (observation 5)', async () => {
    const alerts = alertsOf(9);
    emulator.setAlerts(alerts);
    const blobApp = deploy(emulator);
    await blobApp.schedule();
    await blobApp.work();
    const hubApp = blobApp.redeploy({ output_target: 'eventhub' });
    await hubApp.drain();
    expect(tally(await hubApp.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
    await hubApp.cycle(T0 + HOUR);
    expect(runMeasurements(hubApp, 'DefenderAlerts.ConfirmedBatches')).toEqual([1]);
    expect(runMeasurements(hubApp, 'DefenderAlerts.OldestUndeliveredAgeInHours')).toEqual([0]);
    expect(await hubApp.targetRecords()).toHaveLength(9);
  });

  it('Active → Resolved → Active within an hour, the third write failing: the last state still goes out (observation 6)', async () => {
    const [alert] = alertsOf(1);
    const active = { ...alert!, properties: { ...alert!.properties, status: 'Active' } };
    const resolved = { ...active, properties: { ...active.properties, status: 'Resolved' } };
    const app = deploy(emulator, { output_target: 'eventhub' });
    emulator.setAlerts([active]);
    await app.cycle(T0);
    emulator.setAlerts([resolved]);
    await app.cycle(T0 + 20 * MINUTE);
    emulator.setAlerts([active]);
    const third = await app.cycle(T0 + 40 * MINUTE, {
      work: ({ index }) => (index === 1 ? failOutboxWrite(app) : undefined),
    });
    expect(completions(third.work)).toEqual(['releasedForRetry', 'deleted']);
    expect(await app.targetRecords()).toEqual(
      [active, resolved, active].map((version) => JSON.stringify(version)),
    );
  });

  it("a retry re-sends neither the previous cycle's batch nor an overlapping invocation's (observation 8)", async () => {
    const before = alertsOf(30);
    const added = alertsOf(10);
    emulator.setAlerts(before);
    const app = deploy(emulator, { output_target: 'queue' });
    // The first cycle's batch is written but not settled yet when the next cycle's worker is retried.
    await app.cycle(T0);
    emulator.setAlerts([...before, ...added]);
    const second = await app.cycle(T0 + 10 * MINUTE, {
      work: ({ index }) => (index === 1 ? failOutboxWrite(app) : undefined),
    });
    expect(completions(second.work)).toEqual(['releasedForRetry', 'deleted']);
    // Two overlapping work items for the same subscription, processed at once.
    emulator.setAlerts([...before, ...added, ...alertsOf(5)]);
    app.setClock(T0 + 20 * MINUTE);
    await app.schedule();
    await app.schedule();
    const overlapping = await Promise.all([app.work(), app.work()]);
    expect(overlapping.map((record) => record?.completion)).toEqual(['deleted', 'deleted']);
    await app.drain();
    const records = await app.targetRecords();
    expect(tally(records, [...before, ...added])).toEqual({ lost: 0, duplicates: 0 });
    expect(records).toHaveLength(45);
  });

  it('an id the listing returns twice goes out once, and not again (observation 9)', async () => {
    const [a, b] = alertsOf(2);
    const aAgain = { ...a!, id: a!.id.toUpperCase(), properties: { ...a!.properties, status: 'Dismissed' } };
    emulator.setAlerts([a, b, aAgain]);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.cycle(T0);
    await app.cycle(T0 + HOUR);
    await app.cycle(T0 + 2 * HOUR);
    expect(await app.targetRecords()).toEqual([JSON.stringify(a), JSON.stringify(b)]);
    expect(runMeasurements(app, 'DefenderAlerts.Duplicates')).toEqual([1, 1, 1]);
  });

  it('a deleted index stops the worker loudly and nothing is sent again (observation 10)', async () => {
    const alerts = alertsOf(8);
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.cycle(T0);
    await blobService().getContainerClient(app.settings.index_container!).delete();
    const second = await app.cycle(T0 + HOUR);
    expect(completions(second.work)).toEqual(EVERY_ATTEMPT_FAILED);
    expect(second.work[0]!.invocation!.error!.message).toMatch(
      /^The hash index '.*' is missing, but subscription/,
    );
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
  });

  it('a forward that fails into the poison queue is reported, replayed, and delivered once', async () => {
    const alerts = alertsOf(7);
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    const cycle = await app.cycle(T0, { forward: targetDown });
    // The empty blob's event is ignored; the batch's event fails five times.
    expect(completions(cycle.forward)).toEqual([
      'deleted',
      'releasedForRetry',
      'releasedForRetry',
      'releasedForRetry',
      'releasedForRetry',
      'movedToPoison',
    ]);
    expect(await app.targetRecords()).toEqual([]);
    await app.cycle(T0 + HOUR);
    const forwardPoison = poisonQueueName(app.settings.forward_queue!);
    expect(
      app.telemetry.metrics
        .filter(
          (metric) =>
            metric.name === 'DefenderAlerts.PoisonMessages' && metric.properties?.queue === forwardPoison,
        )
        .map((metric) => metric.value),
    ).toEqual([0, 1]);
    const queues = queueService();
    expect(
      await replayPoison(
        queues.getQueueClient(forwardPoison),
        queues.getQueueClient(app.settings.forward_queue!),
      ),
    ).toBe(1);
    await app.drain();
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
  });

  it('clocks five minutes off either way: a young batch is not re-sent by another instance, only by its own retry', async () => {
    const alerts = alertsOf(10);
    emulator.setAlerts(alerts);
    const slow = deploy(emulator, { output_target: 'eventhub' });
    slow.setClock(T0 - 5 * MINUTE);
    await slow.schedule();
    const died = await slow.work({ crash: 'afterHandler' });
    // 39 minutes later (true time), an instance 5 minutes fast takes the next cycle's work item.
    const fast = slow.redeploy({});
    fast.setClock(T0 + 39 * MINUTE + 5 * MINUTE);
    await fast.schedule();
    await fast.drain();
    expect(runMeasurements(fast, 'DefenderAlerts.UnsettledBatches')).toEqual([1]);
    expect(runMeasurements(fast, 'DefenderAlerts.Delivered')).toEqual([0]);
    // The first work item comes back when its visibility lapses; its own retry sends the batch.
    await slow.host.expireVisibility(died!);
    slow.setClock(T0 + 40 * MINUTE - 5 * MINUTE);
    await slow.drain();
    expect(tally(await slow.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
  });
});
