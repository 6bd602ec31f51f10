/**
 * One subscription to collect in one cycle: what the timer puts on the work queue and a worker takes off.
 *
 * The host turns each top-level JSON property of a queue message into a binding expression for the
 * worker's output bindings (azure-functions-host `Utility.ApplyBindingData`), overriding the queue
 * trigger's own metadata of the same name. The names here therefore never collide with that metadata
 * (`Id`, `DequeueCount`, `QueueTrigger`, `PopReceipt`, `InsertionTime`, `ExpirationTime`,
 * `NextVisibleTime`), and `partition` and `subscriptionId` are used in the outbox path.
 */
export interface WorkItem {
  subscriptionId: string;
  /** When the timer asked for this collection (ISO 8601, UTC). */
  scheduledAt: string;
  /** `yyyy/MM/dd/HH` of `scheduledAt`: the date partition of the outbox batches this work item makes. */
  partition: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PARTITION = /^\d{4}\/\d{2}\/\d{2}\/\d{2}$/;

export function createWorkItem(subscriptionId: string, scheduledAt: Date): WorkItem {
  const iso = scheduledAt.toISOString();
  return { subscriptionId, scheduledAt: iso, partition: hourPartition(scheduledAt) };
}

/** `yyyy/MM/dd/HH` in UTC. */
export function hourPartition(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/**
 * Reads a work item as the queue trigger delivers it (JSON-parsed by `@azure/functions`).
 * @throws Error naming what is wrong; the message then goes to the poison queue, where it is alerted on.
 */
export function parseWorkItem(input: unknown): WorkItem {
  const fail = (problem: string): never => {
    throw new Error(
      `The work item is not one this collector wrote (${problem}). Work items are written by the ` +
        `scheduleCollection function; remove this message from the work queue.`,
    );
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('not a JSON object');
  const { subscriptionId, scheduledAt, partition } = input as Record<string, unknown>;
  if (typeof subscriptionId !== 'string' || !GUID.test(subscriptionId))
    return fail('"subscriptionId" is not a lowercase GUID');
  if (typeof scheduledAt !== 'string' || Number.isNaN(Date.parse(scheduledAt)))
    return fail('"scheduledAt" is not a time');
  if (typeof partition !== 'string' || !PARTITION.test(partition))
    return fail('"partition" is not yyyy/MM/dd/HH');
  return { subscriptionId, scheduledAt, partition };
}
