import { toBlobContent, toCollectorItems, toHostOutputValue } from '../../support/functionsHost/outputValues';

function collectorTexts(value: unknown): string[] {
  return toCollectorItems(toHostOutputValue(value)!).map((item) => item.toString('utf8'));
}

describe('output values as the host writes them', () => {
  it.each([
    ['a string is one message', 'hello', ['hello']],
    [
      'an object is one message of indented JSON',
      { a: 1, b: [1, 2] },
      ['{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'],
    ],
    [
      'an array is one message per element, primitives as .NET renders them',
      ['x', { a: 1 }, 2, true, null],
      ['x', '{\n  "a": 1\n}', '2', 'True', ''],
    ],
    ['a string holding a JSON array is split per element', '[1,"two"]', ['1', 'two']],
    [
      'a string holding a JSON object is re-indented, its dates re-rendered',
      '{"when":"2026-11-23T10:05:00.000Z"}',
      ['{\n  "when": "2026-11-23T10:05:00Z"\n}'],
    ],
    ['an integer', 42, ['42']],
  ])('%s', (_behaviour, value, expected) => {
    expect(collectorTexts(value)).toEqual(expected);
  });

  it('bytes are one message, as they are', () => {
    expect(toCollectorItems(toHostOutputValue(Buffer.from([0, 255]))!)).toEqual([Buffer.from([0, 255])]);
  });

  it('null and undefined are not written', () => {
    expect([toHostOutputValue(null), toHostOutputValue(undefined)]).toEqual([undefined, undefined]);
  });

  it.each([
    ['a string as UTF-8', 'héllo', Buffer.from('héllo', 'utf8')],
    ['an object as compact JSON', { a: [1, 'b'] }, Buffer.from('{"a":[1,"b"]}', 'utf8')],
    ['an integer as a 4-byte little-endian int', 42, Buffer.from([42, 0, 0, 0])],
    ['a boolean as one byte', true, Buffer.from([1])],
    ['bytes as they are', Buffer.from([7, 8]), Buffer.from([7, 8])],
  ])('a blob holds %s', (_behaviour, value, expected) => {
    expect(toBlobContent(toHostOutputValue(value)!)).toEqual(expected);
  });
});
