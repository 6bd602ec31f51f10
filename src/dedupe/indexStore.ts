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
  /** @throws Error when the index exists but cannot be read or decoded; never returns a fresh index then. */
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
