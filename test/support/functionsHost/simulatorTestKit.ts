/*
 * Helpers for tests of the Functions host simulator against the shared Azurite (jest globalSetup): unique
 * queue and container names per test, a fixed clock, sequential GUIDs, and queue/blob readers.
 */
import { randomUUID } from 'node:crypto';
import type { QueueClient } from '@azure/storage-queue';
import { azuriteConnectionString, blobService, queueService } from '../collectorHarness';
import { FunctionsHostSimulator, type FunctionsHostSimulatorOptions } from './functionsHostSimulator';

export const NOW = new Date('2026-11-23T10:05:07.089Z');

/** GUIDs 00000000-0000-4000-8000-000000000001, …002, … so resolved paths are exact. */
export function sequentialGuids(): () => string {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
}

/** Names no other test uses. */
export function names() {
  const suffix = randomUUID().slice(0, 8);
  return {
    queue: `in-${suffix}`,
    container: `out-${suffix}`,
    outQueue: `out-${suffix}`,
    events: `events-${suffix}`,
  };
}

/** A simulator on the shared Azurite with the fixed clock and sequential GUIDs. */
export function simulator(overrides: Partial<FunctionsHostSimulatorOptions> = {}): FunctionsHostSimulator {
  return new FunctionsHostSimulator({
    appSettings: { AzureWebJobsStorage: azuriteConnectionString() },
    now: () => NOW,
    newGuid: sequentialGuids(),
    ...overrides,
  });
}

/** Adds a base64-encoded message, creating the queue. */
export async function enqueue(queueName: string, text: string): Promise<QueueClient> {
  const queue = queueService().getQueueClient(queueName);
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
  return queue;
}

/** Every message of a queue, decoded from base64, without changing the queue's visible state. */
export async function peekTexts(queueName: string): Promise<string[]> {
  const peeked = await queueService().getQueueClient(queueName).peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((m) => Buffer.from(m.messageText, 'base64').toString('utf8'));
}

/** A blob's content as UTF-8 text. */
export async function blobText(container: string, blobName: string): Promise<string> {
  return (
    await blobService().getContainerClient(container).getBlobClient(blobName).downloadToBuffer()
  ).toString();
}
