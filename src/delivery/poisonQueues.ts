import type { QueueServiceClient } from '@azure/storage-queue';

/**
 * The host moves a queue message that failed its last attempt to `<queue>-poison`
 * (Storage Queues extension, QueueProcessor.CopyMessageToPoisonQueueAsync). Work there waits for replay;
 * the timer reports how much, and an alert rule fires on any.
 */
export function poisonQueueName(queueName: string): string {
  return `${queueName}-poison`;
}

/**
 * Approximate message counts of the poison queues of `queueNames` (one request each); a poison queue that
 * does not exist yet holds nothing.
 */
export async function countPoisonMessages(
  queues: QueueServiceClient,
  queueNames: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const name of queueNames.map(poisonQueueName)) {
    try {
      const properties = await queues.getQueueClient(name).getProperties();
      counts.set(name, properties.approximateMessagesCount ?? 0);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      counts.set(name, 0);
    }
  }
  return counts;
}
