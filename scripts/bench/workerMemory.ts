import { join } from 'node:path';
import { generatedAlertSource } from '../../emulators/defender/alertFactory';
import { DEFAULT_MAX_ALERTS_PER_RUN } from '../../src/config/settings';
import { IDS, startBenchEnvironment } from './benchEnvironment';
import { runMeasured } from './measuredChild';
import { count, megabytes, printTable } from './table';

const WORKER = join(__dirname, '..', 'benchMemory.js');
const MB = 1024 * 1024;
/** Issue 10's target for the worker: 150 MB plus twice the batch it holds. */
const FIXED_ALLOWANCE_IN_MB = 150;
/**
 * V8 sizes its old generation from the machine's memory (a quarter of it, within bounds): this machine's
 * default, and the 512 MB it would choose with the 2 GB of a Flex Consumption instance.
 */
const HEAPS = [
  { label: 'default', nodeOptions: [] },
  { label: 'old space 512 MB', nodeOptions: ['--max-old-space-size=512'] },
];

/**
 * (c) The worker's memory: one invocation of the real handler (scripts/benchMemory.ts) at the default cap
 * (max_alerts_per_run 10,000) against subscriptions listing more alerts than the cap, the batch held as
 * the worker holds it for the host; peak RSS beside the batch's bytes and the target 150 MB + 2× the batch,
 * with V8's default heap here and with the heap it would size for a 2 GB instance.
 */
export async function benchWorkerMemory(listed: number[]): Promise<void> {
  const env = await startBenchEnvironment({ readLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  try {
    const options = { env: env.settings(), cwd: env.folder };
    const loadOnly = await runMeasured(WORKER, [IDS.subscriptionId, '--load-only'], options);
    const rows: string[][] = [];
    for (const alerts of listed) {
      env.emulator.setAlerts(
        generatedAlertSource({ count: alerts, seed: 5, subscriptionId: IDS.subscriptionId }),
      );
      for (const heap of HEAPS) {
        const cost = await runMeasured(WORKER, [IDS.subscriptionId], {
          env: env.settings(),
          cwd: env.folder,
          nodeOptions: heap.nodeOptions,
        });
        const batchBytes = Number(/batchBytes=(\d+)/.exec(cost.stdout)?.[1]);
        const delivered = Number(/delivered=(\d+)/.exec(cost.stdout)?.[1]);
        if (delivered !== Math.min(alerts, DEFAULT_MAX_ALERTS_PER_RUN))
          throw new Error(`The worker delivered ${delivered} alerts:\n${cost.stdout}${cost.stderr}`);
        const target = FIXED_ALLOWANCE_IN_MB + (2 * batchBytes) / MB;
        rows.push([
          count(alerts),
          heap.label,
          count(delivered),
          (batchBytes / MB).toFixed(1),
          megabytes(cost.peakRssInMb),
          target.toFixed(0),
          cost.peakRssInMb <= target ? 'within' : 'over',
        ]);
      }
    }
    printTable(
      `(c) The worker's memory: one invocation of the handler at the default cap ` +
        `(max_alerts_per_run ${count(DEFAULT_MAX_ALERTS_PER_RUN)}), its batch held for the host`,
      [
        'alerts listed',
        'V8 heap',
        'batch records',
        'batch (MB)',
        'peak RSS (MB)',
        'target 150 + 2× batch (MB)',
        'vs target',
      ],
      rows,
    );
    console.log(
      `\nThe same process, modules loaded and the function built, nothing collected: ` +
        `${megabytes(loadOnly.peakRssInMb)} MB. The host's copy of the batch (the worker sends it over gRPC) is ` +
        `not included. 1 MB = 2^20 bytes.`,
    );
  } finally {
    await env.stop();
  }
}
