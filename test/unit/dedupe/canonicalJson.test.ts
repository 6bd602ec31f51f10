import { canonicalJson } from '../../../src/dedupe/canonicalJson';
import { generateAlerts, microsoftExampleAlerts } from '../../../emulators/defender/alertFactory';
import { mulberry32 } from '../../../emulators/defender/prng';

/** mulberry32: a small seeded PRNG, so that every run checks the same generated values. */
/** The shared seeded generator, as a plain `() => number`. */
const prng = (seed: number): (() => number) => {
  const random = mulberry32(seed);
  return () => random.next();
};

const ALPHABET = [
  'a',
  'B',
  'z',
  '0',
  '9',
  '_',
  '-',
  ' ',
  '"',
  '\\',
  '\n',
  '\u0000',
  '\u001f',
  'é',
  'Ω',
  '😀',
  '\u2028',
];

function randomString(random: () => number, maxLength: number): string {
  let out = '';
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i += 1) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

function randomNumber(random: () => number): number {
  const pick = Math.floor(random() * 6);
  if (pick === 0) return Math.floor(random() * 1000) - 500;
  if (pick === 1) return (random() - 0.5) * 1e6;
  if (pick === 2) return random() * 1e-8;
  if (pick === 3) return random() * 1e25;
  if (pick === 4) return -0;
  return Number.MAX_SAFE_INTEGER - Math.floor(random() * 10);
}

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 0 ? 9 : 6));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
    case 3:
      return randomNumber(random);
    case 4:
    case 5:
      return randomString(random, 12);
    case 6: {
      const length = Math.floor(random() * 5);
      return Array.from({ length }, () => randomValue(random, depth - 1));
    }
    default: {
      const object: Record<string, unknown> = {};
      const size = Math.floor(random() * 6);
      for (let i = 0; i < size; i += 1) {
        object[randomString(random, 6)] = random() < 0.1 ? undefined : randomValue(random, depth - 1);
      }
      return object;
    }
  }
}

function randomObject(random: () => number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const size = 1 + Math.floor(random() * 8);
  for (let i = 0; i < size; i += 1) object[`k${randomString(random, 5)}`] = randomValue(random, 4);
  return object;
}

