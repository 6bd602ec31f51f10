import { output, type InvocationContext, type Timer, type TimerFunctionOptions } from '@azure/functions';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { SettingsSource } from '../../config/settingReaders';
import { parseTimerSchedule, type TimerSchedule } from '../../config/schedule';
import { loadSettings, type CollectorSettings } from '../../config/settings';
import { describeSelection } from '../../config/subscriptionSelection';
import { createArmClient } from '../../defender/createArmClient';
import { discoverSubscriptions } from '../../defender/discoverSubscriptions';
import { countPoisonMessages } from '../../delivery/poisonQueues';
import { createWorkItem } from '../../delivery/workItem';
import { createQueueServiceClient } from '../../storage/createQueueServiceClient';
import { RETENTION_IN_DAYS } from '../../pipeline/collectAlerts';
import { describeError } from '../../telemetry/describeError';
import { InvocationLogger } from '../../telemetry/invocationLogger';
import type { Logger } from '../../telemetry/logger';
import { HOST_STORAGE_CONNECTION } from './collectSubscriptionHandler';
import { telemetryFor, type HandlerDependencies } from './dependencies';
import { flushQuietly } from './invocation';

export const SCHEDULE_COLLECTION_FUNCTION = 'scheduleCollection';

/**
 * The timer, on the `cron` schedule: discovers the subscriptions to collect (named ones need no request)
 * and writes one work item per subscription on the work queue through the host's queue output binding.
 * It keeps no state and needs no retry: if discovery or the write fails, nothing is lost (Defender keeps
 * alerts 90 days) and the next cycle asks again.
 */
export function createScheduleCollectionFunction(
  source: SettingsSource,
  dependencies: HandlerDependencies = {},
): { settings: CollectorSettings; schedule: TimerSchedule; options: TimerFunctionOptions } {
  const schedule = parseTimerSchedule(source.cron);
  const settings = loadSettings(source);
  const workQueue = output.storageQueue({
    queueName: settings.delivery.workQueue,
    connection: HOST_STORAGE_CONNECTION,
  });
  const telemetry = telemetryFor(settings, dependencies);
  const now = dependencies.now ?? (() => new Date());
  const queues = createQueueServiceClient(settings.storage);

  const handler = async (timer: Timer, context: InvocationContext): Promise<void> => {
    const logger = new InvocationLogger(context, {});
    warnAboutSchedule(timer, schedule, logger);
    try {
      const arm = createArmClient(settings, { logger, retryOptions: dependencies.retryOptions });
      const discovered = await discoverSubscriptions({
        arm,
        selection: settings.subscriptions,
        tenantId: settings.tenantId,
        logger,
      });
      const at = now();
      const items = discovered.subscriptions.map((subscriptionId) => createWorkItem(subscriptionId, at));
      if (items.length > 0)
        context.extraOutputs.set(
          workQueue,
          items.map((item) => JSON.stringify(item)),
        );
      else
        logger.warn(
          `Discovery found no subscription to collect (${describeSelection(settings.subscriptions)})`,
        );
      logger.info(`Queued ${items.length} work items`, { subscriptions: items.length });
      const poison = await poisonCounts(queues, settings, logger);
      const { disabled, deleted, otherTenant, excluded, requests } = discovered.counts;
      telemetry.recordSchedule(
        'succeeded',
        { invocationId: context.invocationId },
        {
          workItems: items.length,
          disabled,
          deleted,
          otherTenant,
          excluded,
          requests,
          tenantReadsRemaining: arm.options.throttle?.lowestTenantReads,
        },
        poison,
      );
    } catch (error) {
      logger.error(`Scheduling failed: ${describeError(error)}`);
      telemetry.recordSchedule('failed', { invocationId: context.invocationId }, {}, new Map());
      throw error;
    } finally {
      await flushQuietly(telemetry, logger);
    }
  };

  return {
    settings,
    schedule,
    options: {
      schedule: schedule.expression,
      // Each restart or scale-out would otherwise collect again.
      runOnStartup: false,
      // Keeps the schedule's status in storage so that a cycle missed while the app was down is made up.
      useMonitor: true,
      extraOutputs: [workQueue],
      handler,
    },
  };
}

/** What waits in the poison queues; a failure to look is logged, never fails the cycle. */
async function poisonCounts(
  queues: QueueServiceClient,
  settings: CollectorSettings,
  logger: Logger,
): Promise<Map<string, number>> {
  try {
    const counts = await countPoisonMessages(queues, [
      settings.delivery.workQueue,
      settings.delivery.forwardQueue,
    ]);
    for (const [queue, count] of counts) {
      if (count > 0)
        logger.warn(
          `${count} messages wait in the poison queue '${queue}': work that failed every attempt. Find the ` +
            "cause in the failed invocations' logs, then run 'npm run alerts -- replay poison'.",
          { queue, count },
        );
    }
    return counts;
  } catch (error) {
    logger.warn(`Could not count the poison queues' messages: ${describeError(error)}`);
    return new Map();
  }
}

function warnAboutSchedule(timer: Timer, schedule: TimerSchedule, logger: Logger): void {
  if (schedule.longestGapInMs > RETENTION_IN_DAYS * 86_400_000) {
    logger.warn(
      `The 'cron' schedule "${schedule.original}" can leave ${Math.round(schedule.longestGapInMs / 86_400_000)} days ` +
        `between runs, longer than Defender for Cloud's ${RETENTION_IN_DAYS}-day retention: alerts can expire ` +
        'before they are collected. Run at least daily, e.g. "0 0 * * *".',
    );
  }
  if (timer.isPastDue) {
    logger.warn(
      'This cycle is past due: the app was stopped or busy when it should have run. Catching up now.',
    );
  }
}
