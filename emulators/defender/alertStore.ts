/**
 * Random access to a list of alerts that need not exist in memory. Lets the emulator serve a million
 * generated alerts by producing only the page being requested.
 */
export interface AlertSource {
  readonly length: number;
  /** The alert at `index` (0 ≤ index < length). Must return the same value on every call. */
  at(index: number): unknown;
}

/** Wraps an array as an {@link AlertSource}; the array is copied, its elements are not. */
export function arraySource(alerts: readonly unknown[]): AlertSource {
  const copy = alerts.slice();
  return { length: copy.length, at: (index) => copy[index] };
}

function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
}

/**
 * The emulator's alert list: a base {@link AlertSource} plus the changes tests made through the
 * control API. Alerts are kept exactly as given; changes replace whole objects instead of mutating them,
 * so a test's own copy of an alert never changes behind its back.
 */
export class AlertStore {
  private base: AlertSource = arraySource([]);
  private readonly replaced = new Map<number, unknown>();
  private readonly appended: unknown[] = [];

  get length(): number {
    return this.base.length + this.appended.length;
  }

  /** Replaces everything, forgetting earlier upserts and patches. */
  reset(source: AlertSource): void {
    this.base = source;
    this.replaced.clear();
    this.appended.length = 0;
  }

  at(index: number): unknown {
    if (index >= this.base.length) return this.appended[index - this.base.length];
    return this.replaced.has(index) ? this.replaced.get(index) : this.base.at(index);
  }

  /** Alerts in [start, end), clamped to the list. */
  slice(start: number, end: number): unknown[] {
    const page: unknown[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) page.push(this.at(i));
    return page;
  }

  /**
   * Position of the alert whose `id` equals `id`, or -1. A linear scan, which for a generated source
   * means generating every alert: fine for the sizes tests that modify alerts use.
   */
  indexOf(id: string): number {
    for (let i = 0; i < this.length; i++) if (idOf(this.at(i)) === id) return i;
    return -1;
  }

  /** Replaces the alert with the same `id`, or appends it (as the service shows a new alert last). */
  upsert(alert: unknown): void {
    const id = idOf(alert);
    const index = typeof id === 'string' ? this.indexOf(id) : -1;
    if (index < 0) this.appended.push(alert);
    else this.set(index, alert);
  }

  set(index: number, alert: unknown): void {
    if (index >= this.base.length) this.appended[index - this.base.length] = alert;
    else this.replaced.set(index, alert);
  }
}
