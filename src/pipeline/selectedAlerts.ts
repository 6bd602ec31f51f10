import type { SelectedAlert } from '../delivery/commitRun';
import { DIGEST_BYTES } from '../dedupe/fingerprint';

/** Where each digest sits in a {@link SelectedAlerts} item, and in the scratch a run computes them into. */
export const KEY_AT = 0;
export const WIRE_DIGEST_AT = DIGEST_BYTES;
export const FINGERPRINT_AT = 2 * DIGEST_BYTES;
export const ITEM_BYTES = 3 * DIGEST_BYTES;
/** Items per chunk: chunks are never copied, so an item keeps the chunk it was written to. */
const CHUNK_ITEMS = 4096;

/**
 * The alerts a run selects, their three digests packed in chunks of one Buffer each. The local runner
 * selects every new alert of a first run (a hundred thousand and more) and holds them to the commit: as
 * objects with a Buffer per digest that cost about a kilobyte each, here a small object and 36 bytes.
 */
export class SelectedAlerts {
  readonly items: SelectedAlert[] = [];
  private chunk = Buffer.alloc(0);
  private used = 0;

  get length(): number {
    return this.items.length;
  }

  /** Adds an alert whose digests are `digests[at…+ITEM_BYTES]` (key, wire digest, fingerprint), copied. */
  add(digests: Buffer, at: number, record?: string): void {
    if (this.used === this.chunk.length) {
      this.chunk = Buffer.alloc(CHUNK_ITEMS * ITEM_BYTES);
      this.used = 0;
    }
    digests.copy(this.chunk, this.used, at, at + ITEM_BYTES);
    this.items.push(new PackedAlert(this.chunk, this.used, record));
    this.used += ITEM_BYTES;
  }
}

/** A selected alert whose digests are read from its chunk; each read is a view, never a copy. */
class PackedAlert implements SelectedAlert {
  constructor(
    private readonly chunk: Buffer,
    private readonly at: number,
    readonly record: string | undefined,
  ) {}

  get key(): Buffer {
    return this.digest(KEY_AT);
  }

  get fingerprint(): Buffer {
    return this.digest(FINGERPRINT_AT);
  }

  get wireDigest(): Buffer {
    return this.digest(WIRE_DIGEST_AT);
  }

  private digest(field: number): Buffer {
    const start = this.at + field;
    return this.chunk.subarray(start, start + DIGEST_BYTES);
  }
}
