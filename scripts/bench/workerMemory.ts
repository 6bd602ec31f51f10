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
/** The Flex Consumption instance size infra/app/functionApp.bicep deploys by default (instanceMemoryMB). */
const INSTANCE_MEMORY_IN_MB = 2048;
/** Deployed, the worker sends its telemetry to Application Insights; here to an endpoint that refuses it. */
const APP_INSIGHTS_ON = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
};
/** Off whatever the shell running the bench has set. */
const APP_INSIGHTS_OFF = { APPLICATIONINSIGHTS_CONNECTION_STRING: '' };

/**
 * The Node flags that give the worker the heap V8 sizes for an instance of this memory: Node hands V8 the
 * container's memory limit, V8 gives the old generation a quarter of it and each semi-space 1/128 of that,
 * within 1–16 MB (V8 `Heap::HeapSizeFromPhysicalMemory`). The deployed app passes no Node flags of its own
 * (no `languageWorkers__node__arguments`), so these are what the worker runs with in Azure.
 */
export function heapOfInstance(memoryInMb: number): string[] {
  const oldSpace = memoryInMb / 4;
  const semiSpace = Math.min(16, Math.max(1, oldSpace / 128));
  return [`--max-old-space-size=${oldSpace}`, `--max-semi-space-size=${semiSpace}`];
}

const HEAPS = [
  { label: "this machine's V8 default", nodeOptions: [], env: APP_INSIGHTS_OFF },
  {
    label: `Flex ${count(INSTANCE_MEMORY_IN_MB)} MB`,
    nodeOptions: heapOfInstance(INSTANCE_MEMORY_IN_MB),
    env: APP_INSIGHTS_OFF,
  },
  {
    label: `Flex ${count(INSTANCE_MEMORY_IN_MB)} MB, App Insights on`,
    nodeOptions: heapOfInstance(INSTANCE_MEMORY_IN_MB),
    env: APP_INSIGHTS_ON,
  },
];

/**
 * (c) The worker's memory: one invocation of the real handler (scripts/benchMemory.ts) at the default cap
 * (max_alerts_per_run 10,000) against subscriptions listing more alerts than the cap, the batch held as
 * the worker holds it for the host; peak RSS beside the batch's bytes and the target 150 MB + 2× the batch,
 * with V8's default heap here and with the heap it sizes on the deployed instance, with and without
 * Application Insights (the deployed app has it on).
 */
export async function benchWorkerMemory(listed: number[]): Promise<void> {
  const env = await startBenchEnvironment({ readLimit: { capacity: 1e9, refillPerSecond: 1e9 } });
  try {
    const options = { env: env.settings(APP_INSIGHTS_OFF), cwd: env.folder };
    const loadOnly = await runMeasured(WORKER, [IDS.subscriptionId, '--load-only'], options);
    const loadOnlyWithAppInsights = await runMeasured(WORKER, [IDS.subscriptionId, '--load-only'], {
      ...options,
      env: env.settings(APP_INSIGHTS_ON),
    });
    const rows: string[][] = [];
    for (const alerts of listed) {
      env.emulator.setAlerts(
        generatedAlertSource({ count: alerts, seed: 5, subscriptionId: IDS.subscriptionId }),
      );
      for (const heap of HEAPS) {
        const cost = await runMeasured(WORKER, [IDS.subscriptionId], {
          env: env.settings(heap.env),
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
        'worker heap',
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
        `${megabytes(loadOnly.peakRssInMb)} MB; ${megabytes(loadOnlyWithAppInsights.peakRssInMb)} MB with ` +
        `Application Insights. Flex ${count(INSTANCE_MEMORY_IN_MB)} MB: ${heapOfInstance(INSTANCE_MEMORY_IN_MB).join(' ')}, ` +
        `the heap V8 sizes there. The host's copy of the batch (the worker sends it over gRPC) is ` +
        `not included. 1 MB = 2^20 bytes.`,
    );
  } finally {
    await env.stop();
  }
}
