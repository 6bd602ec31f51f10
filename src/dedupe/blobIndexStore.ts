import { RestError, type ContainerClient } from '@azure/storage-blob';
import { AlertIndex } from './alertIndex';
import type { Logger } from '../telemetry/logger';
import type { CollectionMarker } from './collectionMarker';
import {
  foreignIndexMessage,
  IndexConflictError,
  missingIndexMessage,
  type IndexStore,
  type LoadedIndex,
} from './indexStore';

/**
 * The hash index as one block blob. A run costs one download and one upload (plus, on the very first run,
 * a container creation and the collection marker); both carry ETag conditions.
 */
export class BlobIndexStore implements IndexStore {
  readonly location: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly blobName: string,
    private readonly subscriptionId: string,
    private readonly marker: CollectionMarker,
    private readonly logger?: Logger,
  ) {
    this.location = `${container.containerName}/${blobName}`;
  }

  async load(): Promise<LoadedIndex> {
    const blob = this.container.getBlobClient(this.blobName);
    let data: Buffer;
    let etag: string | undefined;
    try {
      const response = await blob.download();
      etag = response.etag;
      data = await readAll(response.readableStreamBody);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return this.fresh();
      throw new Error(`Failed to read hash index '${this.location}': ${describe(error)}`, { cause: error });
    }
    const index = AlertIndex.decode(data, `'${this.location}'`);
    this.logger?.debug('Loaded the hash index', {
      index: this.location,
      entries: index.size,
      bytes: data.length,
    });
    if (index.header.subscriptionId.toLowerCase() !== this.subscriptionId)
      throw new Error(foreignIndexMessage(this.location, this.subscriptionId, index.header.subscriptionId));
    return { index, etag };
  }

  /** No index blob (or container): a first run, unless the marker says the subscription was collected. */
  private async fresh(): Promise<LoadedIndex> {
    if (await this.marker.exists())
      throw new Error(missingIndexMessage(this.location, this.subscriptionId, this.marker.location));
    return { index: AlertIndex.empty(this.subscriptionId), etag: undefined };
  }

  async save(data: Buffer, etag: string | undefined): Promise<string> {
    const blob = this.container.getBlockBlobClient(this.blobName);
    const conditions = etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag };
    let newEtag: string;
    try {
      const response = await blob.upload(data, data.length, {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
      newEtag = response.etag!;
      this.logger?.debug('Saved the hash index', { index: this.location, bytes: data.length });
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404 && etag === undefined) {
        await this.container.createIfNotExists();
        return this.save(data, etag);
      }
      // 412: If-Match failed (changed since read); 409: If-None-Match '*' failed (created since read).
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409)) {
        throw new IndexConflictError(this.location, { cause: error });
      }
      throw new Error(`Failed to write hash index '${this.location}': ${describe(error)}`, { cause: error });
    }
    // The index now exists: from here on, its absence means it was lost, not that this is a first run.
    if (etag === undefined) await this.marker.record(new Date());
    return newEtag;
  }
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function describe(error: unknown): string {
  if (error instanceof RestError)
    return `HTTP ${error.statusCode ?? '?'} ${error.code ?? ''} ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}
