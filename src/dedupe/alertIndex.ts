import {
  decodeIndex,
  encodeIndexWith,
  ENTRY_SIZE,
  FINGERPRINT_OFFSET,
  FIRST_SEEN_OFFSET,
  LAST_SEEN_OFFSET,
  STATE_OFFSET,
  WIRE_DIGEST_OFFSET,
  type IndexHeader,
  type PendingBatch,
} from './indexFormat';
import { DIGEST_BYTES } from './fingerprint';
import { DigestTable } from './digestTable';

/** State word: high bit = "some version of this alert was delivered once"; low 31 bits = delivery state. */
const EVER_DELIVERED = 0x80000000;
const BATCH_MASK = 0x7fffffff;
/** The fingerprint stored was delivered (confirmed). */
const DELIVERED = 0;
/** The fingerprint stored was sent in a batch that was never confirmed: it must be sent again. */
const UNDELIVERED = BATCH_MASK;

export type DedupeMode = 'content' | 'id';
/**
 * What a run must do with an alert it has just listed: `new` (never seen), `retry` (seen, sent, but never
 * confirmed delivered), `updated` (content changed since it was delivered), `unchanged`, `inFlight`
 * (an unsettled batch of an earlier run is delivering this very content), or `duplicate` (this listing
 * already returned this id: only its first occurrence counts).
 */
export type AlertDisposition = 'new' | 'retry' | 'updated' | 'unchanged' | 'inFlight' | 'duplicate';

/** One alert chosen for delivery, as recorded in the index when the run commits. */
export interface BatchItem {
  key: Buffer;
  /** Digest of the canonical content: what "same content" means. */
  fingerprint: Buffer;
  /** Digest of the content as listed (see `wireDigest`); absent, the next listing takes the slow path once. */
  wireDigest?: Buffer;
}

const NO_WIRE_DIGEST = Buffer.alloc(DIGEST_BYTES);

/** What the index alone tells about delivery: its entries by state (see {@link AlertIndex.stateCounts}). */
export interface IndexStateCounts {
  /** Entries whose stored content was delivered (confirmed). */
  delivered: number;
  /** Entries in a batch that is not settled yet: it may still reach the outbox. */
  pending: number;
  /** Entries of a batch that never reached the outbox: the next run sends them again. */
  undelivered: number;
  /** Of the pending and undelivered entries, those of which no version was ever delivered. */
  neverDelivered: number;
  /**
   * When the collector first listed the earliest never-delivered alert (seconds since the epoch);
   * `undefined` when there is none. Alerts left for a later run by `max_alerts_per_run` are not in the index.
   */
  oldestNeverDeliveredFirstSeenInSeconds: number | undefined;
}

/**
 * The hash index of one subscription in memory: sorted fixed-size entries searched in place, plus a table
 * of the entries added by this run, merged back in order when the index is encoded. Nothing is kept per
 * alert but fixed-size bytes, so a run of a million new alerts holds tens of megabytes, not hundreds.
 */
export class AlertIndex {
  private readonly added = new DigestTable(ENTRY_SIZE);
  /**
   * Entries the current listing has returned (see {@link startListing}): a byte per loaded entry, and the
   * keys the index lacks. `undefined` outside a listing.
   */
  private listing: { slots: Uint8Array; newKeys: DigestTable } | undefined;

  private constructor(
    readonly header: IndexHeader,
    private entries: Buffer,
    private count: number,
  ) {}

  static empty(subscriptionId: string): AlertIndex {
    const header: IndexHeader = {
      format: 'defender-alerts-index',
      subscriptionId,
      updatedAt: new Date(0).toISOString(),
      nextBatchSeq: 1,
      pendingBatches: [],
      recentCommits: [],
    };
    return new AlertIndex(header, Buffer.alloc(0), 0);
  }

  /** @throws Error when the data is damaged; see {@link decodeIndex}. */
  static decode(data: Buffer, where: string): AlertIndex {
    const { header, entries, count } = decodeIndex(data, where);
    return new AlertIndex(header, entries, count);
  }

  /** Number of alerts the index remembers. */
  get size(): number {
    return this.count + this.added.count;
  }

