import { main } from '../../src/cli/main';
import { SETTING_NAMES } from '../../src/config/settingNames';
import { captureOutput, placesOf } from './canaryCapture';
import type { Place } from './canaryScanner';

/**
 * Runs the command line in-process in `folder` (a default output lands there), with `settings` as the
 * only settings in the environment (none of the machine's own); returns its exit code and what it wrote,
 * paths shown relative to `<tmp>`.
 */
export async function runCommandLine(
  argv: string[],
  settings: Record<string, string>,
  folder: string,
): Promise<{ code: number; places: Place[] }> {
  const [environment, cwd] = [process.env, process.cwd()];
  const names = new Set<string>(Object.values(SETTING_NAMES));
  process.env = {
    ...Object.fromEntries(Object.entries(environment).filter(([name]) => !names.has(name))),
    ...settings,
  };
  process.chdir(folder);
  try {
    const captured = await captureOutput(() => main(argv));
    const shown = argv.map((arg) => arg.replace(folder, '<tmp>')).join(' ');
    return { code: captured.value ?? -1, places: placesOf(`"${shown}"`, captured) };
  } finally {
    process.env = environment;
    process.chdir(cwd);
  }
}

/** {@link runCommandLine} for each command line in turn: the exit codes, and every place. */
export async function runCommandLines(
  runs: string[][],
  settings: Record<string, string>,
  folder: string,
): Promise<{ codes: number[]; places: Place[] }> {
  const results = [];
  for (const argv of runs) results.push(await runCommandLine(argv, settings, folder));
  return { codes: results.map((result) => result.code), places: results.flatMap((result) => result.places) };
}
