import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generatedAlertSource } from '../../emulators/defender/alertFactory';
import { IDS, PAGE_SIZE, startBenchEnvironment, type BenchEnvironment } from './benchEnvironment';
import { runMeasured, type ChildCost } from './measuredChild';
import { count, megabytes, printTable, ratio, seconds } from './table';

/** `dist/src/cli/main.js`, the command `npm run collect` runs (after compiling it once). */
export const COLLECTOR_CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
export const LEAST_WORK = join(__dirname, '..', 'leastWork.js');

/** One kind of run, over the rounds: the best wall time and the highest peak RSS seen. */
interface Measured {
  wallInMs: number;
  peakRssInMb: number;
  /** The collector's own `duration=` (process start and module loading excluded), when it prints one. */
  inProcessInMs?: number;
}

/**
 * (a) One subscription with `alerts` alerts (max_alerts_per_run raised to the count), in rounds: the
 * server's floor (the minimal client fetching without parsing), the minimal client, then the collector's
 * first run (fresh index) and a steady-state run (every alert known); each a child process timed from
 * spawn to exit.
 */
export async function benchSingleSubscription(sizes: { alerts: number; rounds: number }[]): Promise<void> {
  // ARM's read limit (250 requests, 25 a second) would throttle both clients past 250 pages: it is
  // lifted here, so that the figures compare work, not waiting.
  const env = await startBenchEnvironment({ readLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  const rows: string[][] = [];
  try {
    const start = await processStart(env);
    for (const { alerts, rounds } of sizes) {
      env.emulator.setAlerts(
        generatedAlertSource({ count: alerts, seed: 99, subscriptionId: IDS.subscriptionId }),
      );
      const runs: Record<'floor' | 'least' | 'first' | 'steady', ChildCost[]> = {
        floor: [],
        least: [],
        first: [],
        steady: [],
      };
      for (let round = 0; round < rounds; round += 1) {
        runs.floor.push(await leastWork(env, 0, { LEAST_WORK_MODE: 'fetch' }));
        runs.least.push(await leastWork(env, alerts));
        const settings = env.settings({ max_alerts_per_run: String(alerts) });
        runs.first.push(await collect(env, settings, alerts));
        runs.steady.push(await collect(env, settings, 0));
      }
      const label = `${count(alerts)} (best of ${rounds})`;
      const base = best(runs.least).wallInMs;
      const row = (run: string, measured: Measured) => [
        label,
        run,
        seconds(measured.wallInMs),
        ratio(measured.wallInMs, base),
        seconds(measured.inProcessInMs ?? NaN),
        megabytes(measured.peakRssInMb),
      ];
      rows.push(
        row(FLOOR, best(runs.floor)),
        row('minimal client', best(runs.least)),
        row('collect, first run', best(runs.first)),
        row('collect, steady state', best(runs.steady)),
      );
    }
    printTable(
      '(a) One subscription: the local runner (`node dist/src/cli/main.js collect --output <file>`) beside the ' +
        'minimal client (scripts/leastWork.ts), wall time from spawn to exit',
      ['alerts', 'run', 'wall (s)', '× minimal', 'in-process (s)', 'peak RSS (MB)'],
      rows,
    );
    console.log(
      `\nProcess start: \`node -e 0\` ${seconds(start.node.wallInMs)} s, ${megabytes(start.node.peakRssInMb)} MB; ` +
        `\`main.js --help\` (the CLI's modules loaded) ${seconds(start.help.wallInMs)} s, ` +
        `${megabytes(start.help.peakRssInMb)} MB. ${PAGE_SIZE} alerts a page; ARM read limits lifted. The ` +
        `floor is what the emulator (in the bench's own process: it generates and serialises each page) and ` +
        `TLS cost a client that does nothing with the pages. In-process: the collector's own duration= ` +
        `(process start excluded).`,
    );
  } finally {
    await env.stop();
  }
}

const FLOOR = 'floor: fetch only (no parse)';

async function processStart(env: BenchEnvironment): Promise<{ node: ChildCost; help: ChildCost }> {
  const options = { env: {}, cwd: env.folder };
  const node = await runMeasured('-e', ['0'], options); // node -e 0: the runtime alone
  const help = await runMeasured(COLLECTOR_CLI, ['--help'], options);
  return { node, help };
}

async function leastWork(
  env: BenchEnvironment,
  alerts: number,
  mode: Record<string, string> = {},
): Promise<ChildCost> {
  const output = join(env.folder, 'least.ndjson');
  const cost = await runMeasured(LEAST_WORK, [output], {
    env: { ...env.settings(), ...mode },
    cwd: env.folder,
  });
  const listed = Number(/alerts=(\d+)/.exec(cost.stdout)?.[1]);
  rmSync(output, { force: true });
  if (listed !== alerts) throw new Error(`The minimal client wrote ${listed} alerts, not ${alerts}`);
  return cost;
}

/** One collection; checks it delivered `expected` records, every one on its own line. */
async function collect(
  env: BenchEnvironment,
  settings: Record<string, string>,
  expected: number,
): Promise<ChildCost & { inProcessInMs: number }> {
  const output = join(env.folder, 'collect.ndjson');
  const cost = await runMeasured(COLLECTOR_CLI, ['collect', '--output', output], {
    env: settings,
    cwd: env.folder,
  });
  const delivered = Number(/subscriptions: delivered=(\d+)/.exec(cost.stderr)?.[1]);
  const lines = expected === 0 ? 0 : lineCount(output);
  rmSync(output, { force: true });
  if (delivered !== expected || lines !== expected)
    throw new Error(
      `collect delivered ${delivered} (${lines} lines), not ${expected}:\n${cost.stderr.slice(-2000)}`,
    );
  const inProcessInMs = Number(/duration=([\d.]+)s/.exec(cost.stderr)?.[1]) * 1000;
  return { ...cost, inProcessInMs };
}

function lineCount(path: string): number {
  if (statSync(path, { throwIfNoEntry: false }) === undefined) return 0;
  const data = readFileSync(path);
  let lines = 0;
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) lines += 1;
  return lines;
}

function best(runs: (ChildCost & { inProcessInMs?: number })[]): Measured {
  const fastest = runs.reduce((a, b) => (b.wallInMs < a.wallInMs ? b : a));
  return {
    wallInMs: fastest.wallInMs,
    peakRssInMb: Math.max(...runs.map((run) => run.peakRssInMb)),
    inProcessInMs: fastest.inProcessInMs,
  };
}
