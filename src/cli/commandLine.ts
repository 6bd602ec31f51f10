import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { SettingsSource } from '../config/settingReaders';
import type { CollectorSettings } from '../config/settings';
import { needsDiscovery } from '../config/subscriptionSelection';
import { describeError } from '../telemetry/describeError';
import { StreamLogger } from '../telemetry/streamLogger';
import { loadSettingsSource } from './loadSettingsSource';

/** The command line's exit codes (README, "Command line"). */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

/** Wrong arguments: the command prints its usage and exits with {@link EXIT.usage}. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>
>;

/** Refuses positional arguments a command does not take. */
export function noPositionals(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`);
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  settings: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** How every command describes its common options, for its usage text. */
export const COMMON_USAGE = `  --settings <path>   settings file (default: ./local.settings.json, if present)
  --verbose, -v       debug logs: each page with its size and time, ARM's read limits, index sizes
  --quiet, -q         warnings and errors only
  --log-format json   one JSON object per log line, for schedulers (default: text)
Logs and errors always go to stderr.`;

/**
 * Runs one command: parses its arguments (usage errors exit 2 with the usage on stderr), prints `--help`
 * on stdout, and logs every line and error on stderr, so that stdout carries records only.
 */
export async function runCommand<O extends Options>(
  command: { argv: string[]; usage: string; options: O; failure: string },
  body: (args: Values<O>, logger: StreamLogger) => Promise<number>,
): Promise<number> {
  const { argv, usage, options } = command;
  let args: Values<O>;
  try {
    args = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n\n${usage}\n`);
    return EXIT.usage;
  }
  if ((args.values as { help?: boolean }).help === true) {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  let logger: StreamLogger;
  try {
    logger = loggerFor(args.values);
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n\n${usage}\n`);
    return EXIT.usage;
  }
  try {
    return await body(args, logger);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${usage}\n`);
      return EXIT.usage;
    }
    logger.error(`${command.failure}: ${describeError(error)}`);
    return EXIT.failure;
  } finally {
    logger.endProgress();
  }
}

/** The logger the common options ask for; a progress line only on a terminal, with text logs. */
function loggerFor(options: { verbose?: boolean; quiet?: boolean; 'log-format'?: string }): StreamLogger {
  if (options.verbose && options.quiet) throw new UsageError('--verbose and --quiet do not go together.');
  const format = options['log-format'] ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--log-format "${format}" is not one of 'text', 'json'.`);
  return new StreamLogger(process.stderr, {
    minimumLevel: options.verbose ? 'debug' : options.quiet ? 'warn' : 'info',
    format,
    progress: format === 'text' && !options.quiet && process.stderr.isTTY === true,
  });
}

/**
 * The settings the function would see: the environment over the `Values` of the settings file. A file
 * named with `--settings` must exist; the default `./local.settings.json` is read when present.
 */
export function readSettingsSource(settingsPath: string | undefined): SettingsSource {
  if (settingsPath !== undefined && !existsSync(resolve(settingsPath)))
    throw new UsageError(
      `The settings file '${settingsPath}' does not exist. Give the path of a local.settings.json.`,
    );
  return loadSettingsSource(resolve(settingsPath ?? 'local.settings.json'), process.env);
}

/**
 * The subscription a command acts on: `--subscription`, or the one subscription the settings name.
 * @throws UsageError when the settings name several (or find them by discovery) and none was given.
 */
export function chosenSubscription(settings: CollectorSettings, option: string | undefined): string {
  if (option !== undefined) {
    if (!GUID.test(option)) throw new UsageError(`--subscription "${option}" is not a subscription ID.`);
    return option.toLowerCase();
  }
  const { listed } = settings.subscriptions;
  if (listed.length === 1 && !needsDiscovery(settings.subscriptions)) return listed[0]!;
  throw new UsageError('Several subscriptions are configured: say which with --subscription <id>.');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
