import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { PendingBatch } from '../dedupe/indexFormat';
import type { BatchVerdict, DeliveryJudge } from '../pipeline/delivery';

/** What the judges know of the current invocation; `undefined` outside the Functions host. */
export interface InvocationAttempt {
  retryCount: number;
  maxRetryCount: number;
}

/**
 * Settles pending batches by what can be observed:
 * - blob target: the batch was delivered iff its blob (same size and MD5) exists under the expected hours;
 * - Event Hubs and queue targets, which cannot be read back: the host retries a failed write (the function
 *   has a retry policy), so a retry means the previous attempt's batch was lost, and a later scheduled run
 *   means it was written, unless it came from the last allowed attempt, which is sent again to be safe.
 * Either way a batch younger than the grace period is left unsettled, except by a retry.
 */
export class DeliveryJudges implements DeliveryJudge {
  constructor(
    private readonly outputContainer: ContainerClient | undefined,
    private readonly attempt: InvocationAttempt | undefined,
    /** A blob not found this soon may still be being written by an overlapping run's host. */
    private readonly graceInMs = 10 * 60_000,
  ) {}

  async judge(batch: PendingBatch, now: Date): Promise<BatchVerdict> {
    const { confirmation } = batch;
    const isRetry = (this.attempt?.retryCount ?? 0) > 0;
    // A batch this young may belong to an overlapping run whose host has not written it yet: judging it
    // delivered could lose it, judging it lost would send it twice. A retry knows its own attempt failed.
    const young = now.getTime() - Date.parse(batch.createdAt) < this.graceInMs && !isRetry;
    if (confirmation.kind === 'hostWrite') {
      if (this.attempt === undefined || young) return 'unknown';
      if (isRetry) return 'notDelivered';
      const { retryCount, maxRetryCount } = confirmation;
      return maxRetryCount < 0 || retryCount < maxRetryCount ? 'delivered' : 'notDelivered';
    }
    if (this.outputContainer === undefined) return 'unknown';
    if (await this.findBlob(this.outputContainer, confirmation)) return 'delivered';
    return young ? 'unknown' : 'notDelivered';
  }

  private async findBlob(
    container: ContainerClient,
    wanted: { contentMd5: string; sizeInBytes: number; prefixes: string[] },
  ): Promise<boolean> {
    if (!(await container.exists())) return false;
    for (const prefix of wanted.prefixes) {
      for await (const blob of container.listBlobsFlat({ prefix })) {
        if (blob.properties.contentLength !== wanted.sizeInBytes) continue;
        const md5 = blob.properties.contentMD5;
        if (md5 !== undefined && md5.length > 0) {
          if (Buffer.from(md5).toString('base64') === wanted.contentMd5) return true;
          continue;
        }
        // Blobs uploaded in blocks carry no MD5: hash the content (same size, so rarely needed).
        const content = await container.getBlobClient(blob.name).downloadToBuffer();
        if (createHash('md5').update(content).digest('base64') === wanted.contentMd5) return true;
      }
    }
    return false;
  }
}
