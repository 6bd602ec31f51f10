/**
 * JSON with object keys in JavaScript's default sort order (UTF-16 code units) at every depth, so that two records with the same content
 * serialise identically whatever order the API sent their keys in. Strings and numbers are written exactly
 * as `JSON.stringify` writes them.
 *
 * Every alert new to the index is written this way once, so the writing is tuned (and held byte for byte to
 * `JSON.stringify` by the tests): keys are quoted once per process, and strings with nothing to escape are
 * quoted without copying them.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`a ${typeof value} cannot be serialised as JSON`);
    return text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      // As JSON.stringify does, holes and non-JSON values inside arrays become null.
      out += isOmitted(item) ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (isOmitted(item)) continue;
    if (!first) out += ',';
    first = false;
    out += memberName(key) + canonicalJson(item);
  }
  return out + '}';
}

function isOmitted(item: unknown): boolean {
  return item === undefined || typeof item === 'function' || typeof item === 'symbol';
}

/**
 * What `JSON.stringify` escapes in a string: the quote, the backslash, control characters, and lone
 * surrogates (any surrogate is sent to it: a paired one it leaves as it is).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`; without its copy when nothing needs escaping, as is usual. */
function quoted(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/** `"key":` by key. Alerts use few distinct keys; the bound keeps unusual data from growing it forever. */
const memberNames = new Map<string, string>();
const MEMBER_NAMES_KEPT = 4096;

function memberName(key: string): string {
  let name = memberNames.get(key);
  if (name === undefined) {
    name = JSON.stringify(key) + ':';
    if (memberNames.size < MEMBER_NAMES_KEPT) memberNames.set(key, name);
  }
  return name;
}
