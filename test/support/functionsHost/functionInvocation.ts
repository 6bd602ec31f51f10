/*
 * One invocation as the host runs it: call the handler, then write its outputs; or die at a chosen point.
 *
 * Checked against:
 * - Azure/azure-functions-host src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs
 *   (`InvokeCore`: the worker's result is awaited, a failed result throws before `BindOutputsAsync`; outputs
 *   are bound only after the handler finished; return value handling).
 * - Azure/azure-functions-nodejs-library src/InvocationModel.ts (`getResponse`: extra outputs whose value
 *   is null/undefined are not sent; the return value goes to `$return`, or is sent on its own when there is
 *   no return binding) and src/converters/toCoreFunctionMetadata.ts (binding order: trigger, extra inputs,
 *   return, extra outputs).
 * - @azure/functions `InvocationContext` (test-mode construction with a log handler).
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import {
  InvocationContext,
  type FunctionInput,
  type FunctionOutput,
  type FunctionTrigger,
  type LogLevel,
  type TriggerMetadata,
} from '@azure/functions';
import type { EventGridBlobCreatedEvent } from './eventGridBlobEvents';
import {
  writeOutputs,
  type OutputValue,
  type OutputWriteContext,
  type OutputWriteRecord,
} from './outputBindings';
import { toHostOutputValue } from './outputValues';

/** Where a simulated host process dies: nothing after that point happens. */
export type CrashPoint = 'beforeHandler' | 'afterHandler' | 'afterOutputs';

/** Deterministic faults for one processing call. */
export interface InvocationFaults {
  /** Return an error to make that output's write throw instead of writing; other writes still run. */
  failOutputs?: (binding: FunctionOutput, resolvedTarget: string) => Error | undefined;
  /** The host process dies at this point. */
  crash?: CrashPoint;
}

export interface LogLine {
  level: LogLevel;
  message: string;
}

/** What happened in one invocation. */
export interface InvocationRecord {
  invocationId: string;
  functionName: string;
  outcome: 'succeeded' | 'failed' | 'crashed';
  /** The handler's error, or the first failed output write's error. */
  error: Error | undefined;
  crashedAt: CrashPoint | undefined;
  /** Whether the handler was called. */
  handlerCalled: boolean;
  outputs: OutputWriteRecord[];
  logs: LogLine[];
  /** Events the Event Grid simulation enqueued for blobs this invocation's outputs created. */
  eventGridEvents: EventGridBlobCreatedEvent[];
}

/** The function as registered: what `app.storageQueue`/`app.timer` receive, trigger made explicit. */
export interface RegisteredFunction {
  name: string;
  trigger: FunctionTrigger;
  handler: (input: never, context: InvocationContext) => unknown;
  return?: FunctionOutput;
  extraInputs?: FunctionInput[];
  extraOutputs?: FunctionOutput[];
}

export interface InvocationRequest {
  fn: RegisteredFunction;
  input: unknown;
  triggerMetadata: TriggerMetadata | undefined;
  /** Output writing for this invocation, minus the invocation id (assigned here). */
  outputContext: Omit<OutputWriteContext, 'invocationId' | 'failOutputs'>;
  /** Collects the Event Grid events published while this invocation's outputs are written. */
  eventGridEvents: EventGridBlobCreatedEvent[];
}

/** Runs one invocation; never throws for the function's own failures, which the record reports. */
export async function runInvocation(
  request: InvocationRequest,
  faults: InvocationFaults = {},
): Promise<InvocationRecord> {
  const { fn } = request;
  const record: InvocationRecord = {
    invocationId: randomUUID(),
    functionName: fn.name,
    outcome: 'crashed',
    error: undefined,
    crashedAt: undefined,
    handlerCalled: false,
    outputs: [],
    logs: [],
    eventGridEvents: request.eventGridEvents,
  };
  if (faults.crash === 'beforeHandler') return { ...record, crashedAt: 'beforeHandler' };

  const context = new InvocationContext({
    invocationId: record.invocationId,
    functionName: fn.name,
    triggerMetadata: request.triggerMetadata,
    logHandler: (level, ...args) => record.logs.push({ level, message: format(...args) }),
    options: {
      trigger: fn.trigger,
      return: fn.return,
      extraInputs: fn.extraInputs ?? [],
      extraOutputs: fn.extraOutputs ?? [],
    },
  });
  let result: unknown;
  try {
    record.handlerCalled = true;
    result = await (fn.handler as (input: unknown, context: InvocationContext) => unknown)(
      request.input,
      context,
    );
  } catch (error) {
    return { ...record, outcome: 'failed', error: asError(error) };
  }
  if (faults.crash === 'afterHandler') return { ...record, crashedAt: 'afterHandler' };

  const outputs = await writeOutputs(collectOutputs(fn, context, result), {
    ...request.outputContext,
    invocationId: record.invocationId,
    failOutputs: faults.failOutputs,
  });
  const firstError = outputs.find((output) => output.error !== undefined)?.error;
  if (faults.crash === 'afterOutputs') return { ...record, outputs, crashedAt: 'afterOutputs' };
  return { ...record, outputs, outcome: firstError ? 'failed' : 'succeeded', error: firstError };
}

/**
 * The outputs the host binds, in its binding order (return, then extra outputs): only those with a value.
 * Without a return binding, a returned object's properties override outputs of the same name.
 */
function collectOutputs(fn: RegisteredFunction, context: InvocationContext, result: unknown): OutputValue[] {
  const values = new Map<string, unknown>();
  if (fn.return) values.set(fn.return.name, result);
  for (const binding of fn.extraOutputs ?? []) values.set(binding.name, context.extraOutputs.get(binding));
  const returned = fn.return ? undefined : toHostOutputValue(result);
  if (returned?.kind === 'json' && !Array.isArray(returned.value))
    for (const [name, value] of Object.entries(returned.value)) if (values.has(name)) values.set(name, value);

  const bindings = [...(fn.return ? [fn.return] : []), ...(fn.extraOutputs ?? [])];
  return bindings.flatMap((binding) => {
    const value = toHostOutputValue(values.get(binding.name));
    return value === undefined ? [] : [{ binding, value }];
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
