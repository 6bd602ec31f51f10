/*
 * Event Grid's Microsoft.Storage.BlobCreated events, delivered to a storage queue subscription.
 *
 * Checked against MicrosoftDocs/azure-docs articles/event-grid/event-schema-blob-storage.md (Event Grid
 * schema example: topic, subject "/blobServices/default/containers/<c>/blobs/<name>", eventType, eventTime,
 * id, data {api, clientRequestId, requestId, eTag, contentType, contentLength, blobType, url, sequencer,
 * storageDiagnostics.batchId}, dataVersion "", metadataVersion "1"; BlobCreated is raised by PutBlob,
 * PutBlockList and CopyBlob) and articles/event-grid/handler-storage-queues.md (storage queue handler,
 * EventGridSchema). Each event is one queue message, JSON, base64-encoded.
 */
import type { QueueServiceClient } from '@azure/storage-queue';
import type { BlobCreatingRequest } from './blobOutputWriter';
import { encodeQueueMessage } from './queueMessageEncoding';

/** An event subscription for BlobCreated in one container, delivering to a storage queue. */
export interface EventGridSimulationOptions {
  /** The container whose blobs raise events. */
  containerName: string;
  /** Event Grid's subject filter; defaults to "/blobServices/default/containers/<containerName>/". */
  subjectBeginsWith?: string;
  /** The queue Event Grid delivers to. */
  queueName: string;
  /** App setting naming the storage account (source and queue); AzureWebJobsStorage when absent. */
  connection?: string;
  subscriptionId?: string;
  resourceGroup?: string;
}

/** An event in the Event Grid schema, as it lands in the queue. */
export interface EventGridBlobCreatedEvent {
  topic: string;
  subject: string;
  eventType: 'Microsoft.Storage.BlobCreated';
  eventTime: string;
  id: string;
  data: {
    api: string;
    clientRequestId: string;
    requestId: string;
    eTag: string;
    contentType: string;
    contentLength: number;
    blobType: 'BlockBlob';
    url: string;
    sequencer: string;
    storageDiagnostics: { batchId: string };
  };
  dataVersion: '';
  metadataVersion: '1';
}

/** A created blob as Event Grid sees it. */
export interface CreatedBlob {
  containerName: string;
  blobName: string;
  url: string;
  request: BlobCreatingRequest;
}

/** Publishes BlobCreated events of one storage account to the subscription's queue. */
export class EventGridBlobCreatedPublisher {
  readonly #options: EventGridSimulationOptions;
  readonly #accountName: string;
  readonly #queueService: QueueServiceClient;
  readonly #now: () => Date;
  readonly #newGuid: () => string;
  #sequence = 0n;

  constructor(
    options: EventGridSimulationOptions,
    account: { accountName: string; queueService: QueueServiceClient },
    now: () => Date,
    newGuid: () => string,
  ) {
    this.#options = options;
    this.#accountName = account.accountName;
    this.#queueService = account.queueService;
    this.#now = now;
    this.#newGuid = newGuid;
  }

  /** Enqueues the event for `blob` when the subscription's filter matches; returns it, or `undefined`. */
  async publish(blob: CreatedBlob): Promise<EventGridBlobCreatedEvent | undefined> {
    const subject = `/blobServices/default/containers/${blob.containerName}/blobs/${blob.blobName}`;
    const prefix =
      this.#options.subjectBeginsWith ?? `/blobServices/default/containers/${this.#options.containerName}/`;
    if (blob.containerName !== this.#options.containerName || !subject.startsWith(prefix)) return undefined;
    const event = this.#event(subject, blob);
    const queue = this.#queueService.getQueueClient(this.#options.queueName);
    // Event Grid retries until the queue exists; the simulator creates it instead of waiting.
    await queue.createIfNotExists();
    await queue.sendMessage(encodeQueueMessage(JSON.stringify(event), 'base64'));
    return event;
  }

  #event(subject: string, blob: CreatedBlob): EventGridBlobCreatedEvent {
    this.#sequence += 1n;
    const subscription = this.#options.subscriptionId ?? '00000000-0000-0000-0000-000000000000';
    const resourceGroup = this.#options.resourceGroup ?? 'functions-host-simulator';
    return {
      topic: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${this.#accountName}`,
      subject,
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: this.#now().toISOString().replace('Z', '0000Z'),
      id: this.#newGuid(),
      data: {
        api: blob.request.api,
        clientRequestId: blob.request.clientRequestId,
        requestId: blob.request.requestId,
        eTag: blob.request.eTag,
        contentType: blob.request.contentType,
        contentLength: blob.request.contentLength,
        blobType: 'BlockBlob',
        url: blob.url,
        sequencer: this.#sequence.toString(16).toUpperCase().padStart(32, '0'),
        storageDiagnostics: { batchId: this.#newGuid() },
      },
      dataVersion: '',
      metadataVersion: '1',
    };
  }
}
