import type { ContainerClient } from '@azure/storage-blob';

/**
 * The outbox: the container the workers' batches land in (written by the host's blob output binding) and
 * the forwarder reads from. It is the evidence the delivery protocol settles on: a batch is there or not,
 * found by its name with one request.
 */
export interface Outbox {
  /** Where the outbox is, for messages. */
  readonly location: string;
  /** @throws Error when the outbox cannot be read: no verdict is taken from a failed look-up. */
  exists(batchRef: string): Promise<boolean>;
  /** The batch's bytes; `undefined` when it is not there. */
  read(batchRef: string): Promise<Buffer | undefined>;
  /** Names of the batches under a prefix, in name order. */
  list(prefix: string): AsyncIterable<string>;
}

/** The outbox container in the Functions storage account. */
export class BlobOutbox implements Outbox {
  readonly location: string;

  constructor(private readonly container: ContainerClient) {
    this.location = container.containerName;
  }

  async exists(batchRef: string): Promise<boolean> {
    try {
      const properties = await this.container.getBlobClient(batchRef).getProperties();
      return (properties.contentLength ?? 0) > 0;
    } catch (error) {
      // A missing container answers 404 like a missing blob: nothing was ever written there.
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw this.failure('look up', batchRef, error);
    }
  }

  async read(batchRef: string): Promise<Buffer | undefined> {
    try {
      return await this.container.getBlobClient(batchRef).downloadToBuffer();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw this.failure('read', batchRef, error);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    if (!(await this.container.exists())) return;
    for await (const blob of this.container.listBlobsFlat({ prefix })) yield blob.name;
  }

  private failure(what: string, batchRef: string, error: unknown): Error {
    return new Error(
      `Failed to ${what} batch '${batchRef}' in the outbox '${this.location}': ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** An outbox in memory, for tests: the batches the "host" wrote, by name. */
export class InMemoryOutbox implements Outbox {
  readonly location = 'memory/outbox';
  readonly batches = new Map<string, Buffer>();
  lookups = 0;

  exists(batchRef: string): Promise<boolean> {
    this.lookups += 1;
    return Promise.resolve((this.batches.get(batchRef)?.length ?? 0) > 0);
  }

  read(batchRef: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.batches.get(batchRef));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const names = [...this.batches.keys()].filter((name) => name.startsWith(prefix)).sort();
    for (const name of names) yield await Promise.resolve(name);
  }
}
