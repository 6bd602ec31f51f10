import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In a clone, the command line runs from `dist/` (built by `npm ci`'s prepare step, or `npm run
 * build:tools`). After the sources change, it would silently run the old code: say so. A few stat calls,
 * only where `src/` sits beside `dist/`.
 */
export function staleBuildWarning(compiledFile: string, sourceRoot: string): string | undefined {
  let builtAt: number;
  try {
    builtAt = statSync(compiledFile).mtimeMs;
  } catch {
    return undefined;
  }
  const newer = newestSource(sourceRoot);
  if (newer === undefined || newer.mtimeMs <= builtAt) return undefined;
  return (
    `The compiled command line is older than ${newer.path}: it runs the code of the last build. ` +
    "Run 'npm run build:tools' to build it again."
  );
}

function newestSource(folder: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : undefined;
    if (candidate && (newest === undefined || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}
