import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { StorageSettings } from '../config/settings';
import { invalidConnectionString, storageCredential } from './storageCredential';

/**
 * The Functions storage account's blob service, reached the way the host reaches it: by connection string,
 * or by identity (`AzureWebJobsStorage__blobServiceUri`, with `__clientId` for a user-assigned identity).
 */
export function createBlobServiceClient(
  storage: StorageSettings,
  options: StoragePipelineOptions = {},
): BlobServiceClient {
  if (storage.kind === 'connectionString') {
    try {
      return BlobServiceClient.fromConnectionString(storage.connectionString, options);
    } catch (cause) {
      throw invalidConnectionString(cause);
    }
  }
  return new BlobServiceClient(storage.blobServiceUri, storageCredential(storage), options);
}
