import { output, type FunctionOutput } from '@azure/functions';
import type { CollectorSettings } from '../config/settings';
import type { HandOverSink } from '../pipeline/delivery';
import { OUTPUT_BLOB_PATH_PATTERN, prepareBlobBatch } from './blobBatch';
import type { InvocationAttempt } from './deliveryJudges';

type OutputSettings = CollectorSettings['output'];

/**
 * The output binding of the chosen target. Connections are app-setting prefixes, so identity-based access
 * (`<connection>__blobServiceUri`, `__fullyQualifiedNamespace`, `__queueServiceUri`, `__credential`,
 * `__clientId`) works without code changes.
 */
export function createOutputBinding(settings: OutputSettings): FunctionOutput {
  switch (settings.target) {
    case 'blob':
      return output.storageBlob({
        path: `${settings.blobContainer}/${OUTPUT_BLOB_PATH_PATTERN}`,
        connection: settings.connection,
      });
    case 'eventhub':
      return output.eventHub({ eventHubName: settings.eventHubName, connection: settings.connection });
    case 'queue':
      return output.storageQueue({ queueName: settings.queueName, connection: settings.connection });
  }
}

/**
 * What the handler hands to the host for the target: one NDJSON blob per run (bytes), or one event or
 * queue message per record (a string each).
 */
export function createBindingSink(settings: OutputSettings, attempt: InvocationAttempt): HandOverSink {
  if (settings.target === 'blob') {
    return { kind: 'handOver', maxRecordBytes: undefined, prepare: prepareBlobBatch };
  }
  return {
    kind: 'handOver',
    maxRecordBytes: settings.maxRecordBytes,
    prepare: (records) => ({
      payload: [...records],
      confirmation: {
        kind: 'hostWrite',
        retryCount: attempt.retryCount,
        maxRetryCount: attempt.maxRetryCount,
      },
    }),
  };
}
