import { output, type FunctionOutput } from '@azure/functions';
import type { CollectorSettings } from '../config/settings';

type OutputSettings = CollectorSettings['output'];

/**
 * The blob target's path inside its container, resolved by the host when the forwarder's output is
 * written. `{id}` is the Event Grid event's id (a top-level property of the forwarded message), so a
 * re-delivered event overwrites the same blob instead of adding a copy.
 */
export const TARGET_BLOB_PATH_PATTERN =
  '{DateTime:yyyy}/{DateTime:MM}/{DateTime:dd}/{DateTime:HH}/{id}.ndjson';

/**
 * The forwarder's output binding for the chosen target. Connections are app-setting prefixes, so
 * identity-based access (`<connection>__blobServiceUri`, `__fullyQualifiedNamespace`, `__queueServiceUri`,
 * `__credential`, `__clientId`) works without code changes.
 */
export function createTargetBinding(settings: OutputSettings): FunctionOutput {
  switch (settings.target) {
    case 'blob':
      return output.storageBlob({
        path: `${settings.blobContainer}/${TARGET_BLOB_PATH_PATTERN}`,
        connection: settings.connection,
      });
    case 'eventhub':
      return output.eventHub({ eventHubName: settings.eventHubName, connection: settings.connection });
    case 'queue':
      return output.storageQueue({ queueName: settings.queueName, connection: settings.connection });
  }
}
