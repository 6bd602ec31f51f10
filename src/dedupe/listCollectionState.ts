import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { ListedBlobs } from './blobIndexStore';
import { MARKER_PREFIX, markerBlobName } from './collectionMarker';

/** Names per listing page: the most the Blob service returns in one. */
const PAGE_SIZE = 5_000;

/** What one listing of the indexes and the collection markers found, for the subscriptions it was asked about. */
export interface CollectionState {
  /** Whether this subscription's index and marker were listed. */
  of(subscriptionId: string): ListedBlobs;
}

export interface ListCollectionStateOptions {
  indexContainer: ContainerClient;
  /** The container of the markers (the outbox): its `collected/` prefix is listed. */
  markerContainer: ContainerClient;
  /** Each subscription's index blob name, by subscription. */
  indexBlobs: ReadonlyMap<string, string>;
}

/**
 * Lists the index container and the markers once, 5,000 names a page, and keeps, for each subscription
 * asked about, whether its index and its marker exist: two requests for up to 5,000 subscriptions, where a
 * first run would otherwise read a missing index and then check its marker, each. A missing container
 * lists nothing. A listing is strongly consistent: every blob created before it started is in it, so
 * 'marker listed, index not' still stops a run (docs/delivery.md, observation 10).
 *
 * @throws Error naming the container when a listing fails for another reason than a missing container.
 */
export async function listCollectionState(options: ListCollectionStateOptions): Promise<CollectionState> {
  const subscriptionOf = new Map<string, string>();
  for (const [subscriptionId, blobName] of options.indexBlobs) subscriptionOf.set(blobName, subscriptionId);
  const markerOf = new Map<string, string>();
  for (const subscriptionId of options.indexBlobs.keys())
    markerOf.set(markerBlobName(subscriptionId), subscriptionId);
  const [indexes, markers] = await Promise.all([
    listed(options.indexContainer, commonPrefix([...subscriptionOf.keys()]), subscriptionOf),
    listed(options.markerContainer, MARKER_PREFIX, markerOf),
  ]);
  return {
    of: (subscriptionId) => ({ index: indexes.has(subscriptionId), marker: markers.has(subscriptionId) }),
  };
}

/** The subscriptions whose blob (by `subscriptionOf`) is in the container under `prefix`. */
async function listed(
  container: ContainerClient,
  prefix: string,
  subscriptionOf: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const found = new Set<string>();
  try {
    for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: PAGE_SIZE })) {
      for (const blob of page.segment.blobItems) {
        const subscriptionId = subscriptionOf.get(blob.name);
        if (subscriptionId !== undefined) found.add(subscriptionId);
      }
    }
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return found;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Failed to list '${container.containerName}/${prefix}': ${reason}`, { cause: error });
  }
  return found;
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
