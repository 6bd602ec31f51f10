/*
 * A stand-in for the Azure Functions host around queue- and timer-triggered functions of the
 * @azure/functions v4 Node.js programming model, against real Azurite blob and queue services.
 *
 * The modules beside this one each mirror one part of the host and cite the sources they were checked
 * against: Azure/azure-functions-host (WorkerFunctionInvoker, Utility.ApplyBindingData, gRPC conversion,
 * FunctionBinding), Azure/azure-webjobs-sdk (binding templates, system binding data, name resolution,
 * connection lookup), Azure/azure-sdk-for-net Storage Queues/Blobs extensions v5 (QueueListener,
 * QueueProcessor, QueuesOptions, blob and queue output bindings), Azure/azure-functions-nodejs-library
 * (InvocationModel, trigger metadata and typed-data converters) and the Event Grid blob event schema.
 * This file only wires them: index the function, receive, invoke, write outputs, complete.
 */
import { randomUUID } from 'node:crypto';
import type {
  StorageQueueFunctionOptions,
  Timer,
  TimerFunctionOptions,
  TriggerMetadata,
} from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import type { AppSettings } from './appSettingReferences';
import { BindingData, SystemBindingData } from './bindingData';
import type { BlobWrite } from './blobOutputWriter';
import {
  EventGridBlobCreatedPublisher,
  type EventGridBlobCreatedEvent,
  type EventGridSimulationOptions,
} from './eventGridBlobEvents';
import { FakeEventHub } from './fakeEventHub';
import { indexQueueFunction, indexTimerFunction } from './functionIndexing';
import {
  runInvocation,
  type InvocationFaults,
  type InvocationRecord,
  type RegisteredFunction,
} from './functionInvocation';
import { queueTriggerSettings, type HostJsonQueuesOptions } from './hostJsonQueues';
import { processQueueMessage, type QueueProcessingRecord } from './queueMessageProcessing';
import { QueueTriggerListener, type QueueTriggerSettings } from './queueTriggerListener';
import { storageAccountFor, type StorageAccountClients } from './storageConnections';

export type { HostJsonQueuesOptions, QueueProcessingRecord, InvocationFaults, InvocationRecord };

export interface FunctionsHostSimulatorOptions {
  /** The function app's settings: connections and `%name%` references resolve here. */
  appSettings: AppSettings;
  /** The host's clock (`{DateTime}`, `sys.utcnow`, event times). */
  now: () => Date;
  /** host.json `extensions.queues`. */
  queues?: HostJsonQueuesOptions;
  /** Simulates an Event Grid subscription for BlobCreated delivering to a storage queue. */
  eventGrid?: EventGridSimulationOptions;
  /** GUID source for `{rand-guid}`, `{sys.randguid}` and event ids; random when absent. */
  newGuid?: () => string;
}

/** A timer invocation's trigger input and faults. */
export interface TimerInvocation extends InvocationFaults {
  isPastDue: boolean;
  /** The monitor's schedule status; absent, the handler gets null as the host sends without one. */
  scheduleStatus?: Timer['scheduleStatus'];
}

/** Runs queue- and timer-triggered functions as the Functions host would; see the file comment. */
export class FunctionsHostSimulator {
  /** Events sent by Event Hubs output bindings. */
  readonly eventHub = new FakeEventHub();
  readonly #options: FunctionsHostSimulatorOptions;
  readonly #queueSettings: QueueTriggerSettings;
  readonly #newGuid: () => string;
  readonly #eventGrid:
    { publisher: EventGridBlobCreatedPublisher; account: StorageAccountClients } | undefined;
  readonly #listeners = new WeakMap<QueueProcessingRecord, QueueTriggerListener>();

  /** @throws Error for invalid host.json queue settings or an Event Grid connection that is not defined. */
  constructor(options: FunctionsHostSimulatorOptions) {
    this.#options = options;
    this.#queueSettings = queueTriggerSettings(options.queues);
    this.#newGuid = options.newGuid ?? randomUUID;
    if (options.eventGrid) {
      const account = storageAccountFor(options.eventGrid.connection, options.appSettings);
      const publisher = new EventGridBlobCreatedPublisher(
        options.eventGrid,
        account,
        options.now,
        this.#newGuid,
      );
      this.#eventGrid = { publisher, account };
    }
  }

