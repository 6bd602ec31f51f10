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
import {
  trigger,
  type FunctionTrigger,
  type StorageQueueFunctionOptions,
  type Timer,
  type TimerFunctionOptions,
} from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { type AppSettings, resolveAppSettingReferences } from './appSettingReferences';
import { BindingData, SystemBindingData } from './bindingData';
import {
  EventGridBlobCreatedPublisher,
  type EventGridBlobCreatedEvent,
  type EventGridSimulationOptions,
} from './eventGridBlobEvents';
import { FakeEventHub } from './fakeEventHub';
import {
  runInvocation,
  type InvocationFaults,
  type InvocationRecord,
  type RegisteredFunction,
} from './functionInvocation';
import type { BlobWrite } from './blobOutputWriter';
import type { QueueMessageEncoding } from './queueMessageEncoding';
import { normalizeQueueName } from './queueNames';
import { createQueueTriggerBindingData, type ReceivedQueueMessage } from './queueTriggerBindingData';
import {
  QueueTriggerListener,
  type ListenerMessage,
  type QueueMessageCompletion,
} from './queueTriggerListener';
import { storageAccountFor, type StorageAccountClients } from './storageConnections';
import { toTriggerMetadata } from './triggerMetadata';

/** host.json `extensions.queues`, the settings the simulator honours (defaults as the extension's). */
export interface HostJsonQueuesOptions {
  /** Default 5. */
  maxDequeueCount?: number;
  /** A .NET TimeSpan such as "00:00:30"; default "00:00:00". */
  visibilityTimeout?: string;
  /** Default 'base64'. */
  messageEncoding?: QueueMessageEncoding;
}

export interface FunctionsHostSimulatorOptions {
  /** The function app's settings: connections and `%name%` references resolve here. */
  appSettings: AppSettings;
  /** The host's clock (`{DateTime}`, `sys.utcnow`, event times). */
  now: () => Date;
  queues?: HostJsonQueuesOptions;
  /** Simulates an Event Grid subscription for BlobCreated delivering to a storage queue. */
  eventGrid?: EventGridSimulationOptions;
  /** GUID source for `{rand-guid}`, `{sys.randguid}` and event ids; random when absent. */
  newGuid?: () => string;
}

/** What happened to one queue message. */
export interface QueueProcessingRecord {
  queueName: string;
  message: Omit<ReceivedQueueMessage, 'messageText'> & { messageText: string | undefined };
  /** `undefined` when the message was not invoked (moved to poison, or undecodable). */
  invocation: InvocationRecord | undefined;
  completion: QueueMessageCompletion;
}

/** A timer invocation's trigger input. */
export interface TimerInvocation extends InvocationFaults {
  isPastDue: boolean;
  /** The monitor's schedule status; the host sends none (null) when it has none. */
  scheduleStatus?: Timer['scheduleStatus'];
}

/** Runs queue- and timer-triggered functions as the Functions host would; see the file comment. */
export class FunctionsHostSimulator {
  /** Events sent by Event Hubs output bindings. */
  readonly eventHub = new FakeEventHub();
  readonly #options: FunctionsHostSimulatorOptions;
  readonly #newGuid: () => string;
  readonly #eventGrid:
    { publisher: EventGridBlobCreatedPublisher; account: StorageAccountClients } | undefined;
  readonly #listeners = new WeakMap<QueueProcessingRecord, QueueTriggerListener>();