/** The same content with the keys of every object inserted in another (reversed or shuffled) order. */
function reorderKeys(value: unknown, random?: () => number): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => reorderKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (random) {
    for (let i = keys.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
  } else {
    keys.reverse();
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = reorderKeys((value as Record<string, unknown>)[key], random);
  return out;
}

describe('canonicalJson', () => {
  it('writes object keys in sorted order', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
  });

  it('sorts keys as strings, including integer-like keys that objects enumerate first', () => {
    expect(canonicalJson({ b: 0, '10': 1, '9': 2, A: 3, _: 4 })).toBe('{"10":1,"9":2,"A":3,"_":4,"b":0}');
  });

  it('sorts keys at every depth, inside arrays too', () => {
    const value = {
      z: { y: { x: { b: [{ d: 1, c: 2 }], a: null } } },
      a: [{ n: { q: 1, p: 2 }, m: 0 }],
    };
    expect(canonicalJson(value)).toBe(
      '{"a":[{"m":0,"n":{"p":2,"q":1}}],"z":{"y":{"x":{"a":null,"b":[{"c":2,"d":1}]}}}}',
    );
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    const value = {
      properties: { alertDisplayName: 'x', severity: 'High', entities: [{ type: 'host', id: '1' }] },
      id: '/subscriptions/1/alerts/2',
      name: '2',
    };
    expect(canonicalJson(reorderKeys(value))).toBe(canonicalJson(value));
  });

  it('keeps the order of array items', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([{ b: 1 }, { a: 1 }])).toBe('[{"b":1},{"a":1}]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it.each([
    ['plain', 'hello'],
    ['empty', ''],
    ['control characters', '\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f'],
    ['quotes and backslashes', 'say "hi" \\ \'there\' \\"'],
    ['line and paragraph separators', 'a\u2028b\u2029c'],
    ['non-ASCII letters', 'Ünïcødé Ω 中文 العربية'],
    ['an emoji (surrogate pair)', 'alert 😀 🚨'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', '\udc00'],
    ['HTML-sensitive characters', '</script><!-- & \u003c'],
  ])('writes a string with %s exactly as JSON.stringify', (_name, text) => {
    expect(canonicalJson(text)).toBe(JSON.stringify(text));
    expect(canonicalJson({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
    expect(canonicalJson([text])).toBe(`[${JSON.stringify(text)}]`);
  });

  it.each([
    0,
    -0,
    1,
    -123,
    1.5,
    0.1 + 0.2,
    1e21,
    1e-7,
    123456789012345680000,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    NaN,
    Infinity,
    -Infinity,
  ])('writes the number %p exactly as JSON.stringify', (value) => {
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    expect(canonicalJson({ n: value })).toBe(JSON.stringify({ n: value }));
    expect(canonicalJson([value])).toBe(JSON.stringify([value]));
  });

  it('writes null, booleans and empty containers as JSON', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({ a: {}, b: [], c: [[]] })).toBe('{"a":{},"b":[],"c":[[]]}');
  });

  it('omits object members whose value is undefined, a function or a symbol', () => {
    expect(canonicalJson({ a: undefined, b: 1, c: () => 1, d: Symbol('s'), e: undefined })).toBe('{"b":1}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
    expect(canonicalJson({ x: { a: undefined } })).toBe('{"x":{}}');
  });

  it('gives the same text for a member set to undefined and a member left out', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('writes undefined, functions, symbols and holes inside arrays as null, like JSON.stringify', () => {
    // eslint-disable-next-line no-sparse-arrays
    const value = [undefined, () => 1, Symbol('s'), , 1];
    expect(canonicalJson(value)).toBe('[null,null,null,null,1]');
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('ignores symbol keys, as JSON.stringify does', () => {
    expect(canonicalJson({ [Symbol('k')]: 1, a: 2 })).toBe('{"a":2}');
  });

  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'a undefined cannot be serialised as JSON'],
    ['a function', () => 1, 'a function cannot be serialised as JSON'],
    ['a symbol', Symbol('s'), 'a symbol cannot be serialised as JSON'],
  ])('refuses %s at the top level with a TypeError', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(new TypeError(message));
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses a BigInt anywhere, as JSON.stringify does', () => {
    expect(() => canonicalJson({ a: { b: 1n } })).toThrow(TypeError);
  });

  it('parses back to the same value for generated objects (seeded)', () => {
    const random = prng(0x5eed1);
    for (let run = 0; run < 500; run += 1) {
      const value = randomObject(random);
      const text = canonicalJson(value);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  it('gives the same text for generated objects with shuffled keys (seeded)', () => {
    const random = prng(0xc0ffee);
    for (let run = 0; run < 500; run += 1) {
      const value = randomObject(random);
      const text = canonicalJson(value);
      expect(canonicalJson(reorderKeys(value, random))).toBe(text);
      expect(canonicalJson(reorderKeys(value))).toBe(text);
    }
  });

  it('writes generated objects with keys already sorted by code unit exactly as JSON.stringify (seeded)', () => {
    // Non-integer keys keep insertion order in JS objects, so sorting them first makes JSON.stringify canonical.
    const sortKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(sortKeys);
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort())
        out[key] = sortKeys((value as Record<string, unknown>)[key]);
      return out;
    };
    const hasIntegerKey = (value: unknown): boolean =>
      value !== null &&
      typeof value === 'object' &&
      (Object.keys(value).some((key) => /^(0|[1-9]\d*)$/.test(key)) ||
        Object.values(value).some(hasIntegerKey));
    const random = prng(42);
    let compared = 0;
    for (let run = 0; run < 500; run += 1) {
      const value = randomObject(random);
      if (hasIntegerKey(value)) continue;
      compared += 1;
      expect(canonicalJson(value)).toBe(JSON.stringify(sortKeys(value)));
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('writes every UTF-16 code unit, alone and inside text, exactly as JSON.stringify', () => {
    const differing: number[] = [];
    for (let unit = 0; unit <= 0xffff; unit += 1) {
      const char = String.fromCharCode(unit);
      for (const text of [char, `a${char}b`]) {
        if (canonicalJson(text) !== JSON.stringify(text)) differing.push(unit);
        if (canonicalJson({ [text]: 1 }) !== `{${JSON.stringify(text)}:1}`) differing.push(unit);
      }
    }
    expect(differing).toEqual([]);
  });

  // Fingerprints of every alert already in an index were taken from this text: a byte that differs would
  // send every alert again after an upgrade. The first implementation, kept here as the reference.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value))
      return `[${value.map((item: unknown) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : reference(item))).join(',')}]`;
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => {
        const item = record[key];
        return item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
      })
      .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
    return `{${members.join(',')}}`;
  };

  it('writes generated alerts and the Microsoft examples exactly as the first implementation did', () => {
    const alerts = [
      ...generateAlerts({ count: 300, seed: 11, subscriptionId: '00000000-0000-0000-0000-000000000001' }),
      ...microsoftExampleAlerts(),
    ];
    for (const alert of alerts) {
      expect(canonicalJson(alert)).toBe(reference(alert));
      const parsed: unknown = JSON.parse(JSON.stringify(alert));
      expect(canonicalJson(parsed)).toBe(reference(parsed));
    }
  });

  it('writes generated values exactly as the first implementation did (seeded)', () => {
    const random = prng(0xbeef);
    for (let run = 0; run < 1000; run += 1) {
      const value = randomObject(random);
      expect(canonicalJson(value)).toBe(reference(value));
      expect(canonicalJson(reorderKeys(value, random))).toBe(reference(value));
    }
  });

  it('is a pure function: it does not change its input', () => {
    const value = { b: [2, 1], a: { d: 1, c: undefined } };
    canonicalJson(value);
    expect(Object.keys(value)).toEqual(['b', 'a']);
    expect(value.b).toEqual([2, 1]);
    expect(Object.keys(value.a)).toEqual(['d', 'c']);
  });
});
