import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadSettings } from '../config/settings';
import { NdjsonSink } from '../output/fileSink';
import { runCollection } from '../pipeline/runCollection';
import { summaryLine } from '../pipeline/summaryLine';
import { COMMON_OPTIONS, EXIT, noPositionals, readSettingsSource, runCommand } from './commandLine';
import { hasNoAzureSettings } from './loadSettingsSource';

export const COLLECT_USAGE = `Usage: npm run collect -- [--output <file|->] [--settings <local.settings.json>] [--verbose]

Runs one collection cycle of the configured subscription with the settings the function reads
(environment variables, then the "Values" of local.settings.json), writing records directly. With no
Azure settings at all it runs a local demo against Azurite and the bundled Defender for Cloud API emulator.

  --output <file|->   where delivered records go, as NDJSON (default: .local/output/alerts-<time>.ndjson);
                      "-" writes them to stdout
  --settings <path>   settings file (default: ./local.settings.json, if present)
  --verbose           debug logs
Logs and errors always go to stderr. Exit codes: 0 success, 1 failure, 2 usage error.`;

const OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } } as const;

/** `collect`: one local collection cycle; resolves to the exit code. */
export function collectCommand(argv: string[]): Promise<number> {
  const command = { argv, usage: COLLECT_USAGE, options: OPTIONS, failure: 'Collection failed' };
  return runCommand(command, async ({ values, positionals }, logger) => {
    noPositionals(positionals);
    const source = readSettingsSource(values.settings);
    if (hasNoAzureSettings(source)) {
      // Loaded lazily: the demo needs development packages (Azurite, the emulator) that a deployment lacks.
      const { runLocalDemo } = await import('./localDemo');
      return runLocalDemo(argv, logger);
    }
    const settings = loadSettings(source);
    const output =
      values.output ?? `.local/output/alerts-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    if (output !== '-') mkdirSync(dirname(resolve(output)), { recursive: true });
    const sink = new NdjsonSink(output === '-' ? '-' : { path: output }, logger);
    const { summary } = await runCollection({
      settings,
      subscriptionId: settings.subscriptionId,
      sink,
      logger,
    });
    logger.info(summaryLine(summary));
    if (output !== '-' && summary.delivered > 0)
      logger.info(`Wrote ${summary.delivered} records to ${output}`);
    return EXIT.ok;
  });
}
