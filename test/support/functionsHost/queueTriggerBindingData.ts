/*
 * The binding data of one queue-triggered invocation, in the order the host builds it.
 *
 * Checked against:
 * - Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Triggers/
 *   QueueTriggerBinding.cs (`CreateBindingData`: QueueTrigger (only when the body is valid text),
 *   DequeueCount (long), ExpirationTime, Id, InsertionTime, NextVisibleTime (DateTimeOffset), PopReceipt).
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/FunctionBinding.cs (`sys` added next).
 * - Azure/azure-functions-host src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs
 *   (`TransformInput` → `Utility.ApplyBindingData` last, so message properties override built-ins).
 */
import { applyBindingData } from './applyBindingData';
import { BindingData, DateTimeOffsetValue, SystemBindingData } from './bindingData';

/** A message the simulated listener received, its body already decoded from base64. */
export interface ReceivedQueueMessage {
  queueName: string;
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  expiresOn: Date;
  nextVisibleOn: Date;
  /** The decoded body as UTF-8 text. */
  messageText: string;
}

/** Builds the binding data the host holds while invoking a function for `message`. */
export function createQueueTriggerBindingData(
  message: ReceivedQueueMessage,
  system: SystemBindingData,
): BindingData {
  const bindingData = new BindingData();
  bindingData.set('QueueTrigger', message.messageText);
  bindingData.set('DequeueCount', message.dequeueCount);
  bindingData.set('ExpirationTime', new DateTimeOffsetValue(message.expiresOn));
  bindingData.set('Id', message.messageId);
  bindingData.set('InsertionTime', new DateTimeOffsetValue(message.insertedOn));
  bindingData.set('NextVisibleTime', new DateTimeOffsetValue(message.nextVisibleOn));
  bindingData.set('PopReceipt', message.popReceipt);
  bindingData.addSystemBindingData(system);
  applyBindingData(message.messageText, bindingData);
  return bindingData;
}
