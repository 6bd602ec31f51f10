import { loadSettings, type CollectorSettings } from '../config/settings';
import { createArmClient } from '../defender/createArmClient';
import { discoverSubscriptions } from '../defender/discoverSubscriptions';
import { countPoisonMessages } from '../delivery/poisonQueues';
import { forEachConcurrently } from '../pipeline/forEachConcurrently';
import { createBlobServiceClient } from '../storage/createBlobServiceClient';
import { createQueueServiceClient } from '../storage/createQueueServiceClient';
import type { Logger } from '../telemetry/logger';
import {
  chosenSubscription,
  COMMON_OPTIONS,
  EXIT,
  noPositionals,
  readSettingsSource,
  runCommand,
} from './commandLine';
import { inspectSubscription } from './inspection/inspectSubscription';
import { outboxActivity } from './inspection/outboxActivity';
import { renderInspection, type Inspection } from './inspection/renderInspection';

export const INSPECT_USAGE = `Usage: npm run alerts -- inspect [--subscription <id>] [--json] [--settings <path>]

Shows, for every configured subscription (found as collect finds them) or the one given: its hash index
(entries by delivery state, size, when it was last written, pending batches with their age and outbox blob,
recent commits), the oldest alert the index knows was never delivered, whether the marker of an earlier
collection exists, and its outbox batches of the last 24 hours; then the poison queues. Reads only.

  --subscription <id>  this subscription only
  --json               one JSON document instead of the table
  --settings <path>    settings file (default: ./local.settings.json, if present)
  --verbose            debug logs
The result goes to stdout; logs and errors to stderr. Exit codes: 0 success (a damaged or missing index is
shown as a PROBLEM), 1 failure, 2 usage error.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  subscription: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Hours of outbox batches counted. */
const OUTBOX_WINDOW_IN_HOURS = 24;

/** `inspect`: the state of each subscription's collection, as a table or one JSON document. */
export function inspectCommand(argv: string[]): Promise<number> {
  const command = { argv, usage: INSPECT_USAGE, options: OPTIONS, failure: 'Inspect failed' };
  return runCommand(command, async ({ values, positionals }, logger) => {
    noPositionals(positionals);
    const settings = loadSettings(readSettingsSource(values.settings));
    const only =
      values.subscription === undefined ? undefined : chosenSubscription(settings, values.subscription);
    const subscriptions = only === undefined ? await configuredSubscriptions(settings, logger) : [only];
    const inspection = await inspect(settings, subscriptions, only, new Date());
    process.stdout.write(
      values.json === true ? `${JSON.stringify(inspection, null, 2)}\n` : renderInspection(inspection),
    );
    return EXIT.ok;
  });
}

/** The subscriptions `collect` would collect now. */
async function configuredSubscriptions(settings: CollectorSettings, logger: Logger): Promise<string[]> {
  const discovered = await discoverSubscriptions({
    arm: createArmClient(settings, { logger }),
    selection: settings.subscriptions,
    tenantId: settings.tenantId,
    logger,
  });
  return discovered.subscriptions;
}

async function inspect(
  settings: CollectorSettings,
  subscriptions: string[],
  only: string | undefined,
  now: Date,
): Promise<Inspection> {
  const blobService = createBlobServiceClient(settings.storage);
  const { workQueue, forwardQueue, outboxContainer } = settings.delivery;
  const [outbox, poison, states] = await Promise.all([
    outboxActivity({
      container: blobService.getContainerClient(outboxContainer),
      now,
      hours: OUTBOX_WINDOW_IN_HOURS,
      subscriptionId: only,
    }),
    countPoisonMessages(createQueueServiceClient(settings.storage), [workQueue, forwardQueue]),
    forEachConcurrently(subscriptions, settings.maxConcurrentSubscriptions, (subscriptionId) =>
      inspectSubscription({ settings, blobService, subscriptionId, now }),
    ),
  ]);
  return {
    inspectedAt: now.toISOString(),
    outboxWindow: { fromPartition: outbox.fromPartition, toPartition: outbox.toPartition },
    subscriptions: states.map((state) => {
      // Storage is one account for every subscription: a read that fails fails the command.
      if (state.status === 'rejected') throw state.reason;
      const counts = outbox.bySubscription.get(state.value.subscriptionId) ?? { batches: 0, bytes: 0 };
      return { ...state.value, outbox: counts };
    }),
    poisonQueues: Object.fromEntries(poison),
  };
}
