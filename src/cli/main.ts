#!/usr/bin/env node
import { describeError } from '../telemetry/describeError';
import { join } from 'node:path';
import { EXIT } from './commandLine';
import { unsupportedNodeVersion } from './nodeVersion';
import { staleBuildWarning } from './staleBuild';

const USAGE = `Usage: defender-alerts <command> [options]      (from a clone: npm run alerts -- <command>)

Commands:
  collect       one collection cycle, records to a file or stdout (the default command)
  inspect       each subscription's index, pending batches, outbox and poison queues (reads only)
  replay        re-forward outbox batches, release poison messages, re-deliver alerts from the source
  reset-index   start a subscription afresh on purpose, after saying how many alerts that re-sends

"<command> --help" describes each. Exit codes: 0 success, 1 failure, 2 usage error, 3 some subscriptions
failed.`;

type Command = (argv: string[]) => Promise<number>;

/** Each command's module is loaded only when it runs: start-up pays for what the command needs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  collect: async () => (await import('./collect')).collectCommand,
  inspect: async () => (await import('./inspect')).inspectCommand,
  replay: async () => (await import('./replay')).replayCommand,
  'reset-index': async () => (await import('./resetIndex')).resetIndexCommand,
};

/** The command line: dispatches to a command; resolves to the process exit code. */
export function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(EXIT.ok);
  }
  if (first === undefined || first.startsWith('-'))
    return COMMANDS.collect!().then((collect) => collect(argv));
  const command = COMMANDS[first];
  if (command === undefined) {
    process.stderr.write(`Unknown command '${first}'.\n\n${USAGE}\n`);
    return Promise.resolve(EXIT.usage);
  }
  return command().then((run) => run(rest));
}

const tooOld = require.main === module ? unsupportedNodeVersion(process.versions.node) : undefined;
if (tooOld !== undefined) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = EXIT.failure;
} else if (require.main === module) {
  // A closed pipe fails the pending write (the sink reports it and the run commits nothing); the stream's
  // own 'error' event would otherwise crash the process with a stack trace.
  process.stdout.on('error', () => undefined);
  // dist/src/cli/main.js in a clone: the sources are at ../../../src.
  const stale = staleBuildWarning(__filename, join(__dirname, '..', '..', '..', 'src'));
  if (stale) process.stderr.write(`WARN  ${stale}\n`);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
