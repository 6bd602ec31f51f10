import type { RunSummary } from '../pipeline/collectAlerts';
import type { ExportFailures } from './exportFailureMonitor';
import {
  FORWARD_EVENT_NAME,
  FORWARD_METRIC_NAMES,
  METRIC_NAMES,
  RUN_EVENT_NAME,
  SCHEDULE_EVENT_NAME,
  SCHEDULE_METRIC_NAMES,
} from './telemetryNames';

export interface RunDimensions {
  subscriptionId: string;
  outputTarget: string;
  dedupeMode: string;
  invocationId: string;
  dequeueCount: string;
  /** Why a run was skipped: forbidden, notFound, notRegistered. */
  reason?: string;
}

/** The part of `applicationinsights`' TelemetryClient the collector uses; tests pass a recording fake. */
export interface TelemetrySink {
  trackEvent(event: {
    name: string;
    properties?: Record<string, string>;
    measurements?: Record<string, number>;
  }): void;
  trackMetric(metric: { name: string; value: number; properties?: Record<string, string> }): void;
  flush(): Promise<void>;
  /** Sends that failed since the last call; sinks that cannot tell leave it out. */
  takeExportFailures?(): ExportFailures | undefined;
}

type Outcome = 'succeeded' | 'failed' | 'skipped';

/**
 * One custom event per invocation (outcome, counts as measurements) and one metric per count. Only counts
 * and identifiers: never alert payloads, never settings values beyond the dimensions.
 */
export class RunTelemetry {
  constructor(private readonly sink: TelemetrySink | undefined) {}

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  /** A worker run of one subscription. */
  recordRun(
    outcome: Outcome,
    dimensions: RunDimensions,
    summary: RunSummary | undefined,
    workItemAgeInMinutes?: number,
  ): void {
    const values =
      summary === undefined
        ? undefined
        : {
            ...pick(summary, METRIC_NAMES),
            ...(workItemAgeInMinutes === undefined ? {} : { workItemAgeInMinutes }),
          };
    const properties: Record<string, string> = { outcome, ...dimensions };
    if (dimensions.reason === undefined) delete properties.reason;
    this.record(RUN_EVENT_NAME, properties, values, METRIC_NAMES);
  }

  /** A forwarder invocation: one outbox batch to the target. */
  recordForward(
    outcome: Outcome,
    dimensions: { batch: string; outputTarget: string; invocationId: string; dequeueCount: string },
    counts: { forwarded: number; forwardOversized: number } | undefined,
  ): void {
    this.record(FORWARD_EVENT_NAME, { outcome, ...dimensions }, counts, FORWARD_METRIC_NAMES);
  }

  /** A timer run: the work items it queued, what discovery found, and what waits in the poison queues. */
  recordSchedule(
    outcome: Outcome,
    dimensions: { invocationId: string },
    counts: Partial<Record<Exclude<keyof typeof SCHEDULE_METRIC_NAMES, 'poisonMessages'>, number>>,
    poisonMessages: ReadonlyMap<string, number>,
  ): void {
    this.record(SCHEDULE_EVENT_NAME, { outcome, ...dimensions }, counts, SCHEDULE_METRIC_NAMES);
    for (const [queue, count] of poisonMessages)
      this.sink?.trackMetric({
        name: SCHEDULE_METRIC_NAMES.poisonMessages,
        value: count,
        properties: { queue },
      });
  }

  /**
   * Sends what is buffered before the invocation returns (an idle instance may be frozen right after).
   * @returns the sends that failed since the last flush, this one's included, or `undefined` when none did.
   */
  async flush(): Promise<ExportFailures | undefined> {
    await this.sink?.flush();
    return this.sink?.takeExportFailures?.();
  }

  private record<K extends string>(
    eventName: string,
    properties: Record<string, string>,
    values: Partial<Record<K, number>> | undefined,
    names: Record<K, string>,
  ): void {
    if (this.sink === undefined) return;
    const measurements: Record<string, number> = {};
    for (const [key, value] of Object.entries(values ?? {}) as [K, number | undefined][]) {
      if (value === undefined) continue;
      measurements[names[key]] = value;
      this.sink.trackMetric({ name: names[key], value, properties });
    }
    this.sink.trackEvent({ name: eventName, properties, measurements });
  }
}

/** The summary's values for the metric names that are summary fields. */
function pick(
  summary: RunSummary,
  names: typeof METRIC_NAMES,
): Partial<Record<keyof typeof METRIC_NAMES, number>> {
  const values: Partial<Record<keyof typeof METRIC_NAMES, number>> = {};
  for (const key of Object.keys(names) as (keyof typeof METRIC_NAMES)[]) {
    const value = (summary as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') values[key] = value;
  }
  return values;
}
