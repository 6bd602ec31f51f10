import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { main } from '../../../src/cli/main';
import { testSettings, startEmulator, tenantSubscription as sub } from '../../support/collectorHarness';
import { deploy, tally } from '../../support/deployment';

const SUBSCRIPTIONS = 1_000;

let emulator: DefenderApiEmulator;
const expected: unknown[] = [];
beforeAll(async () => {
  emulator = await startEmulator();
  for (let n = 1; n <= SUBSCRIPTIONS; n += 1) {
    // Most subscriptions of a tenant have few alerts or none.
    const alerts = generateAlerts({ count: n % 4, seed: n, subscriptionId: sub(n) });
    emulator.addSubscription(sub(n), { alerts });
    expected.push(...alerts);
  }
});
afterAll(async () => {
  await emulator.stop();
});

it(`collects ${SUBSCRIPTIONS.toLocaleString('en')} subscriptions through the worker path: one work item each, every alert once`, async () => {
  const app = deploy(emulator, { subscription_id: '', subscription_ids: '*', output_target: 'eventhub' });
  const cycle = await app.cycle(Date.parse('2026-11-23T10:00:00Z'), {}, 8);
  expect(cycle.work).toHaveLength(SUBSCRIPTIONS + 1);
  expect(new Set(cycle.work.map((record) => record.completion))).toEqual(new Set(['deleted']));
  expect(tally(await app.targetRecords(), expected)).toEqual({ lost: 0, duplicates: 0 });
  expect(await app.targetRecords()).toHaveLength(expected.length);
}, 300_000);

it(`collects ${SUBSCRIPTIONS.toLocaleString('en')} subscriptions with the local runner: every alert once, one summary line each`, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tenant-'));
  const output = join(folder, 'alerts.ndjson');
  const settings = testSettings(emulator, { subscription_id: '', subscription_ids: '*' });
  const errors: string[] = [];
  const saved = { ...process.env };
  const writeError = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => errors.push(String(chunk)) > 0;
  Object.assign(process.env, settings);
  let code: number;
  try {
    code = await main(['collect', '--output', output]);
  } finally {
    process.stderr.write = writeError;
    process.env = saved;
  }
  expect(code).toBe(0);
  const lines = readFileSync(output, 'utf8').split('\n').filter(Boolean);
  expect(tally(lines, expected)).toEqual({ lost: 0, duplicates: 0 });
  expect(lines).toHaveLength(expected.length);
  const log = errors.join('');
  expect(log.match(/Collected Defender for Cloud alerts: /g)).toHaveLength(SUBSCRIPTIONS + 1);
  expect(log).toContain(
    `Collected ${SUBSCRIPTIONS + 1} of ${SUBSCRIPTIONS + 1} subscriptions: delivered=${expected.length}`,
  );
  rmSync(folder, { recursive: true, force: true });
}, 300_000);
