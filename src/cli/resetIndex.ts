import { indexBlobName, loadSettings } from '../config/settings';
import { BlobCollectionMarker } from '../dedupe/collectionMarker';
import { createBlobServiceClient } from '../storage/createBlobServiceClient';
import { alertSourceFor } from './clients';
import {
  chosenSubscription,
  COMMON_OPTIONS,
  COMMON_USAGE,
  EXIT,
  noPositionals,
  readSettingsSource,
  runCommand,
} from './commandLine';

export const RESET_INDEX_USAGE = `Usage: npm run alerts -- reset-index [--yes] [--subscription <id>] [options]

Starts a subscription afresh on purpose. First counts the alerts Defender for Cloud holds for it: the next
run delivers every one of them again. With --yes, deletes the hash index blob and the marker that records
the subscription was collected before; without it, changes nothing.

${COMMON_USAGE}
Exit codes: 0 success, 1 failure, 2 usage error.`;

const OPTIONS = { ...COMMON_OPTIONS, yes: { type: 'boolean' }, subscription: { type: 'string' } } as const;

/** `reset-index`: say how many alerts a fresh start re-sends; with `--yes`, make it. */
export function resetIndexCommand(argv: string[]): Promise<number> {
  const command = { argv, usage: RESET_INDEX_USAGE, options: OPTIONS, failure: 'Reset failed' };
  return runCommand(command, async ({ values, positionals }, logger) => {
    noPositionals(positionals);
    const settings = loadSettings(readSettingsSource(values.settings));
    const subscriptionId = chosenSubscription(settings, values.subscription);
    let alerts = 0;
    for await (const page of alertSourceFor(settings, subscriptionId).pages()) alerts += page.alerts.length;
    const blobs = createBlobServiceClient(settings.storage);
    const blobName = indexBlobName(settings.index, subscriptionId);
    const index = blobs.getContainerClient(settings.index.container).getBlobClient(blobName);
    const marker = new BlobCollectionMarker(
      blobs.getContainerClient(settings.delivery.outboxContainer),
      subscriptionId,
    );
    const where = `'${settings.index.container}/${blobName}' and '${marker.location}'`;
    if (values.yes !== true) {
      logger.warn(
        `Resetting subscription '${subscriptionId}' makes the next run deliver all ${alerts} alerts Defender for ` +
          `Cloud holds for it again. Run again with --yes to delete ${where}.`,
      );
      return EXIT.ok;
    }
    await index.deleteIfExists();
    await marker.remove();
    logger.warn(`Deleted ${where}: the next run delivers all ${alerts} alerts again`, { subscriptionId });
    return EXIT.ok;
  });
}
