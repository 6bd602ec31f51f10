import { randomUUID } from 'node:crypto';
import { blobCreatedEvent } from './blobCreatedEvent';
import type { Outbox } from './outbox';
import { OUTBOX_BATCH_PREFIX } from './outboxBatch';
import { hourPartition } from './workItem';

/** The part of a storage queue that replay writes to (`@azure/storage-queue`'s QueueClient fits). */
export interface QueueSender {
  readonly name: string;
  sendMessage(messageText: string): Promise<unknown>;
}

/** The part of a storage queue that replay drains. */
export interface QueueDrain {
  readonly name: string;
  receiveMessages(options: { numberOfMessages: number; visibilityTimeout: number }): Promise<{
    receivedMessageItems: { messageId: string; popReceipt: string; messageText: string }[];
  }>;
  deleteMessage(messageId: string, popReceipt: string): Promise<unknown>;
}

/** Queue messages are base64 text, as the host writes and reads them (host.json messageEncoding base64). */
export function encodeQueueMessage(body: unknown): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
}

/**
 * Re-forwards the outbox batches made in `[from, to)`: one forward request per batch on the forward queue,
 * as Event Grid would have put there. The forwarder then writes each batch to the target again: a
 * deliberate re-send, so the target may see some records twice.
 *
 * @returns the batch names that were queued.
 */
export async function replayOutbox(options: {
  outbox: Outbox;
  outboxContainer: string;
  forwardQueue: QueueSender;
  from: Date;
  to: Date;
  /** The URL of a batch blob, for the event's `data.url`. */
  urlOf: (batchRef: string) => string;
  now: Date;
}): Promise<string[]> {
  const queued: string[] = [];
  for (const hour of hoursBetween(options.from, options.to)) {
    for await (const batchRef of options.outbox.list(`${OUTBOX_BATCH_PREFIX}${hourPartition(hour)}/`)) {
      const event = blobCreatedEvent({
        outboxContainer: options.outboxContainer,
        batchRef,
        url: options.urlOf(batchRef),
        id: randomUUID(),
        eventTime: options.now,
      });
      await options.forwardQueue.sendMessage(encodeQueueMessage(event));
      queued.push(batchRef);
    }
  }
  return queued;
}

/** Every whole UTC hour that overlaps `[from, to)`, in order. */
export function hoursBetween(from: Date, to: Date): Date[] {
  const hours: Date[] = [];
  const start = Math.floor(from.getTime() / 3_600_000) * 3_600_000;
  for (let at = start; at < to.getTime(); at += 3_600_000) hours.push(new Date(at));
  return hours;
}

/**
 * Moves every message of a poison queue back to the queue it came from, unchanged (it is base64 text
 * already), so that the function processes it again with a fresh dequeue count. A message is deleted from
 * the poison queue only after it was sent: a failure in between leaves a copy in both, never in neither.
 *
 * @returns how many messages were moved.
 */
export async function replayPoison(poison: QueueDrain, queue: QueueSender): Promise<number> {
  let moved = 0;
  for (;;) {
    const { receivedMessageItems } = await poison.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 300,
    });
    if (receivedMessageItems.length === 0) return moved;
    for (const message of receivedMessageItems) {
      await queue.sendMessage(message.messageText);
      await poison.deleteMessage(message.messageId, message.popReceipt);
      moved += 1;
    }
  }
}
