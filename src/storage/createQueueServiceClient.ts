import { QueueServiceClient } from '@azure/storage-queue';
import type { StorageSettings } from '../config/settings';
import { invalidConnectionString, storageCredential } from './storageCredential';

/**
 * The Functions storage account's queue service (work, forward and poison queues): by connection string,
 * or by identity (`AzureWebJobsStorage__queueServiceUri`, or the blob endpoint's account).
 */
export function createQueueServiceClient(storage: StorageSettings): QueueServiceClient {
  if (storage.kind === 'connectionString') {
    try {
      return QueueServiceClient.fromConnectionString(storage.connectionString);
    } catch (cause) {
      throw invalidConnectionString(cause);
    }
  }
  return new QueueServiceClient(storage.queueServiceUri, storageCredential(storage));
}
