import type { CollectorSettings } from '../../config/settings';
import { createTelemetrySink } from '../../telemetry/createTelemetrySink';
import { RunTelemetry } from '../../telemetry/runTelemetry';

/** What tests replace in a handler: the clock and the telemetry client. */
export interface HandlerDependencies {
  now?: () => Date;
  /** Application Insights by default (off without a connection string); tests pass a recording sink. */
  createTelemetry?: (settings: CollectorSettings) => RunTelemetry;
  /** SDK retry tuning for the Defender API; tests make it fast. */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export function telemetryFor(settings: CollectorSettings, dependencies: HandlerDependencies): RunTelemetry {
  return (dependencies.createTelemetry ?? ((s) => new RunTelemetry(createTelemetrySink(s.telemetry))))(
    settings,
  );
}
