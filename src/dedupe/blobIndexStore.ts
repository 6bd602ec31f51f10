import { RestError, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
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

/** What a listing taken before the run saw of one subscription's blobs ({@link listCollectionState}). */
export interface ListedBlobs {
  /** The index blob was listed. */
  index: boolean;
  /** The collection marker was listed. */
  marker: boolean;
}

export interface BlobIndexStoreOptions {
  logger?: Logger;
  /**
   * A strongly consistent listing taken before this run started. An index it did not list is not read (a
   * first run, or a lost index when the listed marker says so); the first load only: a reload after a
   * conflict reads the blob. An index created meanwhile makes the create (If-None-Match: *) conflict.
   */
  listed?: ListedBlobs;
}

/**
 * The hash index as one block blob. A run costs one download and one upload (plus, on the very first run,
 * a container creation and the collection marker); both carry ETag conditions. A first run found by a
 * listing ({@link BlobIndexStoreOptions.listed}) costs no read: the upload and the marker.
 */
export class BlobIndexStore implements IndexStore {
  readonly location: string;
  private readonly blob: BlockBlobClient;
  private readonly logger: Logger | undefined;
  private listed: ListedBlobs | undefined;

  constructor(
    private readonly container: ContainerClient,
    blobName: string,
    private readonly subscriptionId: string,
    private readonly marker: CollectionMarker,
    options: BlobIndexStoreOptions = {},
  ) {
    this.location = `${container.containerName}/${blobName}`;
    this.blob = container.getBlockBlobClient(blobName);
    this.logger = options.logger;
    this.listed = options.listed;
  }

  async load(): Promise<LoadedIndex> {
    const listed = this.listed;
    this.listed = undefined;
    if (listed !== undefined && !listed.index) return this.fresh(listed.marker);
    let data: Buffer;
    let etag: string | undefined;
    try {
      const response = await this.blob.download();
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

  /**
   * No index blob (or container): a first run, unless the marker says the subscription was collected.
   * @param markerListed the listing's word on the marker; asked of the marker itself when absent.
   */
  private async fresh(markerListed?: boolean): Promise<LoadedIndex> {
    if (markerListed ?? (await this.marker.exists()))
      throw new Error(missingIndexMessage(this.location, this.subscriptionId, this.marker.location));
    return { index: AlertIndex.empty(this.subscriptionId), etag: undefined };
  }

  async save(data: Buffer, etag: string | undefined): Promise<string> {
    const conditions = etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag };
    let newEtag: string;
    try {
      const response = await this.blob.upload(data, data.length, {
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
