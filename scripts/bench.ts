/**
 * Benchmarks that print figures (never timed tests): `npm run bench`, or one section with
 * `node dist/scripts/bench.js <section>`:
 *
 * - `index`: the hash index's load (decode), diff (classify every entry) and save (encode), 1,000,000 entries.
 * - `cost`: one subscription's collection in process, against parsing the pages and serialising each alert once.
 * - `single`: (a) the local runner as a child process (process start included), first and steady-state runs
 *   of 10,000 and 100,000 alerts, beside the minimal client (`leastWork.ts`), with peak RSS.
 * - `tenant`: (b) 1,000 subscriptions collected by the local runner, beside the minimal client fetching the
 *   same pages with the same concurrency; wall time, peak RSS, ARM requests.
 * - `worker`: (c) the worker's peak RSS at the default cap, beside its batch's bytes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { AlertIndex } from '../src/dedupe/alertIndex';
import { InMemoryIndexStore } from '../src/dedupe/inMemoryIndexStore';
import type { AlertPage, AlertSource } from '../src/defender/alertSource';
import { collectAlerts } from '../src/pipeline/collectAlerts';
import type { DirectSink } from '../src/delivery/sinks';
import { RecordingLogger } from '../src/telemetry/logger';
import { generateAlerts } from '../emulators/defender/alertFactory';
import { benchSingleSubscription } from './bench/singleSubscription';
import { benchTenant } from './bench/tenant';
import { benchWorkerMemory } from './bench/workerMemory';

const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000be';
const PAGE_SIZE = 200;

function time<T>(work: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = work();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

async function timeAsync<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function benchIndex(entries: number): void {
  const keys = Array.from({ length: entries }, () => randomBytes(12));
  const fingerprint = randomBytes(12);
  const seed = AlertIndex.empty(SUBSCRIPTION);
  seed.addPendingBatch(
    {
      id: 'seed',
      createdAt: new Date().toISOString(),
      recordCount: entries,
      ref: '',
    },
    keys.map((key) => ({ key, fingerprint })),
    1_700_000_000,
  );
  seed.settleBatch(1, true);
  const data = seed.encode(new Date()).data;
  const load = time(() => AlertIndex.decode(data, 'bench'));
  const diff = time(() => {
    let unchanged = 0;
    for (const key of keys)
      if (load.result.classify(key, fingerprint, 'content', 1_700_000_100) === 'unchanged') unchanged += 1;
    return unchanged;
  });
  const save = time(() => load.result.encode(new Date(), 1_600_000_000));
  if (diff.result !== entries) throw new Error(`expected ${entries} unchanged, got ${diff.result}`);
  console.log(
    `index ${entries.toLocaleString('en')} entries: ${(data.length / 1e6).toFixed(1)} MB; load ${load.ms.toFixed(0)} ms, ` +
      `diff ${diff.ms.toFixed(0)} ms, save ${save.ms.toFixed(0)} ms, total ${(load.ms + diff.ms + save.ms).toFixed(0)} ms`,
  );
}

/** Pages as the wire carries them (JSON text), parsed on the way as the real source does. */
function textPagesSource(pages: string[]): AlertSource {
  return {
    async *pages(): AsyncIterable<AlertPage> {
      let pageNumber = 0;
      for (const text of pages) {
        pageNumber += 1;
        yield await Promise.resolve({ alerts: (JSON.parse(text) as { value: unknown[] }).value, pageNumber });
      }
    },
  };
}

const nullSink: DirectSink = {
  kind: 'direct',
  write: () => Promise.resolve(),
  flush: () => Promise.resolve(),
};

async function benchCollectionCost(count: number): Promise<void> {
  const alerts = generateAlerts({ count, seed: 7, subscriptionId: SUBSCRIPTION });
  const pages: string[] = [];
  for (let i = 0; i < alerts.length; i += PAGE_SIZE)
    pages.push(JSON.stringify({ value: alerts.slice(i, i + PAGE_SIZE) }));
  const megabytes = pages.reduce((sum, page) => sum + page.length, 0) / 1e6;

  const best = (runs: number[]): number => Math.min(...runs);
  const baselineRuns: number[] = [];
  const firstRuns: number[] = [];
  const secondRuns: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    baselineRuns.push(
      time(() => {
        let bytes = 0;
        for (const page of pages)
          for (const alert of (JSON.parse(page) as { value: unknown[] }).value)
            bytes += JSON.stringify(alert).length;
        return bytes;
      }).ms,
    );
    const store = new InMemoryIndexStore(SUBSCRIPTION);
    const options = {
      store,
      sink: nullSink,
      judge: { judge: () => Promise.resolve('unknown' as const) },
      subscriptionId: SUBSCRIPTION,
      dedupeMode: 'content' as const,
      recordFormat: 'raw' as const,
      maxAlertsPerRun: count,
      logger: new RecordingLogger(),
    };
    firstRuns.push((await timeAsync(() => collectAlerts({ ...options, source: textPagesSource(pages) }))).ms);
    secondRuns.push(
      (await timeAsync(() => collectAlerts({ ...options, source: textPagesSource(pages) }))).ms,
    );
  }
  const baseline = best(baselineRuns);
  console.log(
    `collection of ${count.toLocaleString('en')} alerts (${megabytes.toFixed(1)} MB of pages), best of 5: ` +
      `least possible work (parse + serialise once) ${baseline.toFixed(0)} ms; ` +
      `first run ${best(firstRuns).toFixed(0)} ms (${(best(firstRuns) / baseline).toFixed(2)}x); ` +
      `second run ${best(secondRuns).toFixed(0)} ms (${(best(secondRuns) / baseline).toFixed(2)}x)`,
  );
}

const SECTIONS: Record<string, () => Promise<void>> = {
  index: () => Promise.resolve(benchIndex(1_000_000)),
  cost: () => benchCollectionCost(10_000),
  single: () =>
    benchSingleSubscription([
      { alerts: 10_000, rounds: 5 },
      { alerts: 100_000, rounds: 2 },
    ]),
  tenant: () => benchTenant(2),
  worker: () => benchWorkerMemory([20_000, 100_000]),
};

/** The commit the figures belong to, and whether src/ had changes not committed yet (they are in dist/). */
function describeBuild(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${changed > 0 ? ` + ${changed} files of src/ changed` : ''}`;
  } catch {
    return 'commit unknown';
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined && !(only in SECTIONS))
    throw new Error(
      `Unknown section '${only}': one of ${Object.keys(SECTIONS).join(', ')}, or none for all.`,
    );
  const load = loadavg()
    .map((each) => each.toFixed(2))
    .join(' ');
  console.log(
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GB; load average ${load}; ${describeBuild()}`,
  );
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (only !== undefined && only !== name) continue;
    const started = process.hrtime.bigint();
    await run();
    const took = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`[${name}: ${took.toFixed(0)} s; load average now ${loadavg()[0]!.toFixed(2)}]`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
