import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadSettings } from '../config/settings';
import { NdjsonSink } from '../output/fileSink';
import { collectSubscriptions, type CollectionProgress } from '../pipeline/collectSubscriptions';
import {
  COMMON_OPTIONS,
  COMMON_USAGE,
  EXIT,
  noPositionals,
  readSettingsSource,
  runCommand,
} from './commandLine';
import { hasNoAzureSettings } from './loadSettingsSource';

export const COLLECT_USAGE = `Usage: npm run collect -- [--output <file|->] [options]

Runs one collection cycle of every configured subscription (at most max_concurrent_subscriptions at a
time) with the settings the function reads (environment variables, then the "Values" of
local.settings.json), writing records directly. With no Azure settings at all it runs a local demo
against Azurite and the bundled Defender for Cloud API emulator.

  --output <file|->   where delivered records go, as NDJSON (default: .local/output/alerts-<time>.ndjson);
                      "-" writes them to stdout
${COMMON_USAGE} One summary line per subscription and a total; on a terminal, a progress line.
Exit codes: 0 success, 1 failure, 2 usage error, 3 some subscriptions failed (each is named).`;

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
    const started = Date.now();
    const { outcomes } = await collectSubscriptions({
      settings,
      sink,
      logger,
      onProgress: (progress) => logger.progress(progressLine(progress, Date.now() - started)),
    }).finally(() => sink.close());
    logger.endProgress();
    const failed = outcomes.filter((outcome) => outcome.error !== undefined);
    const delivered = outcomes.reduce((total, outcome) => total + (outcome.summary?.delivered ?? 0), 0);
    logger.info(
      `Collected ${outcomes.length - failed.length} of ${outcomes.length} subscriptions: delivered=${delivered}` +
        (failed.length > 0 ? ` failed=${failed.length}` : ''),
    );
    if (output !== '-' && delivered > 0) logger.info(`Wrote ${delivered} records to ${output}`);
    if (failed.length === 0) return EXIT.ok;
    // Each failure has had its own line; with several subscriptions, one more names them all.
    if (outcomes.length > 1) {
      const names = failed.map((outcome) => `'${outcome.subscriptionId}': ${outcome.error ?? ''}`).join('; ');
      logger.error(`${failed.length} of ${outcomes.length} subscriptions failed: ${names}`);
    }
    return failed.length === outcomes.length ? EXIT.failure : EXIT.partial;
  });
}

/** "2/8 subscriptions, 14 pages, 1,400 alerts, 700/s" */
function progressLine(progress: Readonly<CollectionProgress>, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((progress.alerts * 1000) / elapsedMs) : 0;
  const number = (n: number) => n.toLocaleString('en');
  return (
    `${progress.done}/${number(progress.subscriptions)} subscriptions, ${number(progress.pages)} pages, ` +
    `${number(progress.alerts)} alerts, ${number(rate)}/s`
  );
}
