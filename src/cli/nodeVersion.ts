/**
 * The oldest Node.js the collector runs on: `zlib.crc32` (the index checksum) arrived in 20.15 and
 * `crypto.hash` in 20.12. package.json's `engines` says the same; a test holds them together.
 */
export const MINIMUM_NODE_VERSION = '20.15.0';

/** Why this Node.js cannot run the collector, or undefined when it can. */
export function unsupportedNodeVersion(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minimumMajor = 0, minimumMinor = 0] = MINIMUM_NODE_VERSION.split('.').map(Number);
  if (major > minimumMajor || (major === minimumMajor && minor >= minimumMinor)) return undefined;
  return (
    `Node.js ${version} cannot run the collector: it needs ${MINIMUM_NODE_VERSION} or later, and Node 22 is ` +
    'what Azure Functions runs it on. Install Node 22, or run it once with: npx -y node@22 dist/src/cli/main.js'
  );
}
