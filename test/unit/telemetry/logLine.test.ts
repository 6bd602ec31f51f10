import { formatLogLine } from '../../../src/telemetry/logger';

describe('a log line stays one line, whatever remote text it carries', () => {
  it.each([
    ['a plain message', 'Listing failed: HTTP 500', 'Listing failed: HTTP 500'],
    [
      'CR and LF from a server message',
      'failed: bad\r\nINFO forged line',
      'failed: bad\\r\\nINFO forged line',
    ],
    ['a tab and other C0 controls', 'a\tb\u0000c\u001b[31m', 'a\\tb\\u0000c\\u001b[31m'],
    ['Unicode line and paragraph separators and NEL', 'x\u2028y\u2029z\u0085w', 'x\\u2028y\\u2029z\\u0085w'],
    ['DEL and C1 controls', 'a\u007fb\u009bc', 'a\\u007fb\\u009bc'],
    ['text outside the controls, as it is', 'Zürich — 東京 ✓', 'Zürich — 東京 ✓'],
  ])('%s', (_case, message, line) => {
    expect(formatLogLine(message)).toBe(line);
    expect(formatLogLine(message)).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
  });

  it('escapes a message but leaves the fields to JSON, which escapes them itself', () => {
    expect(formatLogLine('a\nb', { id: 'x\ny' })).toBe('a\\nb {"id":"x\\ny"}');
  });
});