  /** Counts the entries by delivery state. Reads only: the index is left exactly as it was. */
  stateCounts(): IndexStateCounts {
    const counts: IndexStateCounts = {
      delivered: 0,
      pending: 0,
      undelivered: 0,
      neverDelivered: 0,
      oldestNeverDeliveredFirstSeenInSeconds: undefined,
    };
    const count = (entry: Buffer, base: number): void => {
      const state = entry.readUInt32LE(base + STATE_OFFSET);
      const batch = state & BATCH_MASK;
      if (batch === DELIVERED) {
        counts.delivered += 1;
        return;
      }
      if (batch === UNDELIVERED) counts.undelivered += 1;
      else counts.pending += 1;
      if ((state & EVER_DELIVERED) !== 0) return;
      counts.neverDelivered += 1;
      const firstSeen = entry.readUInt32LE(base + FIRST_SEEN_OFFSET);
      const oldest = counts.oldestNeverDeliveredFirstSeenInSeconds;
      if (oldest === undefined || firstSeen < oldest)
        counts.oldestNeverDeliveredFirstSeenInSeconds = firstSeen;
    };
    for (let offset = 0; offset < this.count * ENTRY_SIZE; offset += ENTRY_SIZE) count(this.entries, offset);
    for (let offset = 0; offset < this.added.count * ENTRY_SIZE; offset += ENTRY_SIZE)
      count(this.added.bytes, offset);
    return counts;
  }

  /**
   * Decides what to do with a listed alert and records that it was seen now. An alert that a pending
   * batch is delivering with the same content is `inFlight`: neither sent again nor counted as new.
   */
  classify(key: Buffer, fingerprint: Buffer, mode: DedupeMode, nowInSeconds: number): AlertDisposition {
    return this.classifyListed(key, undefined, () => fingerprint, mode, nowInSeconds);
  }

  /**
   * {@link classify} with the fast path: when the wire digest equals the stored one the content is the
   * same and `fingerprint` is never called; it is called only when the digests differ.
   */
  classifyListed(
    key: Buffer,
    wire: Buffer | undefined,
    fingerprint: () => Buffer,
    mode: DedupeMode,
    nowInSeconds: number,
  ): AlertDisposition {
    // Offsets into the loaded entries rather than a view per lookup: this runs once per listed alert.
    const slot = this.search(key);
    if (this.listedBefore(slot, key)) return 'duplicate';
    const addedAt = slot < 0 && this.added.count > 0 ? this.added.indexOf(key) : -1;
    if (slot < 0 && addedAt < 0) return 'new';
    const entry = slot >= 0 ? this.entries : this.added.bytes;
    const base = slot >= 0 ? slot * ENTRY_SIZE : addedAt * ENTRY_SIZE;
    entry.writeUInt32LE(nowInSeconds, base + LAST_SEEN_OFFSET);
    const state = entry.readUInt32LE(base + STATE_OFFSET);
    const batch = state & BATCH_MASK;
    const everDelivered = (state & EVER_DELIVERED) !== 0;
    if (mode === 'id' && everDelivered) return 'unchanged';
    if (batch === UNDELIVERED) return everDelivered ? 'updated' : 'retry';
    if (mode === 'id') return batch === DELIVERED ? 'unchanged' : 'inFlight';
    const sameContent = this.hasContent(entry, base, wire, fingerprint);
    if (sameContent) return batch === DELIVERED ? 'unchanged' : 'inFlight';
    return everDelivered ? 'updated' : 'retry';
  }

  /**
   * Starts a listing: from now on {@link classifyListed} answers `duplicate` for an id it has already seen.
   * An id must be handled once per run: two versions of one alert in a listing would otherwise both be sent,
   * and flip the index between them every run.
   */
  startListing(): void {
    this.listing = { slots: new Uint8Array(this.count), newKeys: new DigestTable(DIGEST_BYTES) };
  }

  /** Ends the listing {@link startListing} started, and lets go of what it remembered. */
  endListing(): void {
    this.listing = undefined;
  }

  /** Records that the listing returned `key`; true when it had already. */
  private listedBefore(slot: number, key: Buffer): boolean {
    const listing = this.listing;
    if (listing === undefined) return false;
    if (slot >= 0) {
      if (listing.slots[slot] === 1) return true;
      listing.slots[slot] = 1;
      return false;
    }
    if (listing.newKeys.indexOf(key) >= 0) return true;
    listing.newKeys.add(key);
    return false;
  }

  private hasContent(
    entry: Buffer,
    base: number,
    wire: Buffer | undefined,
    fingerprint: () => Buffer,
  ): boolean {
    const wireAt = base + WIRE_DIGEST_OFFSET;
    if (wire !== undefined && sameDigest(entry, wireAt, wire) && !sameDigest(entry, wireAt, NO_WIRE_DIGEST))
      return true;
    const same = sameDigest(entry, base + FINGERPRINT_OFFSET, fingerprint());
    // Same content in another key order: remember this order so the next listing takes the fast path.
    if (same && wire !== undefined) wire.copy(entry, wireAt, 0, DIGEST_BYTES);
    return same;
  }

