import { OUTBOX_BATCH_PREFIX } from './outboxBatch';

const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';
const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/** What a forward-queue message says: the outbox batch to forward, or why there is nothing to forward. */
export type ForwardRequest = { kind: 'batch'; batchRef: string } | { kind: 'ignored'; reason: string };

/**
 * Reads an Event Grid event (EventGrid schema, one per queue message, as Event Grid's storage queue handler
 * delivers it) of the outbox's system topic. Each batch raises two BlobCreated events (see `Outbox`): the
 * empty blob's, ignored here, and the committed batch's.
 *
 * @throws Error when the message is not an Event Grid event at all: it goes to the poison queue, where it
 * is alerted on, rather than being dropped unseen.
 */
export function readForwardRequest(message: unknown, outboxContainer: string): ForwardRequest {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new Error(
      'The forward queue holds a message that is not an Event Grid event (expected a JSON object). Only the ' +
        "outbox's Event Grid subscription and 'npm run alerts -- replay' write to this queue.",
    );
  }
  const { eventType, subject, data } = message as {
    eventType?: unknown;
    subject?: unknown;
    data?: { contentLength?: unknown };
  };
  if (typeof eventType !== 'string' || typeof subject !== 'string') {
    throw new Error(
      'The forward queue holds a message without "eventType" and "subject": it is not an Event Grid event. ' +
        "Only the outbox's Event Grid subscription and 'npm run alerts -- replay' write to this queue.",
    );
  }
  if (eventType !== BLOB_CREATED) return { kind: 'ignored', reason: `event type ${eventType}` };
  const match = SUBJECT.exec(subject);
  if (match === null) return { kind: 'ignored', reason: `subject ${subject}` };
  const [, container, blobName] = match as unknown as [string, string, string];
  if (container !== outboxContainer) return { kind: 'ignored', reason: `container ${container}` };
  if (!blobName.startsWith(OUTBOX_BATCH_PREFIX)) return { kind: 'ignored', reason: `blob ${blobName}` };
  // The host's blob write creates the blob empty before it commits the batch: that first event is not one.
  if (data?.contentLength === 0) return { kind: 'ignored', reason: 'an empty blob' };
  return { kind: 'batch', batchRef: blobName };
}

/** The event {@link readForwardRequest} reads, for a batch: what replay puts on the forward queue. */
export function blobCreatedEvent(options: {
  outboxContainer: string;
  batchRef: string;
  url: string;
  id: string;
  eventTime: Date;
  /** The batch's size in bytes, when known. */
  contentLength?: number;
}): Record<string, unknown> {
  return {
    id: options.id,
    subject: `/blobServices/default/containers/${options.outboxContainer}/blobs/${options.batchRef}`,
    eventType: BLOB_CREATED,
    eventTime: options.eventTime.toISOString(),
    data: {
      api: 'PutBlockList',
      blobType: 'BlockBlob',
      url: options.url,
      contentLength: options.contentLength,
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}
