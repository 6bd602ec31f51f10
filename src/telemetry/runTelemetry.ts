import type { RunSummary } from '../pipeline/collectAlerts';
import { METRIC_NAMES, RUN_EVENT_NAME } from './telemetryNames';

export interface RunDimensions {
  subscriptionId: string;
  outputTarget: string;
  dedupeMode: string;
  invocationId: string;
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
}

/**
 * One custom event per run (outcome, counts as measurements) and one metric per count. Only counts and
 * identifiers: never alert payloads, never settings values beyond the dimensions.
 */
export class RunTelemetry {
  constructor(private readonly sink: TelemetrySink | undefined) {}

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  recordRun(
    outcome: 'succeeded' | 'failed',
    dimensions: RunDimensions,
    summary: RunSummary | undefined,
  ): void {
    if (this.sink === undefined) return;
    const properties: Record<string, string> = { outcome, ...dimensions };
    const measurements: Record<string, number> = {};
    if (summary !== undefined) {
      const values: Record<keyof typeof METRIC_NAMES, number> = {
        fetched: summary.fetched,
        new: summary.new,
        updated: summary.updated,
        unchanged: summary.unchanged,
        duplicates: summary.duplicates,
        failed: summary.failed,
        oversized: summary.oversized,
        delivered: summary.delivered,
        backlog: summary.backlog,
        pages: summary.pages,
        durationInMs: summary.durationInMs,
        indexSize: summary.indexSize,
        oldestUndeliveredAgeInHours: summary.oldestUndeliveredAgeInHours,
      };
      for (const [key, value] of Object.entries(values) as [keyof typeof METRIC_NAMES, number][]) {
        measurements[METRIC_NAMES[key]] = value;
        this.sink.trackMetric({ name: METRIC_NAMES[key], value, properties });
      }
    }
    this.sink.trackEvent({ name: RUN_EVENT_NAME, properties, measurements });
  }

  /** Sends what is buffered before the invocation returns (an idle instance may be frozen right after). */
  async flush(): Promise<void> {
    await this.sink?.flush();
  }
}
