import { AlertIndex } from './alertIndex';
import { IndexConflictError, type IndexStore, type LoadedIndex } from './indexStore';

/** An {@link IndexStore} in memory with the blob's ETag rules, for unit tests. */
export class InMemoryIndexStore implements IndexStore {
  readonly location = 'memory/index';
  data: Buffer | undefined;
  private version = 0;
  saves = 0;

  constructor(private readonly subscriptionId: string) {}

  get etag(): string | undefined {
    return this.data === undefined ? undefined : `"${this.version}"`;
  }

  async load(): Promise<LoadedIndex> {
    await Promise.resolve();
    if (this.data === undefined) return { index: AlertIndex.empty(this.subscriptionId), etag: undefined };
    return { index: AlertIndex.decode(Buffer.from(this.data), this.location), etag: this.etag };
  }

  save(data: Buffer, etag: string | undefined): Promise<string> {
    if (etag !== this.etag) return Promise.reject(new IndexConflictError(this.location));
    this.data = Buffer.from(data);
    this.version += 1;
    this.saves += 1;
    return Promise.resolve(this.etag!);
  }
}
