#!/usr/bin/env node
import { collectCommand, COLLECT_USAGE } from './collect';
import { EXIT } from './commandLine';
import { describeError } from '../telemetry/describeError';
import { inspectCommand } from './inspect';
import { replayCommand } from './replay';
import { resetIndexCommand } from './resetIndex';

const USAGE = `Usage: defender-alerts <command> [options]      (from a clone: npm run alerts -- <command>)

Commands:
  collect       one collection cycle, records to a file or stdout (the default command)
  inspect       each subscription's index, pending batches, outbox and poison queues (reads only)
  replay        re-forward outbox batches, release poison messages, re-deliver alerts from the source
  reset-index   start a subscription afresh on purpose, after saying how many alerts that re-sends

"<command> --help" describes each. Exit codes: 0 success, 1 failure, 2 usage error.

${COLLECT_USAGE}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  collect: collectCommand,
  inspect: inspectCommand,
  replay: replayCommand,
  'reset-index': resetIndexCommand,
};

/** The command line: dispatches to a command; resolves to the process exit code. */
export function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(EXIT.ok);
  }
  if (first === undefined || first.startsWith('-')) return collectCommand(argv);
  const command = COMMANDS[first];
  if (command === undefined) {
    process.stderr.write(`Unknown command '${first}'.\n\n${USAGE}\n`);
    return Promise.resolve(EXIT.usage);
  }
  return command(rest);
}

if (require.main === module) {
  // A closed pipe fails the pending write (the sink reports it and the run commits nothing); the stream's
  // own 'error' event would otherwise crash the process with a stack trace.
  process.stdout.on('error', () => undefined);
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
