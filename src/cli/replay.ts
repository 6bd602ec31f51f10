import { randomUUID } from 'node:crypto';
import { loadSettings, type CollectorSettings } from '../config/settings';
import { BlobOutbox } from '../delivery/outbox';
import { OUTBOX_BATCH_PREFIX } from '../delivery/outboxBatch';
import { poisonQueueName } from '../delivery/poisonQueues';
import { replayOutbox, replayPoison } from '../delivery/replay';
import { InMemorySink } from '../delivery/sinks';
import { hourPartition } from '../delivery/workItem';
import { NdjsonSink } from '../output/fileSink';
import { replayFromSource, type SourceSelection } from '../pipeline/replaySource';
import { createBlobServiceClient } from '../storage/createBlobServiceClient';
import { createQueueServiceClient } from '../storage/createQueueServiceClient';
import type { Logger } from '../telemetry/logger';
import { alertSourceFor } from './clients';
import {
  chosenSubscription,
  COMMON_OPTIONS,
  COMMON_USAGE,
  EXIT,
  readSettingsSource,
  runCommand,
  UsageError,
} from './commandLine';

export const REPLAY_USAGE = `Usage: npm run alerts -- replay <outbox|poison|source> [options]

  replay outbox --from <time> --to <time>
      Queues every outbox batch made in the window for the forwarder again: the target gets those
      records again (a deliberate re-send).
  replay poison [--queue work|forward]
      Moves the messages of the poison queues (both, or the one named) back to their queue, so that the
      functions process them again once the cause of the failures is fixed.
  replay source [--from <time>] [--to <time>] [--ids <id,...>] [--subscription <id>] [--output <file|->]
                [--to-outbox]
      Lists the alerts again and delivers those generated in the window, or with the given ids, whatever
      the index says: as NDJSON to --output (default stdout), or with --to-outbox as one outbox batch,
      which Event Grid hands to the forwarder (without Event Grid, run "replay outbox" for its hour).

${COMMON_USAGE} Times are ISO 8601 (2026-11-30T10:00:00Z).
Exit codes: 0 success, 1 failure, 2 usage error.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  queue: { type: 'string' },
  ids: { type: 'string' },
  subscription: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'to-outbox': { type: 'boolean' },
} as const;

/** `replay`: re-forward outbox batches, release poison messages, or re-deliver from the source. */
export function replayCommand(argv: string[]): Promise<number> {
  const command = { argv, usage: REPLAY_USAGE, options: OPTIONS, failure: 'Replay failed' };
  return runCommand(command, async ({ values, positionals }, logger) => {
    const [what, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
    if (what !== 'outbox' && what !== 'poison' && what !== 'source')
      throw new UsageError(what === undefined ? 'Say what to replay.' : `Unknown replay '${what}'.`);
    const settings = loadSettings(readSettingsSource(values.settings));
    switch (what) {
      case 'outbox':
        return replayOutboxCommand(
          settings,
          requiredTime(values.from, '--from'),
          requiredTime(values.to, '--to'),
          logger,
        );
      case 'poison':
        return replayPoisonCommand(settings, values.queue, logger);
      case 'source':
        return replaySourceCommand(settings, values, logger);
    }
  });
}

async function replayOutboxCommand(
  settings: CollectorSettings,
  from: Date,
  to: Date,
  logger: Logger,
): Promise<number> {
  if (to <= from) throw new UsageError('--to must be after --from.');
  const container = createBlobServiceClient(settings.storage).getContainerClient(
    settings.delivery.outboxContainer,
  );
  const forwardQueue = createQueueServiceClient(settings.storage).getQueueClient(
    settings.delivery.forwardQueue,
  );
  await forwardQueue.createIfNotExists();
  const queued = await replayOutbox({
    outbox: new BlobOutbox(container),
    outboxContainer: settings.delivery.outboxContainer,
    forwardQueue,
    from,
    to,
    // Without the query: with a SAS connection string it holds the signature, and queues keep messages.
    urlOf: (batchRef) => container.getBlobClient(batchRef).url.split('?')[0]!,
    now: new Date(),
  });
  logger.info(`Queued ${queued.length} outbox batches for the forwarder`, { queue: forwardQueue.name });
  return EXIT.ok;
}

async function replayPoisonCommand(
  settings: CollectorSettings,
  queue: string | undefined,
  logger: Logger,
): Promise<number> {
  const names = { work: settings.delivery.workQueue, forward: settings.delivery.forwardQueue };
  if (queue !== undefined && !(queue in names)) throw new UsageError(`--queue must be 'work' or 'forward'.`);
  const chosen = queue === undefined ? Object.values(names) : [names[queue as keyof typeof names]];
  const queues = createQueueServiceClient(settings.storage);
  for (const name of chosen) {
    const poison = queues.getQueueClient(poisonQueueName(name));
    if (!(await poison.exists())) {
      logger.info(`The poison queue '${poison.name}' does not exist: nothing to replay`);
      continue;
    }
    const moved = await replayPoison(poison, queues.getQueueClient(name));
    logger.info(`Moved ${moved} messages from '${poison.name}' back to '${name}'`);
  }
  return EXIT.ok;
}

async function replaySourceCommand(
  settings: CollectorSettings,
  values: {
    from?: string;
    to?: string;
    ids?: string;
    subscription?: string;
    output?: string;
    'to-outbox'?: boolean;
  },
  logger: Logger,
): Promise<number> {
  const selection: SourceSelection = {
    from: values.from === undefined ? undefined : requiredTime(values.from, '--from'),
    to: values.to === undefined ? undefined : requiredTime(values.to, '--to'),
    ids: values.ids
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  };
  if (selection.from === undefined && selection.to === undefined && selection.ids === undefined)
    throw new UsageError('Say which alerts to replay: --from/--to, --ids, or both.');
  if (values.output !== undefined && values['to-outbox'] === true)
    throw new UsageError('Give --output or --to-outbox, not both.');
  const subscriptionId = chosenSubscription(settings, values.subscription);
  const now = new Date();
  const record = { format: settings.recordFormat, subscriptionId, observedAt: now.toISOString() };
  const source = alertSourceFor(settings, subscriptionId);
  if (values['to-outbox'] !== true) {
    const output = values.output ?? '-';
    const sink = new NdjsonSink(output === '-' ? '-' : { path: output }, logger);
    const { listed, written } = await replayFromSource({ source, sink, selection, record }).finally(() =>
      sink.close(),
    );
    logger.info(`Replayed ${written} of ${listed} alerts from the source`, { subscriptionId });
    return EXIT.ok;
  }
  const sink = new InMemorySink();
  const { listed, written } = await replayFromSource({ source, sink, selection, record });
  if (written > 0) {
    const name = `${OUTBOX_BATCH_PREFIX}${hourPartition(now)}/${subscriptionId}/replay-${randomUUID()}-1.ndjson`;
    const data = Buffer.from(sink.records.join('\n') + '\n', 'utf8');
    const container = createBlobServiceClient(settings.storage).getContainerClient(
      settings.delivery.outboxContainer,
    );
    await container.createIfNotExists();
    await container.getBlockBlobClient(name).upload(data, data.length);
    logger.info(`Wrote ${written} of ${listed} alerts to the outbox as batch '${name}'`, { subscriptionId });
  } else logger.info(`No alert of ${listed} matched; nothing written`, { subscriptionId });
  return EXIT.ok;
}

function requiredTime(value: string | undefined, option: string): Date {
  if (value === undefined) throw new UsageError(`${option} is required.`);
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(`${option} "${value}" is not a time (ISO 8601, e.g. 2026-11-30T10:00:00Z).`);
  return time;
}