  /** True when this alert (any version) or this exact content is already delivered or being delivered. */
  covers(item: BatchItem, mode: DedupeMode): boolean {
    const entry = this.find(item.key);
    if (entry === undefined) return false;
    const state = entry.readUInt32LE(STATE_OFFSET);
    if ((state & BATCH_MASK) === UNDELIVERED) return false;
    if (mode === 'id') return true;
    return sameDigest(entry, FINGERPRINT_OFFSET, item.fingerprint);
  }

  /** Records the items as being delivered by `batch`, which a later run confirms or rejects. */
  addPendingBatch(
    batch: Omit<PendingBatch, 'seq'>,
    items: readonly BatchItem[],
    nowInSeconds: number,
  ): PendingBatch {
    const pending: PendingBatch = { ...batch, seq: this.header.nextBatchSeq };
    // Wrap well before UNDELIVERED; sequences of batches still pending then are long resolved.
    this.header.nextBatchSeq = pending.seq >= UNDELIVERED - 1 ? 1 : pending.seq + 1;
    this.header.pendingBatches.push(pending);
    this.added.reserve(items.length);
    for (const item of items) {
      const entry = this.writeItem(item, nowInSeconds);
      const everDelivered = entry.readUInt32LE(STATE_OFFSET) & EVER_DELIVERED;
      entry.writeUInt32LE((everDelivered | pending.seq) >>> 0, STATE_OFFSET);
    }
    return pending;
  }

  /** Records items already written by the sink itself (the local runner) as delivered, with no batch. */
  recordDelivered(items: readonly BatchItem[], nowInSeconds: number): void {
    this.added.reserve(items.length);
    for (const item of items) {
      this.writeItem(item, nowInSeconds).writeUInt32LE((EVER_DELIVERED | DELIVERED) >>> 0, STATE_OFFSET);
    }
  }

  /** The entry of `item`, added if new, with its digests and last-seen time updated; state left to the caller. */
  private writeItem({ key, fingerprint, wireDigest }: BatchItem, nowInSeconds: number): Buffer {
    let entry = this.find(key);
    if (entry === undefined) {
      const at = this.added.offsetOf(this.added.add(key));
      entry = this.added.bytes.subarray(at, at + ENTRY_SIZE);
      entry.writeUInt32LE(nowInSeconds, FIRST_SEEN_OFFSET);
    }
    fingerprint.copy(entry, FINGERPRINT_OFFSET, 0, DIGEST_BYTES);
    (wireDigest ?? NO_WIRE_DIGEST).copy(entry, WIRE_DIGEST_OFFSET, 0, DIGEST_BYTES);
    entry.writeUInt32LE(nowInSeconds, LAST_SEEN_OFFSET);
    return entry;
  }

  /** Settles a pending batch: its entries become delivered, or undelivered so that they are sent again. */
  settleBatch(seq: number, delivered: boolean): void {
    const settle = (entry: Buffer, offset: number): void => {
      const state = entry.readUInt32LE(offset + STATE_OFFSET);
      if ((state & BATCH_MASK) !== seq) return;
      const next = delivered ? (EVER_DELIVERED | DELIVERED) >>> 0 : (state & EVER_DELIVERED) | UNDELIVERED;
      entry.writeUInt32LE(next >>> 0, offset + STATE_OFFSET);
    };
    for (let offset = 0; offset < this.count * ENTRY_SIZE; offset += ENTRY_SIZE) settle(this.entries, offset);
    for (let offset = 0; offset < this.added.count * ENTRY_SIZE; offset += ENTRY_SIZE)
      settle(this.added.bytes, offset);
    this.header.pendingBatches = this.header.pendingBatches.filter((batch) => batch.seq !== seq);
  }

  /**
   * Serialises the index, leaving out alerts not seen since `pruneBeforeInSeconds` (when given: only after a
   * complete listing, or alerts that were merely not listed this time would be forgotten).
   */
  encode(updatedAt: Date, pruneBeforeInSeconds?: number): { data: Buffer; pruned: number } {
    this.header.updatedAt = updatedAt.toISOString();
    let pruned = 0;
    const data = encodeIndexWith(this.header, this.size, (into) => {
      const merged = this.mergeInto(into, pruneBeforeInSeconds);
      pruned = merged.pruned;
      return merged.written;
    });
    return { data, pruned };
  }

