import type { InvocationContext } from '@azure/functions';
import { describeError } from '../../telemetry/describeError';
import type { Logger } from '../../telemetry/logger';
import type { RunTelemetry } from '../../telemetry/runTelemetry';

/** The queue trigger's metadata the handlers use (`@azure/functions` camel-cases the host's names). */
export interface QueueAttempt {
  messageId: string;
  dequeueCount: number;
  insertionTime: Date | undefined;
}

/**
 * Reads the queue message's id and dequeue count from the trigger metadata.
 * @throws Error when the host did not provide them: no verdict may be taken without them.
 */
export function readQueueAttempt(context: InvocationContext): QueueAttempt {
  const metadata = context.triggerMetadata ?? {};
  const messageId = metadata.id;
  const dequeueCount = Number(metadata.dequeueCount);
  if (
    typeof messageId !== 'string' ||
    messageId === '' ||
    !Number.isSafeInteger(dequeueCount) ||
    dequeueCount < 1
  )
    throw new Error(
      'The queue trigger metadata lacks the message id or dequeue count; this function must be triggered by ' +
        'a Storage queue through the Azure Functions host.',
    );
  const inserted = typeof metadata.insertionTime === 'string' ? new Date(metadata.insertionTime) : undefined;
  return {
    messageId,
    dequeueCount,
    insertionTime: inserted && !Number.isNaN(inserted.getTime()) ? inserted : undefined,
  };
}

/**
 * Telemetry must not fail an invocation whose work is done, nor fail unseen: failed sends are reported
 * once per invocation, counted, with the first cause.
 */
export async function flushQuietly(telemetry: RunTelemetry, logger: Logger): Promise<void> {
  try {
    const failures = await telemetry.flush();
    if (failures !== undefined)
      logger.warn(
        `Application Insights telemetry could not be sent: ${failures.count} send(s) failed since the last ` +
          `report, the first with ${failures.firstCause}. ${TELEMETRY_HINT}`,
      );
  } catch (error) {
    logger.warn(
      `Application Insights telemetry could not be sent: ${describeError(error)}. ${TELEMETRY_HINT}`,
    );
  }
}

const TELEMETRY_HINT =
  'Check APPLICATIONINSIGHTS_CONNECTION_STRING, the network path to its IngestionEndpoint and, with ' +
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING, that the identity has Monitoring Metrics Publisher on the resource.';
