/*
 * What the Functions host adds to the binding data from a JSON trigger payload.
 *
 * Checked against:
 * - Azure/azure-functions-host src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs
 *   (`TransformInput` calls `Utility.ApplyBindingData(input, bindingData)` before the invocation).
 * - Azure/azure-functions-host src/WebJobs.Script/Utility.cs (`ApplyBindingData`: only when `IsJson`
 *   (trimmed text starts with `{` and ends with `}`, or `[`/`]`); `JObject.Parse`, so an array or invalid
 *   JSON adds nothing; top-level properties that are not arrays; objects kept as `JObject`, everything else
 *   `(string)property.Value`; null values skipped; each assignment overrides an existing entry).
 * - Newtonsoft.Json defaults behind `JObject.Parse` and `(string)JToken`: DateParseHandling.DateTime turns
 *   ISO-8601 date-times into DateTime values, which `Convert.ToString(value, InvariantCulture)` renders as
 *   "MM/dd/yyyy HH:mm:ss" (the host quirk reported in Azure/azure-functions-host#4529 and #10732); booleans
 *   render as "True"/"False".
 */
import { BindingData, JsonObjectValue } from './bindingData';

/**
 * Adds every top-level, non-array, non-null property of a JSON-object payload to `bindingData`, converted
 * as the host converts it. Text that is not a JSON object leaves the binding data unchanged.
 */
export function applyBindingData(payload: string, bindingData: BindingData): void {
  const trimmed = payload.trim();
  if (!(trimmed.startsWith('{') && trimmed.endsWith('}'))) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return; // "it's not an error if the incoming message isn't JSON"
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null || Array.isArray(value)) continue;
    bindingData.set(name, toHostBindingValue(value));
  }
}

function toHostBindingValue(value: unknown): string | JsonObjectValue {
  if (typeof value === 'object' && value !== null)
    return new JsonObjectValue(value as Record<string, unknown>);
  return newtonsoftStringOf(value);
}

/**
 * `(string)JToken` for a JSON primitive as `JObject.Parse` read it: strings as they are unless Newtonsoft
 * recognised an ISO-8601 date-time, numbers in their shortest form, booleans as "True"/"False".
 */
export function newtonsoftStringOf(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  const text = String(value);
  const dateTime = parseNewtonsoftIsoDateTime(text);
  return dateTime === undefined ? text : invariantGeneralDateTime(dateTime);
}

// yyyy-MM-ddTHH:mm:ss, optional 1-7 fraction digits, optional Z or ±HH[:mm|mm]
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The instant Newtonsoft's ISO parser reads, as wall-clock fields: UTC for `Z` or an offset (the host's
 * local time zone is UTC on Azure), unchanged when no zone is given.
 */
function parseNewtonsoftIsoDateTime(text: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , zone] = match;
  const wallClock = Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second!);
  if (Number.isNaN(wallClock) || +month! < 1 || +month! > 12) return undefined;
  if (zone === undefined || zone === 'Z') return new Date(wallClock);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  return new Date(wallClock - offsetMinutes * 60_000);
}

/**
 * A JSON value as a `JObject` read with DateParseHandling.DateTime and written back with
 * `ToString(Formatting.None)`: ISO-8601 date-time strings come back in Newtonsoft's form (fraction trimmed;
 * `Z` kept; an offset converted to the host's local time, UTC, and written "+00:00"; no zone, none added).
 */
export function normalizeNewtonsoftDates(json: unknown): unknown {
  if (typeof json === 'string') return newtonsoftIsoRoundTrip(json);
  if (Array.isArray(json)) return json.map(normalizeNewtonsoftDates);
  if (typeof json !== 'object' || json === null) return json;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, normalizeNewtonsoftDates(v)]));
}

function newtonsoftIsoRoundTrip(text: string): string {
  const match = ISO_DATE_TIME.exec(text);
  const instant = parseNewtonsoftIsoDateTime(text);
  if (!match || instant === undefined) return text;
  const fraction = (match[7] ?? '').replace(/0+$/, '');
  const wallClock = instant.toISOString().slice(0, 19) + (fraction ? `.${fraction}` : '');
  const zone = match[8];
  if (zone === undefined) return wallClock;
  return zone === 'Z' ? `${wallClock}Z` : `${wallClock}+00:00`;
}

/** `DateTime.ToString(CultureInfo.InvariantCulture)`: "MM/dd/yyyy HH:mm:ss", fractions dropped. */
function invariantGeneralDateTime(instant: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${pad(instant.getUTCMonth() + 1)}/${pad(instant.getUTCDate())}/${pad(instant.getUTCFullYear(), 4)} ` +
    `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}`
  );
}
