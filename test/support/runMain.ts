import { main } from '../../src/cli/main';
import { captureOutput } from './canaryCapture';

/**
 * Runs the command line in-process with `settings` laid over the environment; returns its exit code and
 * what it wrote to stdout and stderr. The environment is restored afterwards, and `main`'s own error (it
 * should have none: it resolves to an exit code) is rethrown.
 */
export async function runMain(
  argv: string[],
  settings: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = process.env;
  process.env = { ...saved, ...settings };
  try {
    const { value, error, stdout, stderr } = await captureOutput(() => main(argv), 'utf8');
    if (error !== undefined)
      throw error instanceof Error ? error : new Error('main rejected with a value that is not an Error');
    return { code: value ?? -1, stdout, stderr };
  } finally {
    process.env = saved;
  }
}
