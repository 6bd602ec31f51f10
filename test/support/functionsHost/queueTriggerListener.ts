/*
 * One queue trigger's listener and message processor: receive one message, decide whether to invoke, then
 * delete, release or poison it.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/:
 * - Microsoft.Azure.WebJobs.Extensions.Storage.Common/src/Shared/Queues/QueueListener.cs (messages received
 *   with a 10-minute visibility timeout, renewed while the function runs — renewal not modelled).
 * - .../Shared/Queues/QueueProcessor.cs (`BeginProcessingMessageAsync`: DequeueCount > MaxDequeueCount →
 *   poison without invoking; `CompleteProcessingMessageAsync`: success → delete; failure with a poison
 *   queue → DequeueCount >= MaxDequeueCount ? copy MessageText to poison then delete : UpdateMessage
 *   visibility to VisibilityTimeout; failure without a poison queue → leave invisible; pop-receipt
 *   mismatch and not-found are ignored on delete and release).
 * - Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Listeners/QueueListenerFactory.cs (poison queue
 *   `<name>-poison`, none when the name already ends in "-poison" or the poison name would be invalid).
 * - .../Storage.Common/src/Shared/Queues/QueuesOptions.cs (MaxDequeueCount 5, VisibilityTimeout 0).
 */
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { decodeQueueMessage, encodeQueueMessage, type QueueMessageEncoding } from './queueMessageEncoding';
import type { ReceivedQueueMessage } from './queueTriggerBindingData';
import { isValidQueueName } from './queueNames';

/** host.json `extensions.queues` settings the simulator honours. */
export interface QueueTriggerSettings {
  maxDequeueCount: number;
  /** Visibility of a failed message before its retry (host.json `visibilityTimeout`). */
  visibilityTimeoutInSeconds: number;
  messageEncoding: QueueMessageEncoding;
}

/** What became of a message after processing. */
export type QueueMessageCompletion = 'deleted' | 'releasedForRetry' | 'movedToPoison' | 'leftInvisible';

/** The listener's visibility timeout while a function runs. */
export const RECEIVE_VISIBILITY_TIMEOUT_IN_SECONDS = 600;

/** A received message: decoded when its body decodes, with the raw text kept for the poison queue. */
export type ListenerMessage =
  | { decoded: true; message: ReceivedQueueMessage; rawText: string }
  | { decoded: false; message: Omit<ReceivedQueueMessage, 'messageText'>; rawText: string };

/** Receives and completes messages of one trigger queue the way the Storage Queues extension v5 does. */
export class QueueTriggerListener {
  readonly #queue: QueueClient;
  readonly #poisonQueue: QueueClient | undefined;
  readonly #settings: QueueTriggerSettings;

  constructor(queueService: QueueServiceClient, queueName: string, settings: QueueTriggerSettings) {
    this.#queue = queueService.getQueueClient(queueName);
    const poisonName = `${queueName}-poison`;
    this.#poisonQueue =
      queueName.endsWith('-poison') || !isValidQueueName(poisonName)
        ? undefined
        : queueService.getQueueClient(poisonName);
    this.#settings = settings;
  }

  /**
   * Receives one message with the listener's visibility timeout; `undefined` when none is visible, or the
   * queue does not exist yet (the extension's QueueListener treats a missing queue as an empty one and
   * keeps polling).
   */
  async receiveOne(): Promise<ListenerMessage | undefined> {
    let response;
    try {
      response = await this.#queue.receiveMessages({
        numberOfMessages: 1,
        visibilityTimeout: RECEIVE_VISIBILITY_TIMEOUT_IN_SECONDS,
      });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const item = response.receivedMessageItems[0];
    if (!item) return undefined;
    const message = {
      queueName: this.#queue.name,
      messageId: item.messageId,
      popReceipt: item.popReceipt,
      dequeueCount: item.dequeueCount,
      insertedOn: item.insertedOn,
      expiresOn: item.expiresOn,
      nextVisibleOn: item.nextVisibleOn,
    };
    const body = decodeQueueMessage(item.messageText, this.#settings.messageEncoding);
    return body === undefined
      ? { decoded: false, message, rawText: item.messageText }
      : {
          decoded: true,
          message: { ...message, messageText: body.toString('utf8') },
          rawText: item.messageText,
        };
  }

  /**
   * `BeginProcessingMessageAsync` plus the decoding-failure handler: `false` when the message must not be
   * invoked (it was moved to the poison queue, or left invisible when there is none).
   */
  async beginProcessing(
    received: ListenerMessage,
  ): Promise<{ invoke: boolean; completion?: QueueMessageCompletion }> {
    if (!received.decoded) return { invoke: false, completion: await this.#poison(received, 'raw') };
    if (received.message.dequeueCount > this.#settings.maxDequeueCount)
      return { invoke: false, completion: await this.#poison(received, 'encoded') };
    return { invoke: true };
  }

  /** `CompleteProcessingMessageAsync` after an invocation that succeeded or failed. */
  async complete(received: ListenerMessage, succeeded: boolean): Promise<QueueMessageCompletion> {
    if (succeeded) {
      await this.#delete(received);
      return 'deleted';
    }
    if (!this.#poisonQueue) return 'leftInvisible';
    if (received.message.dequeueCount >= this.#settings.maxDequeueCount)
      return this.#poison(received, 'encoded');
    await ignoringGoneMessage(() =>
      this.#queue.updateMessage(
        received.message.messageId,
        received.message.popReceipt,
        undefined,
        this.#settings.visibilityTimeoutInSeconds,
      ),
    );
    return 'releasedForRetry';
  }

  /** Makes a message left invisible by a crashed host visible again, as its visibility timeout passing would. */
  async expireVisibility(message: Pick<ReceivedQueueMessage, 'messageId' | 'popReceipt'>): Promise<void> {
    await this.#queue.updateMessage(message.messageId, message.popReceipt, undefined, 0);
  }

  /** Copies the body to `<queue>-poison` (raw text for an undecodable body) and deletes the original. */
  async #poison(received: ListenerMessage, copy: 'raw' | 'encoded'): Promise<QueueMessageCompletion> {
    if (!this.#poisonQueue) return 'leftInvisible';
    const text =
      copy === 'raw' || !received.decoded
        ? received.rawText
        : encodeQueueMessage(received.message.messageText, this.#settings.messageEncoding);
    await this.#poisonQueue.createIfNotExists();
    await this.#poisonQueue.sendMessage(text);
    await this.#delete(received);
    return 'movedToPoison';
  }

  async #delete(received: ListenerMessage): Promise<void> {
    await ignoringGoneMessage(() =>
      this.#queue.deleteMessage(received.message.messageId, received.message.popReceipt),
    );
  }
}

/** The processor ignores a pop-receipt mismatch (400) and a missing message or queue (404). */
async function ignoringGoneMessage(operation: () => Promise<unknown>): Promise<void> {
  try {
    await operation();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const code = (error as { code?: string }).code;
    if (status === 404 || (status === 400 && code === 'PopReceiptMismatch')) return;
    throw error;
  }
}
