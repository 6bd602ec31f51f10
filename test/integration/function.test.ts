import { randomUUID } from 'node:crypto';
import { InvocationContext, type Timer } from '@azure/functions';
import { createCollectorFunction, type CollectorFunction } from '../../src/pipeline/collectorFunction';
import { runCollection, type RunCollectionOptions } from '../../src/pipeline/runCollection';
import { hourPrefix } from '../../src/output/blobBatch';
import { RunTelemetry, type TelemetrySink } from '../../src/telemetry/runTelemetry';
import { generateAlerts } from '../support/emulator/alertFactory';
import type { DefenderApiEmulator } from '../support/emulator/defenderApiEmulator';
import {
  blobService,
  CLIENT_SECRET,
  FAST_RETRIES,
  startEmulator,
  SUBSCRIPTION_ID,
  testSettings,
} from '../support/collectorHarness';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-11-23T10:05:00Z');
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(40);
});
afterAll(async () => {
  await emulator.stop();
});

class RecordingTelemetry implements TelemetrySink {
  readonly events: {
    name: string;
    properties?: Record<string, string>;
    measurements?: Record<string, number>;
  }[] = [];
  readonly metrics: { name: string; value: number }[] = [];
  flushes = 0;
  trackEvent(event: (typeof this.events)[number]): void {
    this.events.push(event);
  }
  trackMetric(metric: { name: string; value: number }): void {
    this.metrics.push(metric);
  }
  flush(): Promise<void> {
    this.flushes += 1;
    return Promise.resolve();
  }
}

