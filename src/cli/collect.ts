import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/settings';
import { NdjsonSink } from '../output/fileSink';
import { runCollection } from '../pipeline/runCollection';
import { summaryLine } from '../pipeline/summaryLine';
import { describeError } from '../telemetry/describeError';
import { StreamLogger } from '../telemetry/streamLogger';
import { hasNoAzureSettings, loadSettingsSource } from './loadSettingsSource';

const USAGE = `Usage: npm run collect -- [--output <file|->] [--settings <local.settings.json>] [--verbose]

Runs one collection cycle with the settings the function reads (environment variables, then the
"Values" of local.settings.json). With no Azure settings at all it runs a local demo against Azurite and
the bundled Defender for Cloud API emulator.

  --output <file|->   where delivered records go, as NDJSON (default: .local/output/alerts-<time>.ndjson);
                      "-" writes them to stdout; logs always go to stderr
  --settings <path>   settings file (default: ./local.settings.json, if present)
  --verbose           debug logs`;

/** Runs the local collector; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const output =
    args.output ?? `.local/output/alerts-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
  // Logs and errors always go to stderr: stdout carries records only, and schedulers read stderr for failures.
  const logger = new StreamLogger(process.stderr, args.verbose ? 'debug' : 'info');
  try {
    const source = loadSettingsSource(resolve(args.settings ?? 'local.settings.json'), process.env);
    if (hasNoAzureSettings(source)) {
      // Loaded lazily: the demo needs development packages (Azurite, the emulator) that a deployment lacks.
      const { runLocalDemo } = await import('./localDemo');
      return await runLocalDemo(argv, logger);
    }
    const settings = loadSettings(source);
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
    return 0;
  } catch (error) {
    logger.error(`Collection failed: ${describeError(error)}`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      output: { type: 'string', short: 'o' },
      settings: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
