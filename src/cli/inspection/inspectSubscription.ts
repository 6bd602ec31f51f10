import type { BlobServiceClient } from '@azure/storage-blob';
import { indexBlobName, type CollectorSettings } from '../../config/settings';
import { AlertIndex } from '../../dedupe/alertIndex';
import { BlobCollectionMarker } from '../../dedupe/collectionMarker';
import { foreignIndexMessage } from '../../dedupe/indexStore';
import { BlobOutbox, type Outbox } from '../../delivery/outbox';

/** A batch the index holds as pending: handed over, not settled by a later run yet. */
export interface PendingBatchInspection {
  seq: number;
  /** The run that handed it over. */
  id: string;
  createdAt: string;
  ageInSeconds: number;
  records: number;
  /** The outbox blob the batch is written to (`''` for a batch of an older version). */
  ref: string;
  /** The blob is in the outbox with content: the next run confirms the batch. */
  inOutbox: boolean;
}

/** What the hash index of a subscription says. */
export interface IndexInspection {
  /** `<container>/<blob>`. */
  blob: string;
  exists: boolean;
  entries: number;
  sizeInBytes: number;
  /**
   * The last commit. A successful run writes the index when it records anything, and otherwise at least once a
   * day, so the last successful run is at most a day after this. `null` when there is no index.
   */
  updatedAt: string | null;
  delivered: number;
  pending: number;
  undelivered: number;
  /** Pending or undelivered entries of which no version ever reached the target. */
  neverDelivered: number;
  /** When the collector first listed the oldest never-delivered alert; `null` when there is none. */
  oldestNeverDeliveredFirstSeenAt: string | null;
  pendingBatches: PendingBatchInspection[];
  /** Ids of the latest commits (runs), newest last. */
  recentCommits: string[];
}

export interface SubscriptionInspection {
  subscriptionId: string;
  index: IndexInspection;
  collectionMarker: { location: string; exists: boolean };
  /** Outbox batches of the subscription in the inspected window (see `outboxActivity`). */
  outbox: { batches: number; bytes: number };
  /** What is wrong, when the next run stops on the index (damaged, missing, another subscription's). */
  problem: string | null;
}

/**
 * Reads the state of one subscription: its hash index (decoded, never loaded for a run, so never changed),
 * its collection marker, and whether each pending batch is in the outbox. Reads only.
 *
 * @throws Error when storage cannot be read; a damaged index is reported as a `problem` instead.
 */
export async function inspectSubscription(options: {
  settings: CollectorSettings;
  blobService: BlobServiceClient;
  subscriptionId: string;
  now: Date;
}): Promise<Omit<SubscriptionInspection, 'outbox'>> {
  const { settings, blobService, subscriptionId } = options;
  const outboxContainer = blobService.getContainerClient(settings.delivery.outboxContainer);
  const marker = new BlobCollectionMarker(outboxContainer, subscriptionId);
  const blobName = indexBlobName(settings.index, subscriptionId);
  const location = `${settings.index.container}/${blobName}`;
  const [data, markerExists] = await Promise.all([
    downloadIfExists(blobService, settings.index.container, blobName),
    marker.exists(),
  ]);
  const base = { subscriptionId, collectionMarker: { location: marker.location, exists: markerExists } };
  if (data === undefined) {
    const problem = markerExists
      ? `The hash index '${location}' is missing, but '${marker.location}' records that the subscription ` +
        `was collected before: the next run stops until it is restored, or reset with 'reset-index'.`
      : null;
    return { ...base, index: noIndex(location), problem };
  }
  const unreadable = (problem: string) => ({
    ...base,
    index: { ...noIndex(location), exists: true, sizeInBytes: data.length },
    problem,
  });
  let index: AlertIndex;
  try {
    index = AlertIndex.decode(data, `'${location}'`);
  } catch (error) {
    return unreadable(error instanceof Error ? error.message : String(error));
  }
  if (index.header.subscriptionId.toLowerCase() !== subscriptionId)
    return unreadable(foreignIndexMessage(location, subscriptionId, index.header.subscriptionId));
  const pendingBatches = await inspectPendingBatches(index, new BlobOutbox(outboxContainer), options.now);
  return { ...base, index: describeIndex(index, location, data.length, pendingBatches), problem: null };
}

/** The pending batches of the index, each with its age and whether its blob is in the outbox yet. */
function inspectPendingBatches(
  index: AlertIndex,
  outbox: Outbox,
  now: Date,
): Promise<PendingBatchInspection[]> {
  return Promise.all(
    index.header.pendingBatches.map(async (batch): Promise<PendingBatchInspection> => ({
      seq: batch.seq,
      id: batch.id,
      createdAt: batch.createdAt,
      ageInSeconds: Math.floor((now.getTime() - Date.parse(batch.createdAt)) / 1000),
      records: batch.recordCount,
      ref: batch.ref,
      inOutbox: batch.ref !== '' && (await outbox.exists(batch.ref)),
    })),
  );
}

function describeIndex(
  index: AlertIndex,
  location: string,
  sizeInBytes: number,
  pendingBatches: PendingBatchInspection[],
): IndexInspection {
  const states = index.stateCounts();
  const oldest = states.oldestNeverDeliveredFirstSeenInSeconds;
  return {
    blob: location,
    exists: true,
    entries: index.size,
    sizeInBytes,
    updatedAt: index.header.updatedAt,
    delivered: states.delivered,
    pending: states.pending,
    undelivered: states.undelivered,
    neverDelivered: states.neverDelivered,
    oldestNeverDeliveredFirstSeenAt: oldest === undefined ? null : new Date(oldest * 1000).toISOString(),
    pendingBatches,
    recentCommits: index.header.recentCommits,
  };
}

function noIndex(blob: string): IndexInspection {
  return {
    blob,
    exists: false,
    entries: 0,
    sizeInBytes: 0,
    updatedAt: null,
    delivered: 0,
    pending: 0,
    undelivered: 0,
    neverDelivered: 0,
    oldestNeverDeliveredFirstSeenAt: null,
    pendingBatches: [],
    recentCommits: [],
  };
}

async function downloadIfExists(
  blobService: BlobServiceClient,
  container: string,
  blobName: string,
): Promise<Buffer | undefined> {
  try {
    return await blobService.getContainerClient(container).getBlobClient(blobName).downloadToBuffer();
  } catch (error) {
    // A missing container answers 404 like a missing blob.
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw new Error(`Failed to read hash index '${container}/${blobName}'`, { cause: error });
  }
}
