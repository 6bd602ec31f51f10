/*
 * host.json `extensions.queues` as the simulator reads it, with the Storage Queues extension's defaults.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/
 * src/Shared/Queues/QueuesOptions.cs (MaxDequeueCount 5, VisibilityTimeout TimeSpan.Zero, MessageEncoding
 * Base64; "MaxDequeueCount must not be less than 1.").
 */
import type { QueueMessageEncoding } from './queueMessageEncoding';
import type { QueueTriggerSettings } from './queueTriggerListener';

/** host.json `extensions.queues`: the settings the simulator honours. */
export interface HostJsonQueuesOptions {
  /** Default 5. */
  maxDequeueCount?: number;
  /** A .NET TimeSpan such as "00:00:30"; default "00:00:00". */
  visibilityTimeout?: string;
  /** Default 'base64'. */
  messageEncoding?: QueueMessageEncoding;
}

/**
 * The trigger settings host.json gives, defaults filled in.
 * @throws Error for a maxDequeueCount below 1 or a visibilityTimeout that is not a TimeSpan.
 */
export function queueTriggerSettings(queues: HostJsonQueuesOptions = {}): QueueTriggerSettings {
  const maxDequeueCount = queues.maxDequeueCount ?? 5;
  if (maxDequeueCount < 1) throw new Error('MaxDequeueCount must not be less than 1.');
  return {
    maxDequeueCount,
    visibilityTimeoutInSeconds: timeSpanInSeconds(queues.visibilityTimeout ?? '00:00:00'),
    messageEncoding: queues.messageEncoding ?? 'base64',
  };
}

/** A .NET TimeSpan "[d.]hh:mm:ss" in seconds. */
function timeSpanInSeconds(value: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (!match)
    throw new Error(
      `host.json extensions.queues.visibilityTimeout '${value}' is not a TimeSpan: use "hh:mm:ss", for example "00:00:30".`,
    );
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}
