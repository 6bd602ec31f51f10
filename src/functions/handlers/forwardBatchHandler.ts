import type { InvocationContext, StorageQueueFunctionOptions } from '@azure/functions';
import type { SettingsSource } from '../../config/settingReaders';
import { loadSettings, type CollectorSettings } from '../../config/settings';
import { createBlobServiceClient } from '../../storage/createBlobServiceClient';
import { readForwardRequest } from '../../delivery/blobCreatedEvent';
import { forwardBatch } from '../../delivery/forwardBatch';
import { BlobOutbox } from '../../delivery/outbox';
import { createTargetBinding } from '../../output/targetBinding';
import { describeError } from '../../telemetry/describeError';
import { InvocationLogger } from '../../telemetry/invocationLogger';
import { HOST_STORAGE_CONNECTION } from './collectSubscriptionHandler';
import { telemetryFor, type HandlerDependencies } from './dependencies';
import { flushQuietly, readQueueAttempt } from './invocation';

export const FORWARD_BATCH_FUNCTION = 'forwardBatch';

/**
 * The forwarder: one outbox batch per message of the forward queue (a blob-created event that Event Grid
 * put there, or one that replay put there), written to the target through its output binding. A failed
 * write fails the invocation; the queue retries it, then keeps it in the poison queue for replay.
 */
export function createForwardBatchFunction(
  source: SettingsSource,
  dependencies: HandlerDependencies = {},
): { settings: CollectorSettings; options: StorageQueueFunctionOptions } {
  const settings = loadSettings(source);
  const target = createTargetBinding(settings.output);
  const telemetry = telemetryFor(settings, dependencies);
  const outbox = new BlobOutbox(
    createBlobServiceClient(settings.storage).getContainerClient(settings.delivery.outboxContainer),
  );

  const handler = async (message: unknown, context: InvocationContext): Promise<void> => {
    const queue = readQueueAttempt(context);
    const logger = new InvocationLogger(context, { dequeueCount: queue.dequeueCount });
    const request = readForwardRequest(message, settings.delivery.outboxContainer);
    if (request.kind === 'ignored') {
      logger.warn(`Ignored a forward-queue event that is not an outbox batch (${request.reason})`);
      return;
    }
    const dimensions = {
      batch: request.batchRef,
      outputTarget: settings.output.target,
      invocationId: context.invocationId,
      dequeueCount: String(queue.dequeueCount),
    };
    try {
      const forwarded = await forwardBatch({
        outbox,
        batchRef: request.batchRef,
        target: settings.output.target,
        maxRecordBytes: settings.output.maxRecordBytes,
        logger,
      });
      if (forwarded.records > 0) context.extraOutputs.set(target, forwarded.payload);
      logger.info(`Forwarded ${forwarded.records} records to the ${settings.output.target} target`, {
        batch: request.batchRef,
        oversized: forwarded.oversized,
      });
      telemetry.recordForward('succeeded', dimensions, {
        forwarded: forwarded.records,
        forwardOversized: forwarded.oversized,
      });
    } catch (error) {
      logger.error(`Forwarding failed: ${describeError(error)}`, { batch: request.batchRef });
      telemetry.recordForward('failed', dimensions, undefined);
      throw error;
    } finally {
      await flushQuietly(telemetry, logger);
    }
  };

  return {
    settings,
    options: {
      queueName: settings.delivery.forwardQueue,
      connection: HOST_STORAGE_CONNECTION,
      extraOutputs: [target],
      handler,
    },
  };
}
