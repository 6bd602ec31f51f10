/*
 * The host's binding data: the case-insensitive dictionary binding expressions and trigger metadata read.
 *
 * Checked against:
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/FunctionBinding.cs
 *   (`NewBindingContext`: `new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)`, trigger data
 *   copied in, then `SystemBindingData.AddToBindingData` adds `sys`).
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/SystemBindingData.cs (`sys`:
 *   MethodName, UtcNow, RandGuid; added under `$sys` when the trigger data already has `sys`).
 * - .NET `Dictionary<TKey,TValue>` indexer set: an existing key keeps its original spelling.
 */

/** A .NET `DateTimeOffset` in the binding data (the queue message's timestamps). */
export class DateTimeOffsetValue {
  constructor(readonly instant: Date) {}
}

/** A Newtonsoft `JObject` in the binding data (a message's nested JSON object). */
export class JsonObjectValue {
  constructor(readonly json: Record<string, unknown>) {}
}

/** The host's `sys` object: `{sys.randguid}`, `{sys.utcnow}`, `{sys.methodname}`. */
export class SystemBindingData {
  constructor(
    readonly methodName: string,
    readonly utcNow: () => Date,
    readonly newGuid: () => string,
  ) {}
}

/** What a binding-data entry can hold, each kind converting to text as its .NET counterpart does. */
export type BindingDataValue = string | number | DateTimeOffsetValue | JsonObjectValue | SystemBindingData;

/**
 * A case-insensitive dictionary in insertion order, like the host's
 * `Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)`: setting an existing key replaces the
 * value and keeps the key's first spelling.
 */
export class BindingData {
  readonly #entries = new Map<string, { key: string; value: BindingDataValue }>();

  set(key: string, value: BindingDataValue): void {
    const existing = this.#entries.get(key.toLowerCase());
    this.#entries.set(key.toLowerCase(), { key: existing?.key ?? key, value });
  }

  get(key: string): BindingDataValue | undefined {
    return this.#entries.get(key.toLowerCase())?.value;
  }

  has(key: string): boolean {
    return this.#entries.has(key.toLowerCase());
  }

  /** Entries with each key as first spelled. */
  entries(): [string, BindingDataValue][] {
    return [...this.#entries.values()].map(({ key, value }) => [key, value]);
  }

  /** Adds `sys` as the host does: under `$sys` when the data already has a `sys` entry. */
  addSystemBindingData(system: SystemBindingData): void {
    this.set(this.has('sys') ? '$sys' : 'sys', system);
  }
}