  /** Writes the loaded and the added entries into `into` in key order, but those to prune. */
  private mergeInto(
    into: Buffer,
    pruneBeforeInSeconds: number | undefined,
  ): { written: number; pruned: number } {
    const added = this.added.bytes;
    const addedOrder = this.addedInKeyOrder();
    let written = 0;
    let pruned = 0;
    const keep = (source: Buffer, offset: number): void => {
      if (
        pruneBeforeInSeconds !== undefined &&
        source.readUInt32LE(offset + LAST_SEEN_OFFSET) < pruneBeforeInSeconds
      ) {
        pruned += 1;
        return;
      }
      source.copy(into, written * ENTRY_SIZE, offset, offset + ENTRY_SIZE);
      written += 1;
    };
    let i = 0;
    let j = 0;
    while (i < this.count || j < addedOrder.length) {
      const next = j < addedOrder.length ? addedOrder[j]! * ENTRY_SIZE : -1;
      if (next < 0 || (i < this.count && compareKeys(this.entries, i * ENTRY_SIZE, added, next) < 0)) {
        keep(this.entries, i * ENTRY_SIZE);
        i += 1;
      } else {
        keep(added, next);
        j += 1;
      }
    }
    return { written, pruned };
  }

  /** The numbers of the added entries, in ascending key order. */
  private addedInKeyOrder(): Uint32Array {
    const added = this.added.bytes;
    const order = new Uint32Array(this.added.count);
    for (let index = 0; index < order.length; index += 1) order[index] = index;
    return order.sort((a, b) => compareKeys(added, a * ENTRY_SIZE, added, b * ENTRY_SIZE));
  }

  private find(key: Buffer): Buffer | undefined {
    const slot = this.search(key);
    if (slot >= 0) return this.entries.subarray(slot * ENTRY_SIZE, (slot + 1) * ENTRY_SIZE);
    const added = this.added.count > 0 ? this.added.indexOf(key) : -1;
    if (added < 0) return undefined;
    const at = this.added.offsetOf(added);
    return this.added.bytes.subarray(at, at + ENTRY_SIZE);
  }

  /**
   * Finds a key among the sorted entries by interpolation search. Keys are SHA-256 digests, spread evenly,
   * so the first word of a key predicts its position: about three probes instead of the twenty of a binary
   * search, and each probe over a large index is a cache miss, which made lookup the slowest step of a large
   * run. After a few probes it falls back to bisection, so no key order can make it slow.
   */
  private search(key: Buffer): number {
    const entries = this.entries;
    const k0 = key.readUInt32BE(0);
    const k1 = key.readUInt32BE(4);
    const k2 = key.readUInt32BE(8);
    // Exclusive bounds, each with the first word found there (the key space's ends to begin with), so a
    // probe reads only the one entry it lands on.
    let below = -1;
    let belowWord = 0;
    let above = this.count;
    let aboveWord = 0x100000000;
    for (let probes = 0; above - below > 1; probes += 1) {
      const span = above - below - 1;
      const guess =
        probes < 8 && aboveWord > belowWord
          ? below + 1 + Math.floor(((k0 - belowWord) / (aboveWord - belowWord)) * span)
          : below + 1 + (span >>> 1);
      const slot = Math.min(above - 1, Math.max(below + 1, guess));
      const order = this.compareAt(slot, k0, k1, k2);
      if (order === 0) return slot;
      if (order < 0) {
        below = slot;
        belowWord = entries.readUInt32BE(slot * ENTRY_SIZE);
      } else {
        above = slot;
        aboveWord = entries.readUInt32BE(slot * ENTRY_SIZE);
      }
    }
    return -1;
  }

  /** Sign of (entry at `slot`) − (key given as three big-endian words). */
  private compareAt(slot: number, k0: number, k1: number, k2: number): number {
    const offset = slot * ENTRY_SIZE;
    const entries = this.entries;
    let order = entries.readUInt32BE(offset) - k0;
    if (order === 0) order = entries.readUInt32BE(offset + 4) - k1;
    if (order === 0) order = entries.readUInt32BE(offset + 8) - k2;
    return order;
  }
}

/** Sign of (key at `a[aAt]`) − (key at `b[bAt]`), word by word (see {@link sameDigest}). */
function compareKeys(a: Buffer, aAt: number, b: Buffer, bAt: number): number {
  return (
    a.readUInt32BE(aAt) - b.readUInt32BE(bAt) ||
    a.readUInt32BE(aAt + 4) - b.readUInt32BE(bAt + 4) ||
    a.readUInt32BE(aAt + 8) - b.readUInt32BE(bAt + 8)
  );
}

/**
 * Compares a 12-byte digest stored at `offset` with `digest`, word by word: on the hot path of a listing,
 * three reads beat a native `Buffer.compare` call.
 */
function sameDigest(entry: Buffer, offset: number, digest: Buffer): boolean {
  return (
    entry.readUInt32LE(offset) === digest.readUInt32LE(0) &&
    entry.readUInt32LE(offset + 4) === digest.readUInt32LE(4) &&
    entry.readUInt32LE(offset + 8) === digest.readUInt32LE(8)
  );
}
