import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createCollectSubscriptionFunction } from '../../src/functions/handlers/collectSubscriptionHandler';
import { createForwardBatchFunction } from '../../src/functions/handlers/forwardBatchHandler';
import { createScheduleCollectionFunction } from '../../src/functions/handlers/scheduleCollectionHandler';
import { RunTelemetry, type TelemetrySink } from '../../src/telemetry/runTelemetry';
import { blobService, FAST_RETRIES, queueService, testSettings } from './collectorHarness';
import type { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import {
  FunctionsHostSimulator,
  type InvocationFaults,
  type InvocationRecord,
  type QueueProcessingRecord,
} from './functionsHost/functionsHostSimulator';

const HOST_JSON_QUEUES = (
  JSON.parse(readFileSync(join(__dirname, '../../host.json'), 'utf8')) as {
    extensions: { queues: { maxDequeueCount: number; messageEncoding: 'base64' | 'none' } };
  }
).extensions.queues;

/** Everything the app sent to Application Insights. */
export class RecordingTelemetry implements TelemetrySink {
  readonly events: {
    name: string;
    properties?: Record<string, string>;
    measurements?: Record<string, number>;
  }[] = [];
  readonly metrics: { name: string; value: number; properties?: Record<string, string> }[] = [];
  trackEvent(event: RecordingTelemetry['events'][number]): void {
    this.events.push(event);
  }
  trackMetric(metric: RecordingTelemetry['metrics'][number]): void {
    this.metrics.push(metric);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

/** What happens to a message whose every attempt fails: four retries, then the poison queue (host.json). */
export const EVERY_ATTEMPT_FAILED = [
  'releasedForRetry',
  'releasedForRetry',
  'releasedForRetry',
  'releasedForRetry',
  'movedToPoison',
] as const;

/** A drain gives up after this many invocations of one queue (a message retried for ever, say). */
const MAX_INVOCATIONS_PER_DRAIN = 5_000;

/** Faults for the n-th invocation (1-based) of a drain, whichever message it takes. */
export type FaultPlan = (invocation: { index: number }) => InvocationFaults | undefined;

export interface DrainResult {
  work: QueueProcessingRecord[];
  forward: QueueProcessingRecord[];
}

/** A deployed app: its settings, the three functions, a simulated host, a movable clock. */
export interface Deployment {
  readonly settings: Record<string, string | undefined>;
  readonly host: FunctionsHostSimulator;
  readonly telemetry: RecordingTelemetry;
  now(): number;
  setClock(ms: number): void;
  /** The timer fires once at the current time. */
  schedule(): Promise<InvocationRecord>;
  /** The worker processes the next work item. */
  work(faults?: InvocationFaults): Promise<QueueProcessingRecord | undefined>;
  /** The forwarder processes the next forward request. */
  forward(faults?: InvocationFaults): Promise<QueueProcessingRecord | undefined>;
  /**
   * Processes the work queue, then the forward queue, until neither has a visible message; `instances` hosts
   * take messages at once (default 1).
   */
  drain(faults?: { work?: FaultPlan; forward?: FaultPlan }, instances?: number): Promise<DrainResult>;
  /** The timer at `at`, then a drain. */
  cycle(
    at: number,
    faults?: { work?: FaultPlan; forward?: FaultPlan },
    instances?: number,
  ): Promise<DrainResult>;
  /** Every record the target received, in order. */
  targetRecords(): Promise<string[]>;
  /** The same storage and queues with other settings (a configuration change and restart). */
  redeploy(overrides: Record<string, string>): Deployment;
}

/** Deploys the app against the emulator and the shared Azurite, at `start`. */
export function deploy(
  emulator: DefenderApiEmulator,
  overrides: Record<string, string> = {},
  start = Date.parse('2026-11-23T10:00:00Z'),
): Deployment {
  const suffix = randomUUID().slice(0, 8);
  const settings = testSettings(emulator, { output_queue_name: `target-${suffix}`, ...overrides });
  return deployWith(settings, { clock: start, hosts: [] });
}

function deployWith(
  settings: Record<string, string | undefined>,
  shared: { clock: number; hosts: FunctionsHostSimulator[] },
): Deployment {
  const state = { clock: shared.clock };
  const telemetry = new RecordingTelemetry();
  const dependencies = {
    now: () => new Date(state.clock),
    retryOptions: FAST_RETRIES,
    createTelemetry: () => new RunTelemetry(telemetry),
  };
  const timer = createScheduleCollectionFunction(settings, dependencies);
  const worker = createCollectSubscriptionFunction(settings, dependencies);
  const forwarder = createForwardBatchFunction(settings, dependencies);
  const outbox = worker.settings.delivery.outboxContainer;
  const host = new FunctionsHostSimulator({
    appSettings: settings,
    now: () => new Date(state.clock),
    // host.json's queue settings, but for the pause before a retry: Azurite's clock cannot be moved, and no
    // verdict depends on how long the pause is.
    queues: { ...HOST_JSON_QUEUES, visibilityTimeout: '00:00:00' },
    eventGrid: {
      containerName: outbox,
      subjectBeginsWith: `/blobServices/default/containers/${outbox}/blobs/batches/`,
      queueName: worker.settings.delivery.forwardQueue,
    },
  });
  // Each host records the Event Hubs events it sent; the deployments of one app read them all.
  const hosts = shared.hosts;
  hosts.push(host);

  /**
   * Processes a queue until no message is visible, with `instances` hosts taking messages at once. The plan
   * sees each invocation's number, in the order they start.
   */
  async function drainQueue(
    process: (faults?: InvocationFaults) => Promise<QueueProcessingRecord | undefined>,
    plan: FaultPlan | undefined,
    instances: number,
  ): Promise<QueueProcessingRecord[]> {
    const records: QueueProcessingRecord[] = [];
    let started = 0;
    const lane = async (): Promise<void> => {
      while (started < MAX_INVOCATIONS_PER_DRAIN) {
        started += 1;
        const record = await process(plan?.({ index: started }));
        if (record === undefined) return;
        records.push(record);
      }
      throw new Error(`The queue did not drain in ${MAX_INVOCATIONS_PER_DRAIN} invocations`);
    };
    await Promise.all(Array.from({ length: instances }, lane));
    return records;
  }

  const deployment: Deployment = {
    settings,
    host,
    telemetry,
    now: () => state.clock,
    setClock: (ms) => void (state.clock = ms),
    schedule: () => host.invokeTimer('scheduleCollection', timer.options, { isPastDue: false }),
    work: (faults) => host.processNextQueueMessage('collectSubscription', worker.options, faults),
    forward: (faults) => host.processNextQueueMessage('forwardBatch', forwarder.options, faults),
    async drain(faults = {}, instances = 1) {
      const work = await drainQueue((f) => deployment.work(f), faults.work, instances);
      const forward = await drainQueue((f) => deployment.forward(f), faults.forward, instances);
      return { work, forward };
    },
    async cycle(at, faults, instances) {
      state.clock = at;
      await deployment.schedule();
      return deployment.drain(faults, instances);
    },
    async targetRecords() {
      const output = forwarder.settings.output;
      if (output.target === 'eventhub')
        return hosts.flatMap((each) => each.eventHub.events(output.eventHubName));
      if (output.target === 'queue') return readQueueTexts(output.queueName);
      return readBlobLines(output.blobContainer);
    },
    redeploy(changes) {
      return deployWith({ ...settings, ...changes }, { clock: state.clock, hosts });
    },
  };
  return deployment;
}

async function readQueueTexts(queueName: string): Promise<string[]> {
  const queue = queueService().getQueueClient(queueName);
  if (!(await queue.exists())) return [];
  const texts: string[] = [];
  const held: { messageId: string; popReceipt: string }[] = [];
  // Each message is received once (kept invisible meanwhile), then made visible again: none is removed.
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 60,
    });
    if (receivedMessageItems.length === 0) break;
    for (const message of receivedMessageItems) {
      texts.push(Buffer.from(message.messageText, 'base64').toString('utf8'));
      held.push(message);
    }
  }
  for (const { messageId, popReceipt } of held)
    await queue.updateMessage(messageId, popReceipt, undefined, 0);
  return texts;
}

async function readBlobLines(containerName: string): Promise<string[]> {
  const container = blobService().getContainerClient(containerName);
  if (!(await container.exists())) return [];
  const lines: string[] = [];
  for await (const blob of container.listBlobsFlat()) {
    const text = (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    lines.push(...text.split('\n').filter((line) => line !== ''));
  }
  return lines;
}

/**
 * Lost: versions of alerts that must have been delivered but are not among the records. Duplicates:
 * records beyond the first of each distinct text.
 */
export function tally(
  records: readonly string[],
  expected: readonly unknown[],
): { lost: number; duplicates: number } {
  // Compared as values: a record escapes U+2028, U+2029 and NEL, which JSON.stringify leaves raw.
  const received = new Set(records.map((record) => JSON.stringify(JSON.parse(record))));
  const lost = expected.filter((alert) => !received.has(JSON.stringify(alert))).length;
  return { lost, duplicates: records.length - received.size };
}
