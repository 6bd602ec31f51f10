import { RestError, type ContainerClient } from '@azure/storage-blob';
import { AlertIndex } from './alertIndex';
import { IndexConflictError, type IndexStore, type LoadedIndex } from './indexStore';

/**
 * The hash index as one block blob. A run costs one download and one upload (plus a container creation
 * on the very first run); both carry ETag conditions.
 */
export class BlobIndexStore implements IndexStore {
  readonly location: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly blobName: string,
    private readonly subscriptionId: string,
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
      if (error instanceof RestError && error.statusCode === 404) {
        return { index: AlertIndex.empty(this.subscriptionId), etag: undefined };
      }
      throw new Error(`Failed to read hash index '${this.location}': ${describe(error)}`, { cause: error });
    }
    return { index: AlertIndex.decode(data, `'${this.location}'`), etag };
  }

  async save(data: Buffer, etag: string | undefined): Promise<string> {
    const blob = this.container.getBlockBlobClient(this.blobName);
    const conditions = etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag };
    try {
      const response = await blob.upload(data, data.length, {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
      return response.etag!;
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
