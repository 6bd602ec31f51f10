import { AlertIndex } from './alertIndex';
import { InMemoryCollectionMarker, type CollectionMarker } from './collectionMarker';
import {
  foreignIndexMessage,
  IndexConflictError,
  missingIndexMessage,
  type IndexStore,
  type LoadedIndex,
} from './indexStore';

/** An {@link IndexStore} in memory with the blob store's rules (ETags, marker, subscription), for tests. */
export class InMemoryIndexStore implements IndexStore {
  readonly location = 'memory/index';
  data: Buffer | undefined;
  private version = 0;
  saves = 0;

  constructor(
    private readonly subscriptionId: string,
    readonly marker: CollectionMarker = new InMemoryCollectionMarker(),
  ) {}

  get etag(): string | undefined {
    return this.data === undefined ? undefined : `"${this.version}"`;
  }

  async load(): Promise<LoadedIndex> {
    if (this.data === undefined) {
      if (await this.marker.exists())
        throw new Error(missingIndexMessage(this.location, this.subscriptionId, this.marker.location));
      return { index: AlertIndex.empty(this.subscriptionId), etag: undefined };
    }
    const index = AlertIndex.decode(Buffer.from(this.data), this.location);
    if (index.header.subscriptionId.toLowerCase() !== this.subscriptionId)
      throw new Error(foreignIndexMessage(this.location, this.subscriptionId, index.header.subscriptionId));
    return { index, etag: this.etag };
  }

  async save(data: Buffer, etag: string | undefined): Promise<string> {
    if (etag !== this.etag) throw new IndexConflictError(this.location);
    this.data = Buffer.from(data);
    this.version += 1;
    this.saves += 1;
    if (etag === undefined) await this.marker.record(new Date());
    return this.etag!;
  }
}
