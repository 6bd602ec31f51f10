import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { describeError } from '../../src/telemetry/describeError';
import type { Place } from './canaryScanner';

/** What a piece of code wrote while it ran: stdout, stderr, the console (Jest's console bypasses stderr). */
export interface CapturedOutput<T> {
  value: T | undefined;
  error: unknown;
  stdout: string;
  stderr: string;
  console: string;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const;

/**
 * Runs `body` with every write to stdout, stderr and the console captured; never throws `body`'s error.
 * Bytes are read as latin1 by default, so that the canary scanner sees every byte; `utf8` reads text.
 */
export async function captureOutput<T>(
  body: () => Promise<T>,
  encoding: 'latin1' | 'utf8' = 'latin1',
): Promise<CapturedOutput<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const logged: string[] = [];
  const restore = [
    replaceMethod(process.stdout, 'write', recordWrites(out, encoding)),
    replaceMethod(process.stderr, 'write', recordWrites(err, encoding)),
    ...CONSOLE_METHODS.map((name) =>
      replaceMethod(console, name, (...args: unknown[]) => void logged.push(format(...args))),
    ),
  ];
  const output = (): Omit<CapturedOutput<T>, 'value' | 'error'> => ({
    stdout: out.join(''),
    stderr: err.join(''),
    console: logged.join('\n'),
  });
  try {
    const value = await body();
    return { value, error: undefined, ...output() };
  } catch (error) {
    return { value: undefined, error, ...output() };
  } finally {
    for (const undo of restore) undo();
  }
}

/** Puts `replacement` in place of an object's method; the function returned puts the original back. */
function replaceMethod<O extends object>(
  target: O,
  name: keyof O & string,
  replacement: unknown,
): () => void {
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value: replacement, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(target, name, own);
    else delete target[name];
  };
}

/** A stand-in for a stream's write that keeps the text and reports it written, as the stream would. */
function recordWrites(into: string[], encoding: 'latin1' | 'utf8'): typeof process.stdout.write {
  return (chunk: string | Uint8Array, encodingOrDone?: unknown, done?: unknown) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding));
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') (callback as () => void)();
    return true;
  };
}

/** The places of a capture, named after what ran. */
export function placesOf(what: string, captured: CapturedOutput<unknown>): Place[] {
  return [
    { place: `stdout of ${what}`, text: captured.stdout },
    { place: `stderr of ${what}`, text: captured.stderr },
    { place: `console of ${what}`, text: captured.console },
    ...(captured.error === undefined
      ? []
      : [{ place: `error thrown by ${what}`, text: errorText(captured.error) }]),
  ];
}

/** What a host logs of an error: message, stack, and the messages and stacks of its causes. */
export function errorText(error: unknown): string {
  const parts = [describeError(error)];
  for (let current = error; current instanceof Error && parts.length < 10; current = current.cause)
    parts.push(current.message, current.stack ?? '');
  return parts.join('\n');
}

/** Any value as text for the scan: errors as {@link errorText}, buffers byte for byte. */
export function textOf(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
    const raw = this[key];
    if (Buffer.isBuffer(raw)) return raw.toString('latin1');
    if (raw instanceof Error) return errorText(raw);
    return item;
  });
}

/** Every file under `folder`, byte for byte. */
export function folderPlaces(folder: string): Place[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({
      place: `file ${relative(folder, path)}`,
      text: readFileSync(path).toString('latin1'),
    }));
}

/**
 * Everything an Azurite account holds, or the containers and queues `only` selects: each container with
 * its metadata, each blob with its metadata and content, each queue with its metadata and messages (as
 * stored, and base64-decoded as the host reads them). Messages are peeked, so they stay for a later scan;
 * a queue with more than a peek's 32 messages fails the scan rather than being read in part.
 */
export async function storagePlaces(
  connectionString: string,
  only: (name: string) => boolean = () => true,
): Promise<Place[]> {
  const places: Place[] = [];
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  for await (const container of blobs.listContainers({ includeMetadata: true })) {
    if (!only(container.name)) continue;
    places.push({ place: `container ${container.name}`, text: textOf(container) });
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat({ includeMetadata: true })) {
      const content = await client.getBlobClient(blob.name).downloadToBuffer();
      places.push({
        place: `blob ${container.name}/${blob.name}`,
        text: `${blob.name}\n${textOf(blob.metadata)}\n${content.toString('latin1')}`,
      });
    }
  }
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for await (const queue of queues.listQueues({ includeMetadata: true })) {
    if (!only(queue.name)) continue;
    places.push({ place: `queue ${queue.name}`, text: textOf(queue) });
    const client = queues.getQueueClient(queue.name);
    const { approximateMessagesCount = 0 } = await client.getProperties();
    if (approximateMessagesCount > MAX_PEEK)
      throw new Error(
        `The queue '${queue.name}' holds ${approximateMessagesCount} messages, more than a peek.`,
      );
    const { peekedMessageItems } = await client.peekMessages({ numberOfMessages: MAX_PEEK });
    for (const message of peekedMessageItems) {
      const decoded = Buffer.from(message.messageText, 'base64').toString('latin1');
      places.push({
        place: `queue ${queue.name} message ${message.messageId}`,
        text: `${message.messageText}\n${decoded}`,
      });
    }
  }
  return places;
}

const MAX_PEEK = 32;