  constructor(options: FunctionsHostSimulatorOptions) {
    this.#options = options;
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
   * @throws Error "Error indexing method 'Functions.<name>'" when the function cannot be indexed
   *   (unknown connection or `%setting%`, invalid queue name); no message is received then.
   */
  async processNextQueueMessage(
    functionName: string,
    options: StorageQueueFunctionOptions,
    faults: InvocationFaults = {},
  ): Promise<QueueProcessingRecord | undefined> {
    const { listener, fn } = this.#indexQueueFunction(functionName, options);
    const received = await listener.receiveOne();
    if (!received) return undefined;
    const record = await this.#process(listener, fn, received, faults);
    this.#listeners.set(record, listener);
    return record;
  }

  /** Invokes a timer-triggered function once and writes its outputs; a failure is only reported. */
  async invokeTimer(
    functionName: string,
    options: TimerFunctionOptions,
    call: TimerInvocation,
  ): Promise<InvocationRecord> {
    const fn = this.#index(
      functionName,
      options,
      options.trigger ??
        trigger.timer({
          schedule: options.schedule,
          runOnStartup: options.runOnStartup,
          useMonitor: options.useMonitor,
        }),
    );
    const timer: Timer = {
      isPastDue: call.isPastDue,
      schedule: { adjustForDST: options.schedule.includes(' ') },
      scheduleStatus: call.scheduleStatus ?? (null as unknown as Timer['scheduleStatus']),
    };
    const bindingData = new BindingData();
    bindingData.addSystemBindingData(this.#system(functionName));
    return this.#invoke(fn, timer, undefined, bindingData, call);
  }

  /**
   * Models a crashed host's visibility timeout passing: the message left invisible becomes visible now,
   * through the pop receipt saved in `record`.
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

  #indexQueueFunction(functionName: string, options: StorageQueueFunctionOptions) {
    const queueTrigger =
      options.trigger ??
      trigger.storageQueue({ queueName: options.queueName, connection: options.connection });
    const fn = this.#index(functionName, options, queueTrigger);
    try {
      const queueName = normalizeQueueName(
        resolveAppSettingReferences(String(queueTrigger.queueName), this.#options.appSettings),
      );
      const connection = typeof queueTrigger.connection === 'string' ? queueTrigger.connection : undefined;
      const { queueService } = storageAccountFor(connection, this.#options.appSettings);
      return { fn, listener: new QueueTriggerListener(queueService, queueName, this.#queueSettings()) };
    } catch (error) {
      throw indexingError(functionName, error);
    }
  }

  #index(
    functionName: string,
    options: StorageQueueFunctionOptions | TimerFunctionOptions,
    functionTrigger: FunctionTrigger,
  ): RegisteredFunction {
    try {
      for (const output of [...(options.return ? [options.return] : []), ...(options.extraOutputs ?? [])])
        for (const property of ['path', 'queueName', 'eventHubName'])
          if (typeof output[property] === 'string')
            resolveAppSettingReferences(output[property], this.#options.appSettings);
    } catch (error) {
      throw indexingError(functionName, error);
    }
    return {
      name: functionName,
      trigger: functionTrigger,
      handler: options.handler,
      return: options.return,
      extraInputs: options.extraInputs,
      extraOutputs: options.extraOutputs,
    };
  }

  async #process(
    listener: QueueTriggerListener,
    fn: RegisteredFunction,
    received: ListenerMessage,
    faults: InvocationFaults,
  ): Promise<QueueProcessingRecord> {
    const message = received.decoded ? received.message : { ...received.message, messageText: undefined };
    const base = { queueName: received.message.queueName, message };
    const begin = await listener.beginProcessing(received);
    if (!begin.invoke || !received.decoded)
      return { ...base, invocation: undefined, completion: begin.completion ?? 'leftInvisible' };

    const bindingData = createQueueTriggerBindingData(received.message, this.#system(fn.name));
    const input = tryJsonParse(received.message.messageText);
    const invocation = await this.#invoke(fn, input, toTriggerMetadata(bindingData), bindingData, faults);
    if (invocation.outcome === 'crashed') return { ...base, invocation, completion: 'leftInvisible' };
    return {
      ...base,
      invocation,
      completion: await listener.complete(received, invocation.outcome === 'succeeded'),
    };
  }

  async #invoke(
    fn: RegisteredFunction,
    input: unknown,
    triggerMetadata: Record<string, unknown> | undefined,
    bindingData: BindingData,
    faults: InvocationFaults,
  ): Promise<InvocationRecord> {
    const eventGridEvents: EventGridBlobCreatedEvent[] = [];
    return runInvocation(
      {
        fn,
        input,
        triggerMetadata,
        eventGridEvents,
        outputContext: {
          bindingData,
          builtIns: { now: this.#options.now, newGuid: this.#newGuid },
          appSettings: this.#options.appSettings,
          queueMessageEncoding: this.#queueSettings().messageEncoding,
          eventHub: this.eventHub,
          onBlobWritten: (write, blobServiceUrl) =>
            this.#publishWrite(write, blobServiceUrl, eventGridEvents),
        },
      },
      faults,
    );
  }

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

  #queueSettings() {
    const queues = this.#options.queues ?? {};
    return {
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      visibilityTimeoutInSeconds: timeSpanInSeconds(queues.visibilityTimeout ?? '00:00:00'),
      messageEncoding: queues.messageEncoding ?? 'base64',
    };
  }
}

function indexingError(functionName: string, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Error indexing method 'Functions.${functionName}': ${message}`, { cause });
}

function isInAccount(url: string, accountUrl: string): boolean {
  return `${url.replace(/\/$/, '')}/`.startsWith(`${accountUrl.replace(/\/$/, '')}/`);
}

/** A .NET TimeSpan "[d.]hh:mm:ss" in seconds. */
function timeSpanInSeconds(value: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (!match)
    throw new Error(
      `host.json extensions.queues.visibilityTimeout '${value}' is not a TimeSpan such as "00:00:30".`,
    );
  const [, days, hours, minutes, seconds] = match;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
