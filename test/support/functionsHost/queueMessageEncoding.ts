/*
 * The body encoding of queue messages the host reads and writes.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/
 * src/Shared/Queues/QueuesOptions.cs (host.json `extensions.queues.messageEncoding`, default Base64) and
 * sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/QueueServiceClientProvider.cs (the
 * encoding is set on every QueueClient the extension creates; a body that does not decode raises
 * MessageDecodingFailed, handled by moving the raw message to the poison queue).
 */

/** host.json `extensions.queues.messageEncoding`. */
export type QueueMessageEncoding = 'base64' | 'none';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The message text the service stores for `body`. */
export function encodeQueueMessage(body: Buffer | string, encoding: QueueMessageEncoding): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
}

/** The body bytes of stored message text; `undefined` when base64 text does not decode (.NET is strict). */
export function decodeQueueMessage(text: string, encoding: QueueMessageEncoding): Buffer | undefined {
  if (encoding === 'none') return Buffer.from(text, 'utf8');
  const compact = text.replace(/\s/g, '');
  return STRICT_BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}
