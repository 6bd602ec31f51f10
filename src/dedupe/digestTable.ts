import { DIGEST_BYTES } from './fingerprint';

const EMPTY = 0;

/**
 * Fixed-size records keyed by their first 12 bytes (a digest), all in one growing Buffer and found through
 * an open-addressing table of record numbers. A run adds one record per new alert: a `Map` of small Buffers
 * kept a few hundred bytes alive per alert (a string key, a Buffer object and its own memory), this keeps
 * the record itself and 8 bytes of table.
 *
 * Keys are SHA-256 prefixes, evenly spread, so their first word is the hash. A record's bytes are at
 * `offsetOf(i)` in `bytes`; both change when the table grows, so neither is kept across an {@link add}.
 */
export class DigestTable {
  /** `size * recordSize` bytes in use, then room to grow. */
  bytes: Buffer;
  private size = 0;
  /** Record number + 1 per slot, 0 when free; a power of two, at most half full. */
  private slots: Uint32Array;

  constructor(
    readonly recordSize: number,
    initialRecords = 64,
  ) {
    if (recordSize < DIGEST_BYTES)
      throw new RangeError(`a record of ${recordSize} bytes cannot hold its key`);
    this.bytes = Buffer.alloc(initialRecords * recordSize);
    this.slots = new Uint32Array(slotCountFor(initialRecords));
  }

  /** Number of records. */
  get count(): number {
    return this.size;
  }

  /** Where record `index` starts in {@link bytes}. */
  offsetOf(index: number): number {
    return index * this.recordSize;
  }

  /** The number of the record whose key is `key[keyOffset…+12]`, or -1. */
  indexOf(key: Buffer, keyOffset = 0): number {
    const mask = this.slots.length - 1;
    for (let slot = key.readUInt32LE(keyOffset) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return -1;
      if (this.hasKey(entry - 1, key, keyOffset)) return entry - 1;
    }
  }

  /**
   * Adds a record with key `key[keyOffset…+12]` and every other byte zero; returns its number. The key must
   * not be in the table already ({@link indexOf} first).
   */
  add(key: Buffer, keyOffset = 0): number {
    if (this.size * this.recordSize === this.bytes.length) this.grow(2 * this.size);
    const index = this.size;
    this.size += 1;
    const at = index * this.recordSize;
    key.copy(this.bytes, at, keyOffset, keyOffset + DIGEST_BYTES);
    this.place(index);
    return index;
  }

  /** Makes room for `more` records beyond those held, at once rather than by doubling on the way. */
  reserve(more: number): void {
    if ((this.size + more) * this.recordSize > this.bytes.length) this.grow(this.size + more);
  }

  private hasKey(index: number, key: Buffer, keyOffset: number): boolean {
    const at = index * this.recordSize;
    const bytes = this.bytes;
    return (
      bytes.readUInt32LE(at) === key.readUInt32LE(keyOffset) &&
      bytes.readUInt32LE(at + 4) === key.readUInt32LE(keyOffset + 4) &&
      bytes.readUInt32LE(at + 8) === key.readUInt32LE(keyOffset + 8)
    );
  }

  private place(index: number): void {
    const mask = this.slots.length - 1;
    let slot = this.bytes.readUInt32LE(index * this.recordSize) & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  private grow(toRecords: number): void {
    const records = Math.max(64, toRecords);
    const bytes = Buffer.alloc(records * this.recordSize);
    this.bytes.copy(bytes, 0, 0, this.size * this.recordSize);
    this.bytes = bytes;
    this.slots = new Uint32Array(slotCountFor(records));
    for (let index = 0; index < this.size; index += 1) this.place(index);
  }
}

/** A power of two at least twice the records, so that probes stay short. */
function slotCountFor(records: number): number {
  let slots = 16;
  while (slots < 2 * records) slots *= 2;
  return slots;
}
