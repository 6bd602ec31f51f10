/*
 * A queue output binding's write: one message per item, the queue created when missing.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/
 * Config/QueuesExtensionConfigProvider.cs (`GetQueue`: name lower-cased and validated; `QueueAsyncCollector
 * .AddAsync`: `AddMessageAndCreateIfNotExistsAsync(message.Body)` per item, in order, through a client with
 * the host's message encoding).
 */
import type { QueueServiceClient } from '@azure/storage-queue';
import { encodeQueueMessage, type QueueMessageEncoding } from './queueMessageEncoding';
import { normalizeQueueName } from './queueNames';

/**
 * Sends each item as one message to `queueName` (lower-cased and validated first), creating the queue if
 * it does not exist. Returns the queue name written to.
 */
export async function enqueueAsHost(
  queueService: QueueServiceClient,
  queueName: string,
  items: readonly Buffer[],
  encoding: QueueMessageEncoding,
): Promise<string> {
  const name = normalizeQueueName(queueName);
  const queue = queueService.getQueueClient(name);
  await queue.createIfNotExists();
  for (const item of items) await queue.sendMessage(encodeQueueMessage(item, encoding));
  return name;
}
