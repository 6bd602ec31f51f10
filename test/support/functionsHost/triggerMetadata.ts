/*
 * `context.triggerMetadata` as a Node.js function receives it: the host's binding data sent over gRPC,
 * then converted by @azure/functions.
 *
 * Checked against:
 * - Azure/azure-functions-host src/WebJobs.Script.Grpc/Extensions/ScriptInvocationContextExtensions.cs
 *   (every binding-data entry becomes trigger metadata except null values and `sys` holding the
 *   SystemBindingData).
 * - Azure/azure-functions-host src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs
 *   (`ToRpc`: string → `string`; JObject → `json` via ToString(Formatting.None); anything else, long and
 *   DateTimeOffset included → `json` via JsonConvert.SerializeObject).
 * - Azure/azure-functions-nodejs-library src/converters/fromRpcTriggerMetadata.ts, fromRpcTypedData.ts
 *   (`string` is JSON-parsed when it parses; `json` is JSON-parsed) and toCamelCase.ts (first letter of
 *   every key lower-cased, nested keys included).
 */
import type { TriggerMetadata } from '@azure/functions';
import { normalizeNewtonsoftDates } from './applyBindingData';
import {
  type BindingData,
  type BindingDataValue,
  DateTimeOffsetValue,
  JsonObjectValue,
  SystemBindingData,
} from './bindingData';

/** Converts the host's binding data into the `triggerMetadata` the handler sees. */
export function toTriggerMetadata(bindingData: BindingData): TriggerMetadata {
  const metadata: TriggerMetadata = {};
  for (const [key, value] of bindingData.entries()) {
    if (key.toLowerCase() === 'sys' && value instanceof SystemBindingData) continue;
    metadata[toCamelCaseKey(key)] = toCamelCaseValue(throughRpc(value));
  }
  return metadata;
}

/** The value @azure/functions rebuilds from the host's TypedData for one entry. */
function throughRpc(value: BindingDataValue): unknown {
  if (typeof value === 'string') return tryJsonParse(value);
  if (typeof value === 'number') return value;
  if (value instanceof DateTimeOffsetValue) return newtonsoftDateTimeOffset(value.instant);
  if (value instanceof JsonObjectValue) return normalizeNewtonsoftDates(value.json);
  return {
    MethodName: value.methodName,
    UtcNow: value
      .utcNow()
      .toISOString()
      .replace(/\.?0+Z$/, 'Z'),
    RandGuid: value.newGuid(),
  };
}

/** Newtonsoft's ISO rendering of a UTC DateTimeOffset: fraction trimmed, "+00:00" offset. */
export function newtonsoftDateTimeOffset(instant: Date): string {
  return instant.toISOString().replace(/\.?0*Z$/, '+00:00');
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toCamelCaseKey(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

function toCamelCaseValue(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  if (Array.isArray(data)) return data.map(toCamelCaseValue);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [toCamelCaseKey(k), toCamelCaseValue(v)]));
}
