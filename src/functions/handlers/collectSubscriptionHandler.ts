import { output, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import type { SettingsSource } from '../../config/settingReaders';
import { loadSettings, type CollectorSettings } from '../../config/settings';
import { describeSelection, isSelected } from '../../config/subscriptionSelection';
import { SubscriptionUnavailableError } from '../../defender/armErrors';
import { OUTBOX_BATCH_PATH_PATTERN, type WorkAttempt } from '../../delivery/outboxBatch';
import { createOutboxSink } from '../../delivery/outboxSink';
import { parseWorkItem } from '../../delivery/workItem';
import { runCollection } from '../../pipeline/runCollection';
import { summaryLine } from '../../pipeline/summaryLine';
import { describeError } from '../../telemetry/describeError';
import { InvocationLogger } from '../../telemetry/invocationLogger';
import { telemetryFor, type HandlerDependencies } from './dependencies';
import { flushQuietly, readQueueAttempt } from './invocation';

export const COLLECT_SUBSCRIPTION_FUNCTION = 'collectSubscription';
/** The Functions host's storage connection: the work queue and the outbox live in its account. */
export const HOST_STORAGE_CONNECTION = 'AzureWebJobsStorage';

/**
 * The worker: one work item (one subscription) per queue message. It settles earlier batches, lists and
 * diffs, commits the new batch as pending, and hands it to the host through the outbox blob binding, whose
 * path is unique per attempt (message id and dequeue count). A failure is rethrown: the queue retries the
 * message, then keeps it in the poison queue.
 */
export function createCollectSubscriptionFunction(
  source: SettingsSource,
  dependencies: HandlerDependencies = {},
): { settings: CollectorSettings; options: StorageQueueFunctionOptions } {
  const settings = loadSettings(source);
  const outbox = output.storageBlob({
    path: `${settings.delivery.outboxContainer}/${OUTBOX_BATCH_PATH_PATTERN}`,
    connection: HOST_STORAGE_CONNECTION,
  });
  const telemetry = telemetryFor(settings, dependencies);
  const now = dependencies.now ?? (() => new Date());

  const handler = async (message: unknown, context: InvocationContext): Promise<void> => {
    const queue = readQueueAttempt(context);
    let logger = new InvocationLogger(context, { dequeueCount: queue.dequeueCount });
    const dimensions = {
      subscriptionId: 'unknown',
      outputTarget: settings.output.target,
      dedupeMode: settings.dedupeMode,
      invocationId: context.invocationId,
      dequeueCount: String(queue.dequeueCount),
    };
    try {
      const workItem = parseWorkItem(message);
      const { subscriptionId } = workItem;
      dimensions.subscriptionId = subscriptionId;
      logger = new InvocationLogger(context, { subscriptionId, dequeueCount: queue.dequeueCount });
      if (!isSelected(settings.subscriptions, subscriptionId)) {
        throw new Error(
          `The work item asks for subscription '${subscriptionId}', which this app does not collect ` +
            `(${describeSelection(settings.subscriptions)}). Remove the message, or fix the settings.`,
        );
      }
      const attempt: WorkAttempt = { workItem, messageId: queue.messageId, dequeueCount: queue.dequeueCount };
      const { summary, payload } = await runCollection({
        settings,
        subscriptionId,
        sink: createOutboxSink(attempt, settings.output.maxRecordBytes),
        logger,
        current: { messageId: queue.messageId, dequeueCount: queue.dequeueCount },
        retryOptions: dependencies.retryOptions,
        now,
      });
      // Handed over last: the batch is already pending in the index, so whatever happens to this write,
      // a later attempt or run finds it in the outbox or knows it is not there.
      if (payload !== undefined) context.extraOutputs.set(outbox, payload);
      logger.info(summaryLine(summary), { ...summary });
      const age = queue.insertionTime && (now().getTime() - queue.insertionTime.getTime()) / 60_000;
      telemetry.recordRun('succeeded', dimensions, summary, age);
    } catch (error) {
      if (error instanceof SubscriptionUnavailableError) {
        // Retrying cannot help, and must not hold the queue: this subscription is skipped, on its own.
        logger.warn(`Skipped subscription '${error.subscriptionId}' (${error.reason}): ${error.message}`, {
          reason: error.reason,
        });
        telemetry.recordRun('skipped', { ...dimensions, reason: error.reason }, undefined);
        return;
      }
      logger.error(`Collection failed: ${describeError(error)}`);
      telemetry.recordRun('failed', dimensions, undefined);
      // Rethrown so that the host records the failure and the queue retries the message.
      throw error;
    } finally {
      await flushQuietly(telemetry, logger);
    }
  };

  return {
    settings,
    options: {
      queueName: settings.delivery.workQueue,
      connection: HOST_STORAGE_CONNECTION,
      extraOutputs: [outbox],
      handler,
    },
  };
}