  /**
   * Receives one message from the trigger queue (10-minute visibility) and processes it as the host does:
   * invoke, write outputs in parallel, then delete, release or poison. `undefined` when the queue has no
   * visible message.
   * @throws Error "Error indexing method 'Functions.<name>': …" when the function cannot be indexed
   *   (connection or `%setting%` not defined, invalid queue name); no message is received then.
   */
  async processNextQueueMessage(
    functionName: string,
    options: StorageQueueFunctionOptions,
    faults: InvocationFaults = {},
  ): Promise<QueueProcessingRecord | undefined> {
    const { fn, queueService, queueName } = indexQueueFunction(
      functionName,
      options,
      this.#options.appSettings,
    );
    const listener = new QueueTriggerListener(queueService, queueName, this.#queueSettings);
    const received = await listener.receiveOne();
    if (!received) return undefined;
    const record = await processQueueMessage(
      listener,
      received,
      this.#system(functionName),
      (input, metadata, bindingData) => this.#invoke(fn, input, metadata, bindingData, faults),
    );
    this.#listeners.set(record, listener);
    return record;
  }

  /** Invokes a timer-triggered function once and writes its outputs; a failure is only reported. */
  async invokeTimer(
    functionName: string,
    options: TimerFunctionOptions,
    call: TimerInvocation,
  ): Promise<InvocationRecord> {
    const fn = indexTimerFunction(functionName, options, this.#options.appSettings);
    const timer: Timer = {
      isPastDue: call.isPastDue,
      // Cron schedules adjust for DST; TimeSpan schedules ("00:05:00") do not.
      schedule: { adjustForDST: options.schedule.trim().includes(' ') },
      scheduleStatus: call.scheduleStatus ?? (null as unknown as Timer['scheduleStatus']),
    };
    const bindingData = new BindingData();
    bindingData.addSystemBindingData(this.#system(functionName));
    return this.#invoke(fn, timer, undefined, bindingData, call);
  }

  /**
   * Models a crashed host's visibility timeout passing: the message it left invisible becomes visible
   * now, through the pop receipt saved in `record`.
   */
  async expireVisibility(record: QueueProcessingRecord): Promise<void> {
    const listener = this.#listeners.get(record);
    if (!listener) throw new Error('expireVisibility needs a record returned by processNextQueueMessage.');
    await listener.expireVisibility(record.message);
  }

  /**
   * Publishes BlobCreated (api "PutBlob") for a blob other code created, when the Event Grid simulation's
   * subscription covers it; returns the event, or `undefined` when it does not match.
   */
  async publishBlobCreated(
    container: ContainerClient,
    blobName: string,
  ): Promise<EventGridBlobCreatedEvent | undefined> {
    if (!this.#eventGrid || !isInAccount(container.url, this.#eventGrid.account.blobService.url))
      return undefined;
    const blob = container.getBlockBlobClient(blobName);
    const properties = await blob.getProperties();
    return this.#eventGrid.publisher.publish({
      containerName: container.containerName,
      blobName,
      url: blob.url,
      request: {
        api: 'PutBlob',
        requestId: this.#newGuid(),
        clientRequestId: this.#newGuid(),
        eTag: properties.etag ?? '',
        contentLength: properties.contentLength ?? 0,
        contentType: properties.contentType ?? 'application/octet-stream',
      },
    });
  }

  async #invoke(
    fn: RegisteredFunction,
    input: unknown,
    triggerMetadata: TriggerMetadata | undefined,
    bindingData: BindingData,
    faults: InvocationFaults,
  ): Promise<InvocationRecord> {
    const eventGridEvents: EventGridBlobCreatedEvent[] = [];
    const outputContext = {
      bindingData,
      builtIns: { now: this.#options.now, newGuid: this.#newGuid },
      appSettings: this.#options.appSettings,
      queueMessageEncoding: this.#queueSettings.messageEncoding,
      eventHub: this.eventHub,
      onBlobWritten: (write: BlobWrite, blobServiceUrl: string) =>
        this.#publishWrite(write, blobServiceUrl, eventGridEvents),
    };
    return runInvocation({ fn, input, triggerMetadata, eventGridEvents, outputContext }, faults);
  }

  /** Each request that created the blob (PutBlob, PutBlockList) raises its own BlobCreated event. */
  async #publishWrite(
    write: BlobWrite,
    blobServiceUrl: string,
    events: EventGridBlobCreatedEvent[],
  ): Promise<void> {
    if (!this.#eventGrid || !isInAccount(blobServiceUrl, this.#eventGrid.account.blobService.url)) return;
    for (const request of write.requests) {
      const event = await this.#eventGrid.publisher.publish({ ...write, request });
      if (event) events.push(event);
    }
  }

  #system(functionName: string): SystemBindingData {
    return new SystemBindingData(functionName, this.#options.now, this.#newGuid);
  }
}

function isInAccount(url: string, accountUrl: string): boolean {
  return `${url.replace(/\/$/, '')}/`.startsWith(`${accountUrl.replace(/\/$/, '')}/`);
}
