import { poisonQueueName } from '../../src/delivery/poisonQueues';
import { generateAlerts } from '../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import { blobService, queueService, startEmulator, SUBSCRIPTION_ID } from '../support/collectorHarness';
import { deploy, tally, type Deployment } from '../support/deployment';
import { runMain } from '../support/runMain';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(10);
});
afterAll(async () => {
  await emulator.stop();
});

/** Runs the command line with the deployment's settings; returns its exit code, stdout and stderr. */
async function run(
  app: Deployment,
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runMain(argv, app.settings);
}

describe('the operator commands against a deployment', () => {
  it('replay outbox re-queues the batches of a window, and the forwarder sends them to the target again', async () => {
    const alerts = generateAlerts({ count: 12, seed: 301, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.cycle(T0);
    const replay = await run(app, [
      'replay',
      'outbox',
      '--from',
      '2026-11-23T10:00:00Z',
      '--to',
      '2026-11-23T11:00:00Z',
    ]);
    expect(replay).toMatchObject({ code: 0, stdout: '' });
    expect(replay.stderr).toContain('Queued 1 outbox batches for the forwarder');
    const forwarded = await app.drain();
    expect(forwarded.forward.map((record) => record.completion)).toEqual(['deleted']);
    const records = await app.targetRecords();
    expect(records).toEqual([...records.slice(0, 12), ...records.slice(0, 12)]);
    expect(tally(records.slice(12), alerts)).toEqual({ lost: 0, duplicates: 0 });
    // A window without batches queues nothing.
    const empty = await run(app, [
      'replay',
      'outbox',
      '--from',
      '2026-11-22T00:00:00Z',
      '--to',
      '2026-11-23T00:00:00Z',
    ]);
    expect(empty.stderr).toContain('Queued 0 outbox batches for the forwarder');
  });

  it('replay poison --queue forward moves failed forwards back, and they are delivered', async () => {
    const alerts = generateAlerts({ count: 6, seed: 302, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'queue' });
    await app.cycle(T0, { forward: () => ({ failOutputs: () => new Error('target down (injected)') }) });
    expect(await app.targetRecords()).toEqual([]);
    const replay = await run(app, ['replay', 'poison', '--queue', 'forward']);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toContain(
      `Moved 1 messages from '${poisonQueueName(app.settings.forward_queue!)}' back to '${app.settings.forward_queue!}'`,
    );
    await app.drain();
    expect(tally(await app.targetRecords(), alerts)).toEqual({ lost: 0, duplicates: 0 });
    const poison = queueService().getQueueClient(poisonQueueName(app.settings.forward_queue!));
    expect((await poison.getProperties()).approximateMessagesCount).toBe(0);
  });

  it('replay source --ids writes those alerts to stdout, whatever the index says, and leaves the index alone', async () => {
    const alerts = generateAlerts({ count: 15, seed: 303, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const app = deploy(emulator);
    await app.cycle(T0);
    const index = blobService()
      .getContainerClient(app.settings.index_container!)
      .getBlobClient(`${SUBSCRIPTION_ID}.index`);
    const before = (await index.getProperties()).etag;
    const wanted = [alerts[3]!.id, alerts[9]!.id.toUpperCase()];
    const replay = await run(app, ['replay', 'source', '--ids', wanted.join(','), '--output', '-']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(`${JSON.stringify(alerts[3])}\n${JSON.stringify(alerts[9])}\n`);
    expect(replay.stderr).toContain('Replayed 2 of 15 alerts from the source');
    expect((await index.getProperties()).etag).toBe(before);
  });

  it('replay source --to-outbox writes one outbox batch, which Event Grid hands to the forwarder and the target', async () => {
    const alerts = generateAlerts({ count: 8, seed: 305, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    const generated = alerts.map((alert) => Date.parse(alert.properties.timeGeneratedUtc as string)).sort();
    const from = new Date(generated[4]!).toISOString();
    const replay = await run(app, ['replay', 'source', '--from', from, '--to-outbox']);
    expect(replay.code).toBe(0);
    const batch = /as batch '([^']+)'/.exec(replay.stderr)?.[1];
    expect(batch).toMatch(
      new RegExp(`^batches/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${SUBSCRIPTION_ID}/replay-[0-9a-f-]{36}-1\\.ndjson$`),
    );
    const outbox = blobService().getContainerClient(app.settings.outbox_container!);
    await app.host.publishBlobCreated(outbox, batch!);
    await app.drain();
    const expected = alerts.filter(
      (alert) => Date.parse(alert.properties.timeGeneratedUtc as string) >= generated[4]!,
    );
    expect(expected).toHaveLength(4);
    expect(tally(await app.targetRecords(), expected)).toEqual({ lost: 0, duplicates: 0 });
    expect(await app.targetRecords()).toHaveLength(4);
  });

  it('reset-index says how many alerts a fresh start re-sends, changes nothing without --yes, and starts afresh with it', async () => {
    const alerts = generateAlerts({ count: 9, seed: 304, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const app = deploy(emulator, { output_target: 'eventhub' });
    await app.cycle(T0);
    const dryRun = await run(app, ['reset-index']);
    expect(dryRun).toMatchObject({ code: 0, stdout: '' });
    expect(dryRun.stderr).toContain(
      `Resetting subscription '${SUBSCRIPTION_ID}' makes the next run deliver all 9 alerts Defender for Cloud holds for it again. Run again with --yes to delete`,
    );
    await app.cycle(T0 + HOUR);
    expect(await app.targetRecords()).toHaveLength(9);

    const reset = await run(app, ['reset-index', '--yes']);
    expect(reset.code).toBe(0);
    await app.cycle(T0 + 2 * HOUR);
    const records = await app.targetRecords();
    expect(records).toHaveLength(18);
    expect(tally(records.slice(9), alerts)).toEqual({ lost: 0, duplicates: 0 });
  });
});
