import type { WorkItem } from './workItem';

/** Every batch blob lies under this prefix of the outbox container; the lifecycle rule in infra/ uses it. */
export const OUTBOX_BATCH_PREFIX = 'batches/';

/**
 * Path of the worker's outbox blob output binding, inside the outbox container. The host resolves it when
 * it writes, from the work item's JSON properties and the queue trigger's metadata, so every attempt of
 * every work item writes its own blob, and the handler knows that blob's name before it returns.
 */
export const OUTBOX_BATCH_PATH_PATTERN = `${OUTBOX_BATCH_PREFIX}{partition}/{subscriptionId}/{Id}-{DequeueCount}.ndjson`;

/** One attempt at a work item: the queue message and how many times it has been dequeued. */
export interface WorkAttempt {
  workItem: WorkItem;
  messageId: string;
  dequeueCount: number;
}

/** The blob name {@link OUTBOX_BATCH_PATH_PATTERN} resolves to for this attempt. */
export function outboxBatchName(attempt: WorkAttempt): string {
  const { partition, subscriptionId } = attempt.workItem;
  return `${OUTBOX_BATCH_PREFIX}${partition}/${subscriptionId}/${attempt.messageId}-${attempt.dequeueCount}.ndjson`;
}

const BATCH_NAME = /^batches\/(\d{4}\/\d{2}\/\d{2}\/\d{2})\/([0-9a-f-]{36})\/([^/]+)-([1-9]\d*)\.ndjson$/;

/** The attempt a batch blob name came from; `undefined` when the name is not one of ours. */
export function parseOutboxBatchName(
  name: string,
): { partition: string; subscriptionId: string; messageId: string; dequeueCount: number } | undefined {
  const match = BATCH_NAME.exec(name);
  if (match === null) return undefined;
  const [, partition, subscriptionId, messageId, dequeueCount] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, subscriptionId, messageId, dequeueCount: Number(dequeueCount) };
}
