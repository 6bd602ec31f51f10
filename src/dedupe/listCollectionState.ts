import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { ListedBlobs } from './blobIndexStore';
import { MARKER_PREFIX, markerBlobName } from './collectionMarker';

/** Names per listing page: the most the Blob service returns in one. */
const PAGE_SIZE = 5_000;

/** What one listing of the indexes and the collection markers found. */
export interface CollectionState {
  /** Whether this subscription's index and its marker were listed. */
  of(subscriptionId: string): ListedBlobs;
}

export interface ListCollectionStateOptions {
  indexContainer: ContainerClient;
  /** The container of the markers (the outbox): its `collected/` prefix is listed. */
  markerContainer: ContainerClient;
}

/**
 * Lists the index container once, 5,000 names a page, starting at once: it needs no subscription list, so
 * it runs beside discovery. Asked about the subscriptions discovery found, it lists the markers too, only
 * when one of them has no index (a first run, or a lost index): a steady run pays one listing, a first run
 * two, where it would otherwise read a missing index and then check its marker, each. A missing container
 * lists nothing. A listing is strongly consistent: every blob created before it started is in it, so
 * 'marker listed, index not' still stops a run (docs/delivery.md, observation 10).
 *
 * @throws Error naming the container when a listing fails for another reason than a missing container.
 */
export function listCollectionState(options: ListCollectionStateOptions): {
  /** The state of these subscriptions, by index blob name. */
  of(indexBlobs: ReadonlyMap<string, string>): Promise<CollectionState>;
} {
  const indexes = listed(options.indexContainer, '');
  // Observed at once: discovery may fail before anyone awaits it.
  indexes.catch(() => undefined);
  return {
    of: async (indexBlobs) => {
      const names = await indexes;
      const unindexed = [...indexBlobs].filter(([, blob]) => !names.has(blob));
      const markers =
        unindexed.length > 0 ? await listed(options.markerContainer, MARKER_PREFIX) : new Set<string>();
      return {
        of: (subscriptionId) => ({
          index: names.has(indexBlobs.get(subscriptionId) ?? ''),
          marker: markers.has(markerBlobName(subscriptionId)),
        }),
      };
    },
  };
}

/** The names of the blobs in the container under `prefix`. */
async function listed(container: ContainerClient, prefix: string): Promise<Set<string>> {
  const found = new Set<string>();
  try {
    for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: PAGE_SIZE })) {
      for (const blob of page.segment.blobItems) found.add(blob.name);
    }
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return found;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Failed to list '${container.containerName}/${prefix}': ${reason}`, { cause: error });
  }
  return found;
}
