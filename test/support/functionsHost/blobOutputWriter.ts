/*
 * A blob output binding's write, request by request as the host makes it.
 *
 * Checked against Azure/azure-sdk-for-net sdk/storage/:
 * - Microsoft.Azure.WebJobs.Extensions.Storage.Blobs/src/Config/BlobsExtensionConfigProvider.cs
 *   (`GetBlobAsync`: ExistsAsync then CreateIfNotExistsAsync on the container for a write;
 *   `BlobPath.ParseAndValidate` on the resolved path).
 * - .../Storage.Blobs/src/Bindings/WriteBlobArgumentBinding.cs (existing metadata kept,
 *   `BlobCausalityManager.SetWriter` adds AzureWebJobsParentId = invocation id, BlockBlobClient.OpenWriteAsync).
 * - Azure.Storage.Blobs/src/BlockBlobClient.cs `OpenWriteInternal` (Put Blob of zero bytes with the
 *   metadata first, then a BlockBlobWriteStream) and BlockBlobWriteStream.cs (Put Block per 4 MiB buffer,
 *   Put Block List with the metadata and If-Match the first ETag).
 * - BlobPath.cs / BlobNameValidationAttribute ("Invalid blob path specified : '{0}'. Blob identifiers must
 *   be in the format 'container/blob'.", "Invalid container name: {0}", blob names 1..1024 characters).
 */
import type { BlobServiceClient, BlockBlobClient } from '@azure/storage-blob';

/** One Blob REST request that created or replaced the blob (what Event Grid reports as BlobCreated). */
export interface BlobCreatingRequest {
  api: 'PutBlob' | 'PutBlockList';
  requestId: string;
  clientRequestId: string;
  eTag: string;
  contentLength: number;
  contentType: string;
}

/** A blob as the host wrote it. */
export interface BlobWrite {
  containerName: string;
  blobName: string;
  url: string;
  requests: BlobCreatingRequest[];
}

const BLOCK_SIZE_IN_BYTES = 4 * 1024 * 1024;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * Splits a resolved blob output path into container and blob name.
 * @throws Error with the host's message for a path without a container, an invalid container or blob name.
 */
export function parseBlobPath(path: string): { containerName: string; blobName: string } {
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1)
    throw new Error(
      `Invalid blob path specified : '${path}'. Blob identifiers must be in the format 'container/blob'.`,
    );
  const containerName = path.slice(0, slash);
  const blobName = path.slice(slash + 1);
  if (containerName !== '$root' && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(containerName))
    throw new Error(`Invalid container name: ${containerName}`);
  if (blobName.length > 1024)
    throw new Error(
      `The given blob name '${blobName}' is too long. A blob name must be at least one character long and cannot be more than 1,024 characters long.`,
    );
  if (blobName.includes('\\'))
    throw new Error(
      `The given blob name '${blobName}' contain illegal characters. A blob name cannot the following character(s): '\\'.`,
    );
  return { containerName, blobName };
}

/** Writes `content` at `path` as a block blob the way the host's blob output binding does. */
export async function writeBlobAsHost(
  blobService: BlobServiceClient,
  path: string,
  content: Buffer,
  invocationId: string,
): Promise<BlobWrite> {
  const { blob, metadata, write } = await createEmptyBlobAsHost(blobService, path, invocationId);
  const created = write.requests[0]!;
  const blockIds: string[] = [];
  for (let offset = 0; offset < content.length; offset += BLOCK_SIZE_IN_BYTES) {
    const chunk = content.subarray(offset, offset + BLOCK_SIZE_IN_BYTES);
    const blockId = Buffer.from(String(offset + chunk.length).padStart(20, '0')).toString('base64');
    await blob.stageBlock(blockId, chunk, chunk.length);
    blockIds.push(blockId);
  }
  const committed = await blob.commitBlockList(blockIds, { metadata, conditions: { ifMatch: created.eTag } });
  return { ...write, requests: [created, creatingRequest('PutBlockList', committed, content.length)] };
}

/**
 * The write stream's first request: the blob, created (or overwritten) empty. A write that fails after
 * this leaves the empty blob behind, and Event Grid has already seen it created.
 */
export async function createEmptyBlobAsHost(
  blobService: BlobServiceClient,
  path: string,
  invocationId: string,
): Promise<{ blob: BlockBlobClient; metadata: Record<string, string>; write: BlobWrite }> {
  const { containerName, blobName } = parseBlobPath(path);
  const container = blobService.getContainerClient(containerName);
  if (!(await container.exists())) await container.createIfNotExists();
  const blob = container.getBlockBlobClient(blobName);
  const metadata = { ...(await existingMetadata(blob)), AzureWebJobsParentId: invocationId };
  const created = await blob.upload(Buffer.alloc(0), 0, { metadata });
  return {
    blob,
    metadata,
    write: { containerName, blobName, url: blob.url, requests: [creatingRequest('PutBlob', created, 0)] },
  };
}

async function existingMetadata(blob: BlockBlobClient): Promise<Record<string, string>> {
  try {
    return (await blob.getProperties()).metadata ?? {};
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return {};
    throw error;
  }
}

function creatingRequest(
  api: BlobCreatingRequest['api'],
  response: { requestId?: string; clientRequestId?: string; etag?: string },
  contentLength: number,
): BlobCreatingRequest {
  return {
    api,
    requestId: response.requestId ?? '',
    clientRequestId: response.clientRequestId ?? '',
    eTag: response.etag ?? '',
    contentLength,
    contentType: DEFAULT_CONTENT_TYPE,
  };
}
