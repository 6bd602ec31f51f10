import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { loadSettings } from '../../../src/config/settings';
import { InMemorySink } from '../../../src/delivery/sinks';
import { collectSubscriptions, type CollectionProgress } from '../../../src/pipeline/collectSubscriptions';
import { RecordingLogger } from '../../../src/telemetry/logger';
import {
  FAST_RETRIES,
  SUBSCRIPTION_ID,
  testSettings,
  OTHER_TENANT_ID as OTHER_TENANT,
  startEmulator,
  tenantSubscription as sub,
} from '../../support/collectorHarness';
import { deploy, tally } from '../../support/deployment';
import { runMain } from '../../support/runMain';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');

let emulator: DefenderApiEmulator;
beforeEach(async () => {
  emulator = await startEmulator(20);
});
afterEach(async () => {
  await emulator.stop();
});

/** A tenant of healthy subscriptions and one of each kind of trouble. */
function tenantWithTrouble() {
  const alertsOf = (n: number, count: number) =>
    generateAlerts({ count, seed: 500 + n, subscriptionId: sub(n) });
  const healthy = [1, 2, 3].map((n) => ({ id: sub(n), alerts: alertsOf(n, 15) }));
  for (const { id, alerts } of healthy) emulator.addSubscription(id, { alerts });
  emulator.addSubscription(sub(4), { alerts: alertsOf(4, 5), access: 'forbidden' });
  emulator.addSubscription(sub(5), { alerts: alertsOf(5, 5), access: 'notRegistered' });
  emulator.addSubscription(sub(6), { alerts: alertsOf(6, 5), state: 'Disabled' });
  emulator.addSubscription(sub(7), { alerts: alertsOf(7, 5), tenantId: OTHER_TENANT });
  // Throttled twice, then answers: the SDK's retries honour Retry-After.
  emulator.injectSubscriptionFaults(
    sub(2),
    { kind: 'status', status: 429, retryAfterSeconds: 0 },
    { kind: 'status', status: 503 },
  );
  return healthy.flatMap(({ alerts }) => alerts);
}

describe('every subscription of a tenant through the worker path', () => {
  it('queues one work item per collected subscription; a failing one is skipped on its own, the others deliver', async () => {
    const expected = tenantWithTrouble();
    const app = deploy(
      emulator,
      { subscription_id: '', subscription_ids: '*', output_target: 'eventhub' },
      T0,
    );
    const first = await app.cycle(T0);
    expect(first.work).toHaveLength(6);
    expect(new Set(first.work.map((record) => record.completion))).toEqual(new Set(['deleted']));
    expect(tally(await app.targetRecords(), expected)).toEqual({ lost: 0, duplicates: 0 });
    expect(await app.targetRecords()).toHaveLength(45);

    const runs = app.telemetry.events.filter((event) => event.name === 'DefenderAlertsCollection');
    expect(
      runs
        .map((event) => [
          event.properties?.subscriptionId,
          event.properties?.outcome,
          event.properties?.reason,
        ])
        .sort(),
    ).toEqual(
      [
        [SUBSCRIPTION_ID, 'succeeded', undefined],
        [sub(1), 'succeeded', undefined],
        [sub(2), 'succeeded', undefined],
        [sub(3), 'succeeded', undefined],
        [sub(4), 'skipped', 'forbidden'],
        [sub(5), 'skipped', 'notRegistered'],
      ].sort(),
    );
    const schedule = app.telemetry.events.find((event) => event.name === 'DefenderAlertsSchedule');
    expect(schedule?.measurements).toMatchObject({
      'DefenderAlerts.WorkItems': 6,
      'DefenderAlerts.Discovery.Disabled': 1,
      'DefenderAlerts.Discovery.OtherTenant': 1,
    });
    const skipped = first.work
      .flatMap((record) => record.invocation!.logs)
      .filter((line) => line.level === 'warning');
    expect(skipped.map((line) => line.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Skipped subscription '${sub(4)}' \\(forbidden\\): .*HTTP 403 AuthorizationFailed.*Security Reader`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^Skipped subscription '${sub(5)}' \\(notRegistered\\): .*MissingSubscriptionRegistration.*az provider register --namespace Microsoft.Security`,
        ),
      ),
    ]);

    const second = await app.cycle(T0 + HOUR);
    expect(second.forward).toEqual([]);
    expect(await app.targetRecords()).toHaveLength(45);
  });
});

describe('every subscription of a tenant through the local runner', () => {
  it('collects each configured subscription, names each failure, and exits 3', async () => {
    const expected = tenantWithTrouble();
    const settings = testSettings(emulator, {
      subscription_id: '',
      subscription_ids: `${sub(1)},${sub(2)},${sub(3)},${sub(4)}`,
      max_concurrent_subscriptions: '2',
    });
    const { code, stdout, stderr } = await runMain(['collect', '--output', '-'], settings);
    const lines = stdout.split('\n').filter(Boolean);
    expect(code).toBe(3);
    expect(tally(lines, expected)).toEqual({ lost: 0, duplicates: 0 });
    expect(lines).toHaveLength(45);
    for (const n of [1, 2, 3])
      expect(stderr).toMatch(
        new RegExp(
          `INFO  Collected Defender for Cloud alerts: fetched=15 new=15 .* \\{"subscriptionId":"${sub(n)}"\\}`,
        ),
      );
    expect(stderr).toContain('Collected 3 of 4 subscriptions: delivered=45 failed=1');
    expect(stderr).toMatch(
      new RegExp(
        `ERROR 1 of 4 subscriptions failed: '${sub(4)}': Listing Defender for Cloud alerts of subscription '${sub(4)}' failed with HTTP 403 AuthorizationFailed`,
      ),
    );
  });
});

describe('the progress of a collection of many subscriptions', () => {
  it('counts pages and alerts as they are diffed, and each subscription once, failed ones included', async () => {
    const expected = tenantWithTrouble();
    const settings = loadSettings(
      testSettings(emulator, {
        subscription_id: '',
        subscription_ids: `${sub(1)},${sub(2)},${sub(3)},${sub(4)}`,
        max_concurrent_subscriptions: '2',
      }),
    );
    const reports: CollectionProgress[] = [];
    const sink = new InMemorySink();
    await collectSubscriptions({
      settings,
      sink,
      logger: new RecordingLogger(),
      retryOptions: FAST_RETRIES,
      onProgress: (progress) => reports.push({ ...progress }),
    });
    // 15 alerts in pages of 20: one page for each of the three healthy subscriptions; the fourth fails.
    expect(reports.at(-1)).toEqual({ subscriptions: 4, done: 4, pages: 3, alerts: expected.length });
    expect(sink.records).toHaveLength(expected.length);
    expect(reports.filter((report, n) => n > 0 && report.done < reports[n - 1]!.done)).toEqual([]);
    expect(reports.length).toBe(3 + 4);
  });
});
