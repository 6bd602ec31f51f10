import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { queueService, startEmulator, SUBSCRIPTION_ID } from '../../support/collectorHarness';
import { deploy, EVERY_ATTEMPT_FAILED, tally } from '../../support/deployment';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(10);
});
afterAll(async () => {
  await emulator.stop();
});

describe('timer → work queue → worker → outbox → forwarder → target, in a simulated host', () => {
  it.each(['blob', 'eventhub', 'queue'])(
    'delivers every alert once to the %s target, and nothing on the next cycle',
    async (target) => {
      const alerts = generateAlerts({ count: 25, seed: 101, subscriptionId: SUBSCRIPTION_ID });
      emulator.setAlerts(alerts);
      const app = deploy(emulator, { output_target: target });
      const first = await app.cycle(T0);
      expect(first.work.map((record) => record.completion)).toEqual(['deleted']);
      expect(first.forward.map((record) => record.completion)).toEqual(['deleted', 'deleted']);
      expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });

      const second = await app.cycle(T0 + HOUR);
      expect(second.work.map((record) => record.completion)).toEqual(['deleted']);
      expect(second.forward).toEqual([]);
      expect(await app.targetRecords()).toHaveLength(25);
      const runs = app.telemetry.events.filter((event) => event.name === 'DefenderAlertsCollection');
      expect(runs.map((event) => event.measurements?.['DefenderAlerts.Delivered'])).toEqual([25, 0]);
      // The first cycle's batch was found in the outbox under the name the handler computed.
      expect(runs.map((event) => event.measurements?.['DefenderAlerts.ConfirmedBatches'])).toEqual([0, 1]);
    },
  );

  it('a work item this collector did not write fails with a message saying so, and ends in the poison queue', async () => {
    const app = deploy(emulator);
    const workQueue = queueService().getQueueClient(app.settings.work_queue!);
    await workQueue.createIfNotExists();
    await workQueue.sendMessage(Buffer.from('{"subscription":"everything"}').toString('base64'));
    const { work } = await app.drain();
    expect(work.map((record) => record.completion)).toEqual(EVERY_ATTEMPT_FAILED);
    expect(work[0]!.invocation!.logs.map((line) => `${line.level} ${line.message}`)).toEqual([
      'error Collection failed: The work item is not one this collector wrote ("subscriptionId" is not a lowercase ' +
        'GUID). Work items are written by the scheduleCollection function; remove this message from the work queue. ' +
        '{"dequeueCount":1}',
    ]);
  });
});
