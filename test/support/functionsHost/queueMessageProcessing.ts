/*
 * One received queue message from start to completion: begin (maybe poison), invoke, complete.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/
 * src/Shared/Queues/QueueListener.cs (`ProcessMessageAsync`: BeginProcessingMessageAsync, then the
 * executor, then CompleteProcessingMessageAsync with the function result) and
 * Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Listeners/QueueTriggerExecutor.cs; the handler's
 * input is the message text as @azure/functions' fromRpcTypedData gives it (JSON-parsed when it parses).
 * A crashed host completes nothing: the message stays invisible until its visibility timeout passes.
 */
import type { TriggerMetadata } from '@azure/functions';
import type { BindingData, SystemBindingData } from './bindingData';
import type { InvocationRecord } from './functionInvocation';
import { createQueueTriggerBindingData, type ReceivedQueueMessage } from './queueTriggerBindingData';
import type { ListenerMessage, QueueMessageCompletion, QueueTriggerListener } from './queueTriggerListener';
import { toTriggerMetadata } from './triggerMetadata';

/** What happened to one queue message. */
export interface QueueProcessingRecord {
  queueName: string;
  /** The message as received; `messageText` is `undefined` when its body did not decode. */
  message: Omit<ReceivedQueueMessage, 'messageText'> & { messageText: string | undefined };
  /** `undefined` when the message was not invoked (moved to poison, or undecodable). */
  invocation: InvocationRecord | undefined;
  completion: QueueMessageCompletion;
}

/** Runs the function for the message: input, trigger metadata and binding data are ready. */
export type InvokeForMessage = (
  input: unknown,
  triggerMetadata: TriggerMetadata,
  bindingData: BindingData,
) => Promise<InvocationRecord>;

/** Processes one received message as the queue listener does. */
export async function processQueueMessage(
  listener: QueueTriggerListener,
  received: ListenerMessage,
  system: SystemBindingData,
  invoke: InvokeForMessage,
): Promise<QueueProcessingRecord> {
  const message = received.decoded ? received.message : { ...received.message, messageText: undefined };
  const base = { queueName: received.message.queueName, message };
  const begin = await listener.beginProcessing(received);
  if (!begin.invoke || !received.decoded)
    return { ...base, invocation: undefined, completion: begin.completion ?? 'leftInvisible' };

  const bindingData = createQueueTriggerBindingData(received.message, system);
  const input = tryJsonParse(received.message.messageText);
  const invocation = await invoke(input, toTriggerMetadata(bindingData), bindingData);
  if (invocation.outcome === 'crashed') return { ...base, invocation, completion: 'leftInvisible' };
  return {
    ...base,
    invocation,
    completion: await listener.complete(received, invocation.outcome === 'succeeded'),
  };
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
