import type { InvocationContext, RetryOptions, Timer, TimerFunctionOptions } from '@azure/functions';
import type { SettingsSource } from '../config/settingReaders';
import { loadSettings, type CollectorSettings } from '../config/settings';
import { parseTimerSchedule, type TimerSchedule } from '../config/schedule';
import { createBindingSink, createOutputBinding } from '../output/outputBinding';
import type { InvocationAttempt } from '../output/deliveryJudges';
import { InvocationLogger } from '../telemetry/invocationLogger';
import { createTelemetrySink } from '../telemetry/createTelemetrySink';
import { RunTelemetry } from '../telemetry/runTelemetry';
import { RETENTION_IN_DAYS, type CollectResult } from './collectAlerts';
import { runCollection, type RunCollectionOptions } from './runCollection';
import { summaryLine } from './summaryLine';

/**
 * A failed run (API down, index conflict, an output write the host could not make) is run again with
 * growing pauses; the delivery protocol re-sends whatever the failed attempt handed over.
 */
export const COLLECTOR_RETRY_POLICY: RetryOptions = {
  strategy: 'exponentialBackoff',
  maxRetryCount: 5,
  minimumInterval: { seconds: 30 },
  maximumInterval: { minutes: 15 },
};

export interface CollectorFunctionDependencies {
  /** Runs one cycle; tests may wrap it. */
  runCollection?: (options: RunCollectionOptions) => Promise<CollectResult>;
  /** Application Insights by default (off without a connection string); tests pass a recording sink. */
  createTelemetry?: (settings: CollectorSettings) => RunTelemetry;
  retryOptions?: RunCollectionOptions['retryOptions'];
}

export interface CollectorFunction {
  settings: CollectorSettings;
  schedule: TimerSchedule;
  options: TimerFunctionOptions;
}

/**
 * Everything `app.timer` needs, from the app settings: the schedule, the output binding of the target,
 * the retry policy and the handler. Settings are validated here, at start-up, so a bad value stops the
 * function from loading with a message that names it.
 */
export function createCollectorFunction(
  source: SettingsSource,
  dependencies: CollectorFunctionDependencies = {},
): CollectorFunction {
  const schedule = parseTimerSchedule(source.cron);
  const settings = loadSettings(source);
  const outputBinding = createOutputBinding(settings.output);
  const telemetry = (dependencies.createTelemetry ?? defaultTelemetry)(settings);
  const run = dependencies.runCollection ?? runCollection;

  const handler = async (timer: Timer, context: InvocationContext): Promise<void> => {
    const dimensions = {
      subscriptionId: settings.subscriptionId,
      outputTarget: settings.output.target,
      dedupeMode: settings.dedupeMode,
      invocationId: context.invocationId,
    };
    const logger = new InvocationLogger(context, { subscriptionId: settings.subscriptionId });
    const attempt: InvocationAttempt = {
      retryCount: context.retryContext?.retryCount ?? 0,
      maxRetryCount: context.retryContext?.maxRetryCount ?? COLLECTOR_RETRY_POLICY.maxRetryCount,
    };
    warnAboutSchedule(timer, schedule, attempt, logger);
    try {
      const { summary, payload } = await run({
        settings,
        sink: createBindingSink(settings.output, attempt),
        logger,
        attempt,
        retryOptions: dependencies.retryOptions,
      });
      if (payload !== undefined) context.extraOutputs.set(outputBinding, payload);
      logger.info(summaryLine(summary), { ...summary });
      telemetry.recordRun('succeeded', dimensions, summary);
      await flushQuietly(telemetry, logger);
    } catch (error) {
      logger.error(`Collection failed: ${error instanceof Error ? error.message : String(error)}`, {
        retryCount: attempt.retryCount,
      });
      telemetry.recordRun('failed', dimensions, undefined);
      await flushQuietly(telemetry, logger);
      // Rethrown so that the host records the run as failed and its retry policy runs it again.
      throw error;
    }
  };

  return {
    settings,
    schedule,
    options: {
      schedule: schedule.expression,
      // Each restart or scale-out would otherwise collect again.
      runOnStartup: false,
      // Keeps the schedule's status in storage so that a run missed while the app was down is made up.
      useMonitor: true,
      retry: COLLECTOR_RETRY_POLICY,
      extraOutputs: [outputBinding],
      handler,
    },
  };
}

function defaultTelemetry(settings: CollectorSettings): RunTelemetry {
  return new RunTelemetry(createTelemetrySink(settings.telemetry));
}

function warnAboutSchedule(
  timer: Timer,
  schedule: TimerSchedule,
  attempt: InvocationAttempt,
  logger: InvocationLogger,
): void {
  if (schedule.longestGapInMs > RETENTION_IN_DAYS * 86_400_000) {
    logger.warn(
      `The 'cron' schedule "${schedule.original}" can leave ${Math.round(schedule.longestGapInMs / 86_400_000)} days ` +
        `between runs, longer than Defender for Cloud's ${RETENTION_IN_DAYS}-day retention: alerts can expire ` +
        'before they are collected. Run at least daily, e.g. "0 0 * * *".',
    );
  }
  if (timer.isPastDue && attempt.retryCount === 0) {
    logger.warn(
      'This run is past due: the app was stopped or busy when it should have run. Catching up now.',
    );
  }
}

/** Telemetry must not fail a run whose alerts are already handed over. */
async function flushQuietly(telemetry: RunTelemetry, logger: InvocationLogger): Promise<void> {
  try {
    await telemetry.flush();
  } catch (error) {
    logger.warn(
      `Application Insights telemetry could not be sent: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
