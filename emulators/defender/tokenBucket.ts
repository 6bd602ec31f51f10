/** ARM's read limit model: a bucket of `capacity` tokens refilled continuously at `refillPerSecond`. */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  /** Takes one token at `nowMs`: how many are left, or how long until one is back. */
  take(nowMs: number): { ok: true; remaining: number } | { ok: false; waitMs: number } {
    if (this.lastRefillMs !== undefined)
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.refillPerSecond,
      );
    this.lastRefillMs = nowMs;
    if (this.tokens < 1) return { ok: false, waitMs: ((1 - this.tokens) / this.refillPerSecond) * 1000 };
    this.tokens -= 1;
    return { ok: true, remaining: Math.floor(this.tokens) };
  }
}