/** One deployed function: its settings, a movable clock, and everything it logged. */
function deploy(overrides: Record<string, string> = {}) {
  let clock = T0;
  const logs: string[] = [];
  const telemetry = new RecordingTelemetry();
  const settings = testSettings(emulator, overrides);
  const collector: CollectorFunction = createCollectorFunction(settings, {
    runCollection: (options: RunCollectionOptions) =>
      runCollection({ ...options, retryOptions: FAST_RETRIES, now: () => new Date(clock) }),
    createTelemetry: () => new RunTelemetry(telemetry),
  });
  const outputBinding = collector.options.extraOutputs![0]!;
  const outputContainer = blobService().getContainerClient(collector.settings.output.blobContainer);

  /** Runs the handler as the host would, `retryCount` being the host's retry of the same invocation. */
  async function invoke(at: number, retryCount = 0): Promise<unknown> {
    clock = at;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'collectDefenderAlerts',
      retryContext: { retryCount, maxRetryCount: 5 },
      logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(' ')}`),
    });
    await (collector.options.handler as (timer: Timer, context: InvocationContext) => Promise<void>)(
      timer,
      context,
    );
    return context.extraOutputs.get(outputBinding);
  }

  /** The host's blob output write, at the path pattern's hour. */
  async function hostWritesBlob(payload: unknown, at: number): Promise<void> {
    await outputContainer.createIfNotExists();
    const data = payload as Buffer;
    await outputContainer
      .getBlockBlobClient(`${hourPrefix(new Date(at))}${randomUUID()}.ndjson`)
      .upload(data, data.length);
  }

  async function writtenAlertIds(): Promise<string[]> {
    const ids: string[] = [];
    if (!(await outputContainer.exists())) return ids;
    for await (const blob of outputContainer.listBlobsFlat()) {
      const text = (await outputContainer.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
      for (const line of text.split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { id: string }).id);
    }
    return ids;
  }

  return { collector, invoke, hostWritesBlob, writtenAlertIds, logs, telemetry };
}

const recordIds = (payload: unknown): string[] =>
  (Buffer.isBuffer(payload)
    ? payload.toString('utf8').split('\n').filter(Boolean)
    : (payload as string[])
  ).map((line) => (JSON.parse(line) as { id: string }).id);

describe('the timer function in test mode', () => {
  it('registers the cron schedule in 6-field form with the monitor on, no run on start-up, and a retry policy', () => {
    const { collector } = deploy({ cron: '0 */1 * * *' });
    expect(collector.options).toMatchObject({
      schedule: '0 0 */1 * * *',
      runOnStartup: false,
      useMonitor: true,
      retry: { strategy: 'exponentialBackoff', maxRetryCount: 5 },
    });
  });

  it('refuses to load with an invalid cron, quoting it and showing an example', () => {
    expect(() => deploy({ cron: '0 0 * * * * 2026' })).toThrow(
      /^Invalid setting 'cron': "0 0 \* \* \* \* 2026"/,
    );
  });

  it.each([
    [
      'blob',
      {
        type: 'blob',
        path: expect.stringMatching(
          /^out-[0-9a-f]{8}\/\{DateTime:yyyy\}\/\{DateTime:MM\}\/\{DateTime:dd\}\/\{DateTime:HH\}\/\{rand-guid\}\.ndjson$/,
        ),
        connection: 'AzureWebJobsStorage',
      },
    ],
    ['eventhub', { type: 'eventHub', eventHubName: 'defender-alerts', connection: 'EventHubConnection' }],
    ['queue', { type: 'queue', queueName: 'defender-alerts', connection: 'AzureWebJobsStorage' }],
  ])('binds the %s target', (target, binding) => {
    const { collector } = deploy({ output_target: target });
    expect(collector.options.extraOutputs).toEqual([expect.objectContaining(binding)]);
  });

  it('blob target: writes one NDJSON blob per run, and the next run confirms it and sends nothing again', async () => {
    const alerts = generateAlerts({ count: 90, seed: 21, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const fn = deploy();
    const payload = await fn.invoke(T0);
    expect(recordIds(payload)).toEqual(alerts.map((alert) => alert.id));
    await fn.hostWritesBlob(payload, T0 + 5_000);
    expect(await fn.invoke(T0 + HOUR_MS)).toBeUndefined();
    expect(fn.telemetry.events.at(-1)?.properties).toMatchObject({
      outcome: 'succeeded',
      outputTarget: 'blob',
    });
    expect(await fn.writtenAlertIds()).toEqual(alerts.map((alert) => alert.id));
  });

  it('blob target: when the host fails to write the output once, the retry sends the batch again and every alert arrives', async () => {
    const alerts = generateAlerts({ count: 50, seed: 22, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const fn = deploy();
    await fn.invoke(T0); // the host's write of this payload fails: nothing is written
    const retried = await fn.invoke(T0 + 30_000, 1);
    expect(recordIds(retried)).toEqual(alerts.map((alert) => alert.id));
    await fn.hostWritesBlob(retried, T0 + 31_000);
    expect(await fn.invoke(T0 + HOUR_MS)).toBeUndefined();
    expect((await fn.writtenAlertIds()).sort()).toEqual(alerts.map((alert) => alert.id).sort());
  });

  it('blob target: when the output write fails for several runs (e.g. a role not yet propagated), every alert arrives once it works', async () => {
    const alerts = generateAlerts({ count: 40, seed: 23, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts.slice(0, 30));
    const fn = deploy();
    await fn.invoke(T0);
    await fn.invoke(T0 + HOUR_MS);
    emulator.setAlerts(alerts); // new alerts keep arriving meanwhile
    await fn.invoke(T0 + 2 * HOUR_MS);
    const stuck = fn.telemetry.events.at(-1)?.measurements?.['DefenderAlerts.OldestUndeliveredAgeInHours'];
    expect(stuck).toBeGreaterThan(0);
    const working = await fn.invoke(T0 + 3 * HOUR_MS);
    await fn.hostWritesBlob(working, T0 + 3 * HOUR_MS + 1_000);
    expect(await fn.invoke(T0 + 4 * HOUR_MS)).toBeUndefined();
    expect((await fn.writtenAlertIds()).sort()).toEqual(alerts.map((alert) => alert.id).sort());
    expect(fn.logs.join('\n')).toContain(
      'An earlier batch never reached the output; its alerts are sent again',
    );
  });

  it('eventhub target: one event per record; a failed write is re-sent by the retry, and confirmed by the next run', async () => {
    const alerts = generateAlerts({ count: 12, seed: 24, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const fn = deploy({ output_target: 'eventhub' });
    const first = await fn.invoke(T0);
    expect(Array.isArray(first)).toBe(true);
    expect(recordIds(first)).toEqual(alerts.map((alert) => alert.id));
    const retried = await fn.invoke(T0 + 30_000, 1);
    expect(recordIds(retried)).toEqual(alerts.map((alert) => alert.id));
    expect(await fn.invoke(T0 + HOUR_MS)).toBeUndefined();
  });

  it('eventhub target: a run soon after another leaves its batch unsettled: neither re-sent nor confirmed yet', async () => {
    const alerts = generateAlerts({ count: 4, seed: 29, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const fn = deploy({ output_target: 'eventhub' });
    await fn.invoke(T0);
    expect(await fn.invoke(T0 + 5 * 60_000)).toBeUndefined();
    expect(fn.telemetry.events.at(-1)?.measurements).toMatchObject({
      'DefenderAlerts.New': 0,
      'DefenderAlerts.Delivered': 0,
    });
    expect(await fn.invoke(T0 + HOUR_MS)).toBeUndefined();
    expect(fn.logs.join('\n')).toContain('An earlier batch is not settled yet');
  });

  it('eventhub target: a batch handed over on the last allowed retry is sent again by the next run', async () => {
    const alerts = generateAlerts({ count: 3, seed: 25, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const fn = deploy({ output_target: 'eventhub' });
    await fn.invoke(T0, 5);
    expect(recordIds(await fn.invoke(T0 + HOUR_MS))).toEqual(alerts.map((alert) => alert.id));
  });

  it('queue target: a record too large for a message is counted and logged with its alert id, and the others are sent', async () => {
    const [small, large] = generateAlerts({ count: 2, seed: 26, subscriptionId: SUBSCRIPTION_ID });
    const huge = {
      ...large!,
      properties: { ...(large!.properties as object), description: 'x'.repeat(60_000) },
    };
    emulator.setAlerts([small, huge]);
    const fn = deploy({ output_target: 'queue' });
    expect(recordIds(await fn.invoke(T0))).toEqual([small!.id]);
    expect(fn.telemetry.events.at(-1)?.measurements).toMatchObject({
      'DefenderAlerts.Oversized': 1,
      'DefenderAlerts.Delivered': 1,
    });
    expect(fn.logs.join('\n')).toContain(`"alertId":${JSON.stringify(huge.id)}`);
  });

  it('a failed run is logged, reported as failed, rethrown, and never logs the secret', async () => {
    emulator.setAlerts(generateAlerts({ count: 3, seed: 27, subscriptionId: SUBSCRIPTION_ID }));
    const fn = deploy();
    emulator.denyAccess('forbidden');
    try {
      await expect(fn.invoke(T0)).rejects.toThrow(/Security Reader/);
    } finally {
      emulator.denyAccess(null);
    }
    expect(fn.telemetry.events).toEqual([
      expect.objectContaining({
        name: 'DefenderAlertsCollection',
        properties: expect.objectContaining({ outcome: 'failed' }),
      }),
    ]);
    expect(fn.telemetry.flushes).toBe(1);
    expect(fn.logs.some((line) => line.startsWith('error Collection failed'))).toBe(true);
    await fn.invoke(T0 + HOUR_MS);
    expect(fn.logs.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('sends one run event and every metric with the run dimensions, then flushes', async () => {
    emulator.setAlerts(generateAlerts({ count: 7, seed: 28, subscriptionId: SUBSCRIPTION_ID }));
    const fn = deploy({ dedupe_mode: 'id' });
    await fn.invoke(T0);
    expect(fn.telemetry.events).toHaveLength(1);
    expect(fn.telemetry.events[0]).toMatchObject({
      name: 'DefenderAlertsCollection',
      properties: {
        outcome: 'succeeded',
        subscriptionId: SUBSCRIPTION_ID,
        outputTarget: 'blob',
        dedupeMode: 'id',
      },
      measurements: {
        'DefenderAlerts.Fetched': 7,
        'DefenderAlerts.New': 7,
        'DefenderAlerts.Delivered': 7,
        'DefenderAlerts.Pages': 1,
      },
    });
    expect(fn.telemetry.metrics.map((metric) => metric.name).sort()).toEqual(
      Object.keys(fn.telemetry.events[0]!.measurements!).sort(),
    );
    expect(fn.telemetry.flushes).toBe(1);
  });

  it('warns when a run is past due and when the schedule can outlast the 90-day retention', async () => {
    emulator.setAlerts([]);
    const fn = deploy({ cron: '0 0 1 1 *' });
    const context = new InvocationContext({
      logHandler: (level, ...args) => fn.logs.push(`${level} ${args.join(' ')}`),
    });
    await (fn.collector.options.handler as (timer: Timer, context: InvocationContext) => Promise<void>)(
      { ...timer, isPastDue: true },
      context,
    );
    expect(fn.logs.filter((line) => line.startsWith('warning'))).toEqual([
      expect.stringContaining(
        `The 'cron' schedule "0 0 1 1 *" can leave 366 days between runs, longer than Defender for Cloud's 90-day retention`,
      ),
      expect.stringContaining('This run is past due'),
    ]);
  });
});
