/*
 * Writing a finished invocation's output bindings: all in parallel, each one on its own.
 *
 * Checked against:
 * - Azure/azure-functions-host src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs
 *   (`BindOutputsAsync`: one task per output binding whose value is set and not null, awaited with
 *   Task.WhenAll, so every write runs and the first failure fails the invocation; `HandleReturnParameter`
 *   when a return binding exists, otherwise `HandleOutputDictionary`: the returned object's properties
 *   override outputs of the same name).
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/AttributeCloner.cs (binding
 *   expressions are resolved when the output binds, so an unresolvable one fails only that output).
 * - The writers' own modules for each binding type.
 */
import type { FunctionOutput } from '@azure/functions';
import { type AppSettings, resolveAppSettingReferences } from './appSettingReferences';
import type { BindingData } from './bindingData';
import { type BuiltInSources, resolveBindingExpression } from './bindingExpressions';
import { createEmptyBlobAsHost, writeBlobAsHost, type BlobWrite } from './blobOutputWriter';
import type { FakeEventHub } from './fakeEventHub';
import { toBlobContent, toCollectorItems, type HostOutputValue } from './outputValues';
import type { QueueMessageEncoding } from './queueMessageEncoding';
import { normalizeQueueName } from './queueNames';
import { enqueueAsHost } from './queueOutputWriter';
import { storageAccountFor } from './storageConnections';

/** One output binding's write: where it went, what it carried, how it ended. */
export interface OutputWriteRecord {
  bindingName: string;
  type: string;
  /** The resolved `container/blob`, queue name or event hub name; `undefined` when resolution failed. */
  target: string | undefined;
  /** The bytes written: one entry per message or event, the whole content for a blob. */
  items: Buffer[];
  /** The same items as UTF-8 text. */
  texts: string[];
  error: Error | undefined;
}

/** Everything a write needs from the invocation around it. */
export interface OutputWriteContext {
  invocationId: string;
  bindingData: BindingData;
  builtIns: BuiltInSources;
  appSettings: AppSettings;
  queueMessageEncoding: QueueMessageEncoding;
  eventHub: FakeEventHub;
  /**
   * Fault injection: an error makes this write fail. A blob write fails after creating the blob empty, as
   * the host's write stream does when a later request fails; other writes fail before writing anything.
   */
  failOutputs?: (binding: FunctionOutput, resolvedTarget: string) => Error | undefined;
  /** Called after a blob output created a blob (for the Event Grid simulation). */
  onBlobWritten?: (write: BlobWrite, blobServiceUrl: string) => Promise<void>;
}

/** An output binding and the value the handler gave it. */
export interface OutputValue {
  binding: FunctionOutput;
  value: HostOutputValue;
}

/**
 * Writes every output in parallel; each record says how that write ended. Never throws: the caller fails
 * the invocation with the first error, as Task.WhenAll surfaces it.
 */
export async function writeOutputs(
  outputs: readonly OutputValue[],
  context: OutputWriteContext,
): Promise<OutputWriteRecord[]> {
  return Promise.all(outputs.map((output) => writeOne(output, context)));
}

async function writeOne(
  { binding, value }: OutputValue,
  context: OutputWriteContext,
): Promise<OutputWriteRecord> {
  const record: OutputWriteRecord = {
    bindingName: binding.name,
    type: binding.type,
    target: undefined,
    items: [],
    texts: [],
    error: undefined,
  };
  try {
    const template = resolveAppSettingReferences(targetTemplate(binding), context.appSettings);
    const resolved = resolveBindingExpression(template, context.bindingData, context.builtIns);
    const target = binding.type.toLowerCase() === 'queue' ? normalizeQueueName(resolved) : resolved;
    record.target = target;
    const injected = context.failOutputs?.(binding, target);
    if (injected) {
      // A blob write stream fails after its first request has created the blob empty (see blobOutputWriter).
      if (binding.type.toLowerCase() === 'blob') await startFailedBlobWrite(binding, target, context);
      throw injected;
    }
    record.items = await write(binding, target, value, context);
    record.texts = record.items.map((item) => item.toString('utf8'));
  } catch (error) {
    record.error = error instanceof Error ? error : new Error(String(error));
  }
  return record;
}

async function startFailedBlobWrite(
  binding: FunctionOutput,
  target: string,
  context: OutputWriteContext,
): Promise<void> {
  const connection = typeof binding.connection === 'string' ? binding.connection : undefined;
  const { blobService } = storageAccountFor(connection, context.appSettings);
  const { write } = await createEmptyBlobAsHost(blobService, target, context.invocationId);
  await context.onBlobWritten?.(write, blobService.url);
}

function targetTemplate(binding: FunctionOutput): string {
  const property = { blob: 'path', queue: 'queueName', eventhub: 'eventHubName' }[binding.type.toLowerCase()];
  if (property === undefined)
    throw new Error(
      `The simulator does not model '${binding.type}' output bindings (binding '${binding.name}').`,
    );
  const template = binding[property];
  if (typeof template !== 'string')
    throw new Error(`Output binding '${binding.name}' of type '${binding.type}' has no '${property}'.`);
  return template;
}

async function write(
  binding: FunctionOutput,
  target: string,
  value: HostOutputValue,
  context: OutputWriteContext,
): Promise<Buffer[]> {
  const connection = typeof binding.connection === 'string' ? binding.connection : undefined;
  switch (binding.type.toLowerCase()) {
    case 'blob': {
      const { blobService } = storageAccountFor(connection, context.appSettings);
      const content = toBlobContent(value);
      const blobWrite = await writeBlobAsHost(blobService, target, content, context.invocationId);
      await context.onBlobWritten?.(blobWrite, blobService.url);
      return [content];
    }
    case 'queue': {
      const { queueService } = storageAccountFor(connection, context.appSettings);
      const items = toCollectorItems(value);
      await enqueueAsHost(queueService, target, items, context.queueMessageEncoding);
      return items;
    }
    default: {
      const items = toCollectorItems(value);
      context.eventHub.send(
        target,
        items.map((item) => item.toString('utf8')),
      );
      return items;
    }
  }
}
