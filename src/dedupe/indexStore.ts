import type { AlertIndex } from './alertIndex';

/** An index as read, with the ETag that a write must match. */
export interface LoadedIndex {
  index: AlertIndex;
  /** `undefined` when no index existed: the write then creates it only if nobody else did meanwhile. */
  etag: string | undefined;
}

/**
 * Where the hash index is kept. Reads return the ETag; writes are conditional on it, so two overlapping
 * runs can never overwrite each other's entries.
 */
export interface IndexStore {
  /** Where the index is, for messages: e.g. `'defender-alerts-index/<sub>.index'`. */
  readonly location: string;
  /**
   * @throws Error when the index exists but cannot be read or decoded, belongs to another subscription, or
   * is missing although the subscription was collected before; never returns a fresh index then.
   */
  load(): Promise<LoadedIndex>;
  /**
   * @returns the new ETag.
   * @throws IndexConflictError when the index changed since it was loaded (HTTP 412 / 409).
   */
  save(data: Buffer, etag: string | undefined): Promise<string>;
}

/** Another run wrote the index after this run read it. The run reloads, merges its batch and tries again. */
export class IndexConflictError extends Error {
  constructor(location: string, options?: ErrorOptions) {
    super(`The hash index '${location}' was changed by another run while this run was working.`, options);
    this.name = 'IndexConflictError';
  }
}

/** The message for an index that is gone although the subscription was collected before. */
export function missingIndexMessage(
  location: string,
  subscriptionId: string,
  markerLocation: string,
): string {
  return (
    `The hash index '${location}' is missing, but subscription '${subscriptionId}' was collected before ` +
    `('${markerLocation}' records it). Starting afresh would deliver every alert of the last 90 days again, ` +
    `so the run stops. Restore the index: undelete it or promote an earlier version (soft delete and ` +
    `versioning are on for the index container in the Bicep deployment; az storage blob undelete, or ` +
    `az storage blob copy start from a version). Or start afresh on purpose: 'npm run alerts -- reset-index' ` +
    `says how many alerts will be sent again and, with --yes, removes '${markerLocation}'.`
  );
}

/** The message for an index blob that holds another subscription's index. */
export function foreignIndexMessage(location: string, expected: string, found: string): string {
  return (
    `The hash index '${location}' belongs to subscription '${found}', not '${expected}'. It was left as ` +
    `it is. Check 'index_blob' (each subscription needs its own index blob), or restore the right blob.`
  );
}
