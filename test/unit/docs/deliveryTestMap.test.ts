import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const SHORTHANDS: Readonly<Record<string, string>> = { faults: 'integration/delivery/faults' };

/** Each `file` › _test name_ (or _name_, _name_ after one file) in the test map of docs/delivery.md. */
function namedTests(): { file: string; name: string }[] {
  const doc = readFileSync(join(ROOT, 'docs/delivery.md'), 'utf8');
  const map = doc.slice(doc.indexOf('## Tests that hold each claim'));
  const references: { file: string; name: string }[] = [];
  for (const row of map.split('\n').filter((line) => line.startsWith('| ') && line.includes('›'))) {
    const cell = row.split('|')[2] ?? '';
    for (const match of cell.matchAll(/`([^`]+)` › ((?:_[^_]+_(?:, )?)+)/g)) {
      const file = SHORTHANDS[match[1]!] ?? match[1]!;
      for (const name of match[2]!.matchAll(/_([^_]+)_/g)) references.push({ file, name: name[1]! });
    }
  }
  return references;
}

/**
 * Whether the test file holds the named test: each ` › ` part of the name (describe › it) appears in it,
 * cut at an ellipsis, with "a / b" alternatives standing for a parameterised title's `%s`.
 */
function holds(source: string, name: string): boolean {
  return name.split(' › ').every((part) => {
    const title = part.split('…')[0]!.trim();
    return source.includes(title) || source.includes(title.replace(/[\w-]+(?: \/ [\w-]+)+/g, '%s'));
  });
}

describe('docs/delivery.md names tests that exist', () => {
  const references = namedTests();

  it('finds the test map and its references', () => {
    expect(references.length).toBeGreaterThan(20);
  });

  it.each(references.map(({ file, name }) => [file, name]))('%s › %s', (file, name) => {
    const path = join(ROOT, 'test', `${file}.test.ts`);
    expect(existsSync(path)).toBe(true);
    expect(holds(readFileSync(path, 'utf8'), name)).toBe(true);
  });

  it('would notice a renamed test', () => {
    expect(holds("it('delivers every alert once', …)", 'delivers every alert twice')).toBe(false);
    expect(holds("it.each(targets)('sends to the %s target', …)", 'sends to the blob / queue target')).toBe(
      true,
    );
  });
});
