import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generatedAlertSource } from '../../emulators/defender/alertFactory';
import { IDS, PAGE_SIZE, startBenchEnvironment, type BenchEnvironment } from './benchEnvironment';
import { runMeasured, type ChildCost } from './measuredChild';
import { COLLECTOR_CLI, LEAST_WORK } from './singleSubscription';
import { count, megabytes, printTable, ratio, seconds } from './table';

const SUBSCRIPTIONS = 1_000;
/** Subscriptions with 5,000 alerts each; the others have 0–20. */
const HEAVY = new Set([100, 300, 500, 700, 900]);
const HEAVY_ALERTS = 5_000;
/** Items per page of the subscription listing (the emulator's default, ARM's is larger). */
const LIST_PAGE_SIZE = 100;
const CONCURRENCY = 8;

const subscriptionId = (n: number): string =>
  n === 1 ? IDS.subscriptionId : `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const alertsOf = (n: number): number => (HEAVY.has(n) ? HEAVY_ALERTS : (n * 7) % 21);

interface TenantRun {
  cost: ChildCost;
  armRequests: number;
}

/**
 * (b) A tenant of 1,000 subscriptions (most with 0–20 alerts, five with 5,000) found by discovery
 * (`subscription_ids=*`): the local runner's first and steady-state runs with its default concurrency, and
 * the minimal client fetching the same pages 8 subscriptions at a time. ARM's read limits stay on (the
 * emulator's token buckets, ARM's figures): no subscription comes near them.
 */
export async function benchTenant(rounds: number): Promise<void> {
  const env = await startBenchEnvironment({ listPageSize: LIST_PAGE_SIZE });
  let alerts = 0;
  let alertPages = 0;
  for (let n = 1; n <= SUBSCRIPTIONS; n += 1) {
    const source = generatedAlertSource({ count: alertsOf(n), seed: n, subscriptionId: subscriptionId(n) });
    if (n === 1) env.emulator.setAlerts(source);
    else env.emulator.addSubscription(subscriptionId(n), { alerts: source });
    alerts += source.length;
    alertPages += Math.max(1, Math.ceil(source.length / PAGE_SIZE));
  }
  const expectedRequests = Math.ceil(SUBSCRIPTIONS / LIST_PAGE_SIZE) + alertPages;
  const common = { subscription_id: '', subscription_ids: '*' };
  const runs: Record<string, TenantRun[]> = {
    [FLOOR]: [],
    'minimal client': [],
    'collect, first run': [],
    'collect, steady state': [],
  };
  try {
    for (let round = 0; round < rounds; round += 1) {
      const floor = env.settings({ ...common, LEAST_WORK_MODE: 'fetch' });
      runs[FLOOR]!.push(await run(env, LEAST_WORK, floor, 0, 'least'));
      runs['minimal client']!.push(await run(env, LEAST_WORK, env.settings(common), alerts, 'least'));
      const settings = env.settings(common);
      runs['collect, first run']!.push(await run(env, COLLECTOR_CLI, settings, alerts, 'collect'));
      runs['collect, steady state']!.push(await run(env, COLLECTOR_CLI, settings, 0, 'collect'));
    }
  } finally {
    await env.stop();
  }
  const wall = (name: string) => Math.min(...runs[name]!.map((each) => each.cost.wallInMs));
  printTable(
    `(b) A tenant: ${count(SUBSCRIPTIONS)} subscriptions found by discovery, ${count(alerts)} alerts (five ` +
      `subscriptions with ${count(HEAVY_ALERTS)}, the others 0–20), ${CONCURRENCY} subscriptions at a time, ` +
      `best of ${rounds}; ARM requests expected: ${Math.ceil(SUBSCRIPTIONS / LIST_PAGE_SIZE)} discovery ` +
      `pages + ${count(alertPages)} alert pages = ${count(expectedRequests)}`,
    ['run', 'wall (s)', '× minimal', 'peak RSS (MB)', 'ARM requests'],
    Object.entries(runs).map(([name, measured]) => {
      const requests = [...new Set(measured.map((each) => count(each.armRequests)))];
      return [
        name,
        seconds(wall(name)),
        ratio(wall(name), wall('minimal client')),
        megabytes(Math.max(...measured.map((each) => each.cost.peakRssInMb))),
        requests.join(' / '),
      ];
    }),
  );
  for (const [name, measured] of Object.entries(runs))
    for (const { armRequests } of measured)
      if (armRequests !== expectedRequests)
        console.log(`NOTE: ${name} made ${armRequests} ARM requests, not ${expectedRequests}`);
}

const FLOOR = 'floor: fetch only (no parse)';

/** One run as a child process; checks the records it wrote and counts the ARM requests it made. */
async function run(
  env: BenchEnvironment,
  script: string,
  settings: Record<string, string>,
  expected: number,
  kind: 'least' | 'collect',
): Promise<TenantRun> {
  const output = join(env.folder, `${kind}.ndjson`);
  const before = env.armRequests();
  const args = kind === 'least' ? [output] : ['collect', '--output', output];
  // The collector runs with its default max_concurrent_subscriptions (8); the minimal client is told 8.
  const concurrency: Record<string, string> =
    kind === 'least' ? { max_concurrent_subscriptions: String(CONCURRENCY) } : {};
  const cost = await runMeasured(script, args, { env: { ...settings, ...concurrency }, cwd: env.folder });
  const armRequests = env.armRequests() - before;
  rmSync(output, { force: true });
  const written =
    kind === 'least'
      ? Number(/alerts=(\d+)/.exec(cost.stdout)?.[1])
      : Number(/subscriptions: delivered=(\d+)/.exec(cost.stderr)?.[1]);
  if (written !== expected) throw new Error(`${kind} wrote ${written} records, not ${expected}`);
  return { cost, armRequests };
}
