/** When Defender generated the alert: what its 90-day retention counts from; `undefined` when unknown. */
export function alertTime(alert: unknown): Date | undefined {
  const properties = (alert as { properties?: { timeGeneratedUtc?: unknown; startTimeUtc?: unknown } } | null)
    ?.properties;
  const value = properties?.timeGeneratedUtc ?? properties?.startTimeUtc;
  if (typeof value !== 'string') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
