import type { ContainerClient } from '@azure/storage-blob';
import { OUTBOX_BATCH_PREFIX, parseOutboxBatchName } from '../../delivery/outboxBatch';
import { hourPartition } from '../../delivery/workItem';

/** The outbox batches of one subscription in the window. */
export interface OutboxCounts {
  batches: number;
  bytes: number;
}

export interface OutboxActivity {
  /** The hour partitions listed, first and last (`yyyy/MM/dd/HH`, the hour the timer scheduled the work). */
  fromPartition: string;
  toPartition: string;
  bySubscription: Map<string, OutboxCounts>;
}

const HOUR_IN_MS = 3_600_000;

/**
 * Counts the outbox batches of the last `hours` hours by subscription. Batches lie under
 * `batches/<yyyy/MM/dd/HH>/<subscription>/`, so this lists one prefix per hour partition: the hour
 * `hours` ago through the current one (`hours + 1` listings, whatever the number of subscriptions). With
 * `subscriptionId`, the prefix includes it and only that subscription's blobs are listed. Empty blobs are
 * left out: the host creates one when it starts writing, and it is no batch until it has content.
 */
export async function outboxActivity(options: {
  container: ContainerClient;
  now: Date;
  hours: number;
  subscriptionId?: string;
}): Promise<OutboxActivity> {
  const { container, now, hours, subscriptionId } = options;
  const partitions = Array.from({ length: hours + 1 }, (_, back) =>
    hourPartition(new Date(now.getTime() - (hours - back) * HOUR_IN_MS)),
  );
  const bySubscription = new Map<string, OutboxCounts>();
  const activity = { fromPartition: partitions[0]!, toPartition: partitions[hours]!, bySubscription };
  if (!(await container.exists())) return activity;
  await Promise.all(
    partitions.map(async (partition) => {
      const prefix = `${OUTBOX_BATCH_PREFIX}${partition}/${subscriptionId === undefined ? '' : `${subscriptionId}/`}`;
      for await (const blob of container.listBlobsFlat({ prefix })) {
        const size = blob.properties.contentLength ?? 0;
        // `replay source --to-outbox` batches are named the same way (`replay-<uuid>-1.ndjson`).
        const owner = parseOutboxBatchName(blob.name)?.subscriptionId;
        if (size === 0 || owner === undefined) continue;
        const counts = bySubscription.get(owner) ?? { batches: 0, bytes: 0 };
        counts.batches += 1;
        counts.bytes += size;
        bySubscription.set(owner, counts);
      }
    }),
  );
  return activity;
}
