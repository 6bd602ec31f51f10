/*
 * What an output value set by a Node.js handler becomes by the time the host writes it.
 *
 * Checked against:
 * - Azure/azure-functions-nodejs-library src/converters/toRpcTypedData.ts (string → string, Buffer and
 *   typed arrays → bytes, integer → int, other number → double, anything else → JSON.stringify).
 * - Azure/azure-functions-host src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs
 *   (`ToObject`: json → JsonConvert.DeserializeObject with DateParseHandling.None).
 * - Azure/azure-functions-host src/WebJobs.Script/Binding/FunctionBinding.cs: `ReadAsEnumerable` (a JArray
 *   is one item per element; a string that looks like JSON is parsed with JToken.Parse, an array giving one
 *   item per element; anything else is one item), `BindAsyncCollectorAsync<byte[]>` (bytes as they are,
 *   anything else `ToString()` as UTF-8: JObject/JArray indented, JValue strings raw, booleans
 *   "True"/"False") and `ConvertValueToStream` (bytes; string UTF-8; long → 4-byte int; double → 8 bytes;
 *   bool → 1 byte; JToken → ToString(Formatting.None)).
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/BindingProviders/
 *   AsyncCollectorBindingProvider.cs (default type for script outputs: IAsyncCollector<byte[]> first, which
 *   the queue and Event Hubs extensions both convert from).
 */
import { normalizeNewtonsoftDates, newtonsoftStringOf } from './applyBindingData';

/** A handler's output value as the host holds it after the gRPC round trip. */
export type HostOutputValue =
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Buffer }
  | { kind: 'int'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'json'; value: object };

/** The host's view of a handler's output value; `undefined` for null/undefined (not written). */
export function toHostOutputValue(value: unknown): HostOutputValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { kind: 'string', value };
  if (Buffer.isBuffer(value)) return { kind: 'bytes', value };
  if (ArrayBuffer.isView(value))
    return { kind: 'bytes', value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
  if (value instanceof ArrayBuffer) return { kind: 'bytes', value: Buffer.from(value) };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { kind: 'int', value } : { kind: 'double', value };
  const json = JSON.parse(JSON.stringify(value)) as unknown;
  if (typeof json === 'boolean') return { kind: 'bool', value: json };
  if (typeof json === 'string') return { kind: 'string', value: json };
  if (typeof json === 'number')
    return Number.isInteger(json) ? { kind: 'int', value: json } : { kind: 'double', value: json };
  return { kind: 'json', value: json as object };
}

/** The messages (queue) or events (Event Hubs) one output value becomes, as the bytes each carries. */
export function toCollectorItems(output: HostOutputValue): Buffer[] {
  return readAsEnumerable(output).map((item) => (Buffer.isBuffer(item) ? item : Buffer.from(item, 'utf8')));
}

function readAsEnumerable(output: HostOutputValue): (Buffer | string)[] {
  switch (output.kind) {
    case 'json':
      // Deserialized with DateParseHandling.None: strings stay strings.
      return Array.isArray(output.value)
        ? output.value.map((token) => jTokenToString(token, { datesParsed: false }))
        : [indentedJson(output.value)];
    case 'string':
      return looksLikeJson(output.value) ? parsedJsonItems(output.value) : [output.value];
    case 'bytes':
      return [output.value];
    case 'bool':
      return [output.value ? 'True' : 'False'];
    default:
      return [String(output.value)];
  }
}

/** `Utility.IsJson`: trimmed text starting with `{` and ending with `}`, or `[`/`]`. */
function looksLikeJson(text: string): boolean {
  const trimmed = text.trim();
  return (
    (trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))
  );
}

/** `JToken.Parse` (dates parsed as DateTime) then one item per array element. */
function parsedJsonItems(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = normalizeNewtonsoftDates(JSON.parse(text));
  } catch (error) {
    throw new Error(`The output value looks like JSON but does not parse: ${(error as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((token) => jTokenToString(token, { datesParsed: true }));
}

/**
 * `JToken.ToString()`: containers as indented JSON, null as "", booleans "True"/"False", strings raw unless
 * the reader turned them into DateTime values.
 */
function jTokenToString(token: unknown, { datesParsed }: { datesParsed: boolean }): string {
  if (token === null) return '';
  if (typeof token === 'object') return indentedJson(token);
  if (typeof token === 'string' && !datesParsed) return token;
  return newtonsoftStringOf(token);
}

/** Newtonsoft's Formatting.Indented: two spaces, "\n" line ends on a Linux host. */
function indentedJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** The bytes a blob output writes for one output value (`ConvertValueToStream`). */
export function toBlobContent(output: HostOutputValue): Buffer {
  switch (output.kind) {
    case 'bytes':
      return output.value;
    case 'string':
      return Buffer.from(output.value, 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(output.value), 'utf8');
    case 'int': {
      const bytes = Buffer.alloc(4);
      bytes.writeInt32LE(Number(BigInt.asIntN(32, BigInt(output.value))));
      return bytes;
    }
    case 'double': {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleLE(output.value);
      return bytes;
    }
    case 'bool':
      return Buffer.from([output.value ? 1 : 0]);
  }
}
