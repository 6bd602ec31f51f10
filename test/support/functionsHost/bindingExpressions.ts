/*
 * Binding expressions in output bindings (`path`, `queueName`, `eventHubName`): `{name}`, `{a.b}`,
 * `{name:format}`, `{DateTime}`, `{DateTime:yyyy-MM-dd}`, `{rand-guid}`, `{sys.randguid}`, `{{`/`}}`.
 *
 * Checked against Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/:
 * - Path/BindingTemplateParser.cs (tokens, identifier rule, "Invalid template ..." messages),
 * - Path/BindingTemplateToken.cs (`NewExpression`: built-ins "rand-guid"/"datetime" matched by prefix and
 *   keep their `:format` in the name; other expressions split `name:format`, then `a.b.c`; `Evaluate`:
 *   binding data first, built-in second, "No value for named parameter '{0}'.", case-insensitive JObject
 *   lookup, "Error while accessing '{0}': property doesn't exist."),
 * - Path/BindingParameterResolver.cs (rand-guid: new Guid; datetime: DateTime.UtcNow),
 * - BindingDataPathHelper.cs (`ConvertParameterValueToString`: strings as they are, integers invariant,
 *   DateTime default "yyyy-MM-ddTHH-mm-ssK", Guid "D", JSON primitives via ToString(), anything else —
 *   DateTimeOffset and JObject included — null, which appends nothing).
 */
import { formatDotNetDateTime, formatDotNetGuid } from './dotNetFormats';
import { type BindingData, DateTimeOffsetValue, JsonObjectValue, SystemBindingData } from './bindingData';

/** The clock and GUID source built-ins use (`DateTime.UtcNow`, `Guid.NewGuid()`). */
export interface BuiltInSources {
  now: () => Date;
  newGuid: () => string;
}

type Token = { literal: string } | { expression: Expression };
interface Expression {
  parts: string[];
  format: string | undefined;
  builtIn: 'rand-guid' | 'datetime' | undefined;
}

const BUILT_INS = ['rand-guid', 'datetime'] as const;
const IDENTIFIER = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Pc}\p{Mn}\p{Mc}\p{Cf}.-]*$/u;
const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|([^{}]+)|([{}])/g;

/**
 * Resolves a binding template against the invocation's binding data as the host does when it binds an
 * output. Names are case-insensitive; values convert to text as the host converts them.
 * @throws Error with the host's message for a malformed template, an unknown `{name}`
 *   ("No value for named parameter 'name'.") or a missing `{a.b}` property.
 */
export function resolveBindingExpression(
  template: string,
  bindingData: BindingData,
  sources: BuiltInSources,
): string {
  return parseTemplate(template)
    .map((token) => ('literal' in token ? token.literal : evaluate(token.expression, bindingData, sources)))
    .join('');
}

function parseTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  for (const match of template.matchAll(TOKEN)) {
    const [text, parameter, literal, unbalanced] = match;
    const position = match.index + 1;
    if (text === '{{' || text === '}}') tokens.push({ literal: text[0]! });
    else if (literal !== undefined) tokens.push({ literal });
    else if (unbalanced !== undefined)
      throw new Error(
        `Invalid template '${template}'. Missing ${unbalanced === '{' ? 'closing' : 'opening'} bracket at position ${position}.`,
      );
    else if (!parameter)
      throw new Error(`Invalid template '${template}'. The parameter name at position ${position} is empty.`);
    else tokens.push({ expression: parseExpression(parameter, template) });
  }
  return tokens;
}

function parseExpression(text: string, template: string): Expression {
  const builtIn = BUILT_INS.find((name) => text.toLowerCase().startsWith(name));
  let expression = text;
  let format: string | undefined;
  if (builtIn === undefined && text.indexOf(':') > 0) {
    format = text.slice(text.indexOf(':') + 1);
    expression = text.slice(0, text.indexOf(':'));
  }
  if (builtIn === undefined && !IDENTIFIER.test(expression))
    throw new Error(`Invalid template '${template}'. Invalid template expression '${expression}`);
  const parts = expression.split('.');
  if (builtIn === undefined && parts[0]!.includes('-'))
    throw new Error(`Invalid template '${template}'. The parameter name '${parts[0]}' is invalid.`);
  if (parts.some((part) => part.trim() === '')) throw new Error(`Illegal expression: System.String[]`);
  return { parts, format, builtIn };
}

