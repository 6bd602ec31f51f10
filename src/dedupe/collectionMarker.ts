import { RestError, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';

/**
 * Durable evidence that a subscription has been collected before, kept apart from its index (in another
 * container), so that a deleted index, or a deleted index container, is not mistaken for a first run that
 * would send every alert of the last 90 days again.
 */
export interface CollectionMarker {
  /** Where the marker is, for messages. */
  readonly location: string;
  exists(): Promise<boolean>;
  /** Writes the marker if it is not there yet. */
  record(at: Date): Promise<void>;
  /** Removes it: the next run with no index is a first run again (an explicit reset). */
  remove(): Promise<void>;
}

/** Where the markers are in their container: every blob name under it is {@link markerBlobName}. */
export const MARKER_PREFIX = 'collected/';

/** The marker's blob name: `collected/<subscriptionId>.json`. */
export function markerBlobName(subscriptionId: string): string {
  return `${MARKER_PREFIX}${subscriptionId}.json`;
}

/** The marker as a small blob, {@link markerBlobName}, in the given container. */
export class BlobCollectionMarker implements CollectionMarker {
  readonly location: string;
  private readonly blob: BlockBlobClient;

  constructor(
    private readonly container: ContainerClient,
    private readonly subscriptionId: string,
  ) {
    const blobName = markerBlobName(subscriptionId);
    this.location = `${container.containerName}/${blobName}`;
    this.blob = container.getBlockBlobClient(blobName);
  }

  exists(): Promise<boolean> {
    return this.blob.exists();
  }

  async record(at: Date): Promise<void> {
    const body = JSON.stringify({ subscriptionId: this.subscriptionId, firstCommittedAt: at.toISOString() });
    const blob = this.blob;
    const upload = () => blob.upload(body, Buffer.byteLength(body), { conditions: { ifNoneMatch: '*' } });
    try {
      await upload();
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      if (error.statusCode === 409) return; // already recorded
      if (error.statusCode !== 404) throw error;
      await this.container.createIfNotExists();
      await upload();
    }
  }

  async remove(): Promise<void> {
    await this.blob.deleteIfExists();
  }
}

/** A marker in memory, for tests. */
export class InMemoryCollectionMarker implements CollectionMarker {
  readonly location = 'memory/collected';
  recordedAt: Date | undefined;

  exists(): Promise<boolean> {
    return Promise.resolve(this.recordedAt !== undefined);
  }
  record(at: Date): Promise<void> {
    this.recordedAt ??= at;
    return Promise.resolve();
  }
  remove(): Promise<void> {
    this.recordedAt = undefined;
    return Promise.resolve();
  }
}
