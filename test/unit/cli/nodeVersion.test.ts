import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MINIMUM_NODE_VERSION, unsupportedNodeVersion } from '../../../src/cli/nodeVersion';

describe('the Node.js version check', () => {
  it.each(['20.15.0', '20.20.2', '22.0.0', '22.23.3', '24.1.0'])('runs on %s', (version) => {
    expect(unsupportedNodeVersion(version)).toBeUndefined();
  });

  it.each(['20.14.0', '20.0.0', '18.20.4'])(
    'refuses %s, saying what it needs and how to get it',
    (version) => {
      expect(unsupportedNodeVersion(version)).toBe(
        `Node.js ${version} cannot run the collector: it needs 20.15.0 or later, and Node 22 is what Azure ` +
          'Functions runs it on. Install Node 22, or run it once with: npx -y node@22 dist/src/cli/main.js',
      );
    },
  );

  it('says what package.json and its lock file say', () => {
    const read = <T>(file: string) =>
      JSON.parse(readFileSync(join(__dirname, '../../..', file), 'utf8')) as T;
    type Engines = { engines?: Record<string, string> };
    const expected = { node: `>=${MINIMUM_NODE_VERSION}` };
    expect(read<Engines>('package.json').engines).toEqual(expected);
    expect(read<{ packages: Record<string, Engines> }>('package-lock.json').packages['']?.engines).toEqual(
      expected,
    );
  });

  it('holds for the Node.js running these tests', () => {
    expect(unsupportedNodeVersion(process.versions.node)).toBeUndefined();
  });
});