function evaluate(expression: Expression, bindingData: BindingData, sources: BuiltInSources): string {
  const [name, ...path] = expression.parts as [string, ...string[]];
  let current: unknown = bindingData.get(name);
  if (current === undefined) {
    if (expression.builtIn === undefined) throw new Error(`No value for named parameter '${name}'.`);
    return resolveBuiltIn(expression.builtIn, name, sources);
  }
  for (const member of path) {
    try {
      current = getProperty(current, member);
    } catch (error) {
      throw new Error(`Error while accessing '${member}': ${(error as Error).message}`);
    }
  }
  return toPathText(current, expression.format);
}

/** `RandGuidResolver`/`DateTimeResolver.Resolve`: the format is whatever follows the first ':'. */
function resolveBuiltIn(builtIn: 'rand-guid' | 'datetime', name: string, sources: BuiltInSources): string {
  const format =
    name.length > builtIn.length && name[builtIn.length] === ':' ? name.slice(builtIn.length + 1) : '';
  if (builtIn === 'rand-guid') return formatDotNetGuid(sources.newGuid(), format.trim() ? format : undefined);
  return formatDotNetDateTime(sources.now(), format.trim() ? format : 'yyyy-MM-ddTHH-mm-ssK');
}

/** A JSON value reached through a `JObject` (a Newtonsoft `JToken`). */
class JsonToken {
  constructor(readonly value: unknown) {}
}
/** `sys.UtcNow`: a .NET `DateTime` of kind Utc. */
class UtcDateTime {
  constructor(readonly instant: Date) {}
}
/** `sys.RandGuid`: a .NET `Guid`. */
class GuidValue {
  constructor(readonly guid: string) {}
}

/** `ExpressionToken.GetProperty`: case-insensitive on JSON objects and on `sys`. */
function getProperty(value: unknown, member: string): unknown {
  const lower = member.toLowerCase();
  const json =
    value instanceof JsonObjectValue
      ? value.json
      : value instanceof JsonToken
        ? asJsonObject(value.value)
        : undefined;
  if (json !== undefined) {
    const key = Object.keys(json).find((k) => k.toLowerCase() === lower);
    if (key === undefined) throw new Error("property doesn't exist.");
    return new JsonToken(json[key]);
  }
  if (value instanceof SystemBindingData) {
    if (lower === 'methodname') return value.methodName;
    if (lower === 'utcnow') return new UtcDateTime(value.utcNow());
    if (lower === 'randguid') return new GuidValue(value.newGuid());
  }
  if (value instanceof DateTimeOffsetValue)
    throw new Error(`the simulator does not model .NET DateTimeOffset properties such as '${member}'.`);
  if (typeof value === 'string' && lower === 'length') return value.length;
  throw new Error("property doesn't exist.");
}

/** `BindingDataPathHelper.ConvertParameterValueToString`; null (unsupported types) appends nothing. */
function toPathText(value: unknown, format: string | undefined): string {
  const usableFormat = format?.trim() ? format : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof UtcDateTime)
    return formatDotNetDateTime(value.instant, usableFormat ?? 'yyyy-MM-ddTHH-mm-ssK');
  if (value instanceof GuidValue) return formatDotNetGuid(value.guid, usableFormat);
  if (value instanceof JsonToken) return jsonPrimitiveText(value.value);
  return ''; // DateTimeOffset, JObject, sys: not path-convertible in the host either
}

/** `JToken.ToString()` of a primitive; a nested object or array (a JContainer) gives null. */
function jsonPrimitiveText(token: unknown): string {
  if (token === null) return '';
  if (typeof token === 'boolean') return token ? 'True' : 'False';
  if (typeof token === 'string') return token;
  if (typeof token === 'number') return String(token);
  return '';
}

function asJsonObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
