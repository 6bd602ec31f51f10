/*
 * What the host checks when it indexes a function, before any message is received: `%setting%`
 * references, the trigger's connection and queue name.
 *
 * Checked against Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/NameResolverExtensions.cs and
 * Bindings/AttributeCloner.cs (`%name%` resolved when the binding is created), Azure/azure-sdk-for-net
 * sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Queues/src/Triggers/
 * QueueTriggerAttributeBindingProvider.cs (queue name resolved, lower-cased, validated; client from the
 * connection) and the host's "Error indexing method 'Functions.<name>'" log line for a function that fails.
 */
import {
  trigger,
  type FunctionOutput,
  type FunctionTrigger,
  type StorageQueueFunctionOptions,
  type TimerFunctionOptions,
} from '@azure/functions';
import type { QueueServiceClient } from '@azure/storage-queue';
import { type AppSettings, resolveAppSettingReferences } from './appSettingReferences';
import type { RegisteredFunction } from './functionInvocation';
import { normalizeQueueName } from './queueNames';
import { storageAccountFor } from './storageConnections';

/** A queue-triggered function ready to run: its registration and where its messages come from. */
export interface IndexedQueueFunction {
  fn: RegisteredFunction;
  queueService: QueueServiceClient;
  queueName: string;
}

/** Indexes a function registered with `app.storageQueue(name, options)`. */
export function indexQueueFunction(
  name: string,
  options: StorageQueueFunctionOptions,
  appSettings: AppSettings,
): IndexedQueueFunction {
  const queueTrigger =
    options.trigger ?? trigger.storageQueue({ queueName: options.queueName, connection: options.connection });
  const fn = registeredFunction(name, options, queueTrigger, appSettings);
  return indexing(name, () => {
    const queueName = normalizeQueueName(
      resolveAppSettingReferences(String(queueTrigger.queueName), appSettings),
    );
    const connection = typeof queueTrigger.connection === 'string' ? queueTrigger.connection : undefined;
    return { fn, queueName, queueService: storageAccountFor(connection, appSettings).queueService };
  });
}

/** Indexes a function registered with `app.timer(name, options)`. */
export function indexTimerFunction(
  name: string,
  options: TimerFunctionOptions,
  appSettings: AppSettings,
): RegisteredFunction {
  const { schedule, runOnStartup, useMonitor } = options;
  return registeredFunction(
    name,
    options,
    options.trigger ?? trigger.timer({ schedule, runOnStartup, useMonitor }),
    appSettings,
  );
}

function registeredFunction(
  name: string,
  options: StorageQueueFunctionOptions | TimerFunctionOptions,
  functionTrigger: FunctionTrigger,
  appSettings: AppSettings,
): RegisteredFunction {
  const outputs: FunctionOutput[] = [
    ...(options.return ? [options.return] : []),
    ...(options.extraOutputs ?? []),
  ];
  indexing(name, () => {
    for (const output of outputs)
      for (const property of ['path', 'queueName', 'eventHubName'])
        if (typeof output[property] === 'string') resolveAppSettingReferences(output[property], appSettings);
  });
  return {
    name,
    trigger: functionTrigger,
    handler: options.handler,
    return: options.return,
    extraInputs: options.extraInputs,
    extraOutputs: options.extraOutputs,
  };
}

function indexing<T>(name: string, index: () => T): T {
  try {
    return index();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`Error indexing method 'Functions.${name}': ${message}`, { cause });
  }
}
