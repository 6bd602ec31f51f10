import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { StorageSettings } from '../config/settings';

/**
 * The Functions storage account, reached the way the host reaches it: by connection string, or by
 * identity (`AzureWebJobsStorage__blobServiceUri`, with `__clientId` for a user-assigned identity).
 */
export function createBlobServiceClient(
  storage: StorageSettings,
  options: StoragePipelineOptions = {},
): BlobServiceClient {
  if (storage.kind === 'connectionString') {
    try {
      return BlobServiceClient.fromConnectionString(storage.connectionString, options);
    } catch (cause) {
      // The SDK's message may quote the connection string, which holds the account key: never pass it on.
      throw new Error(
        "Invalid setting 'AzureWebJobsStorage': it is not a storage connection string. Use the account's " +
          'connection string, "UseDevelopmentStorage=true" for Azurite, or remove it and set ' +
          "'AzureWebJobsStorage__blobServiceUri' for identity-based access.",
        { cause: cause instanceof Error ? new Error(cause.name) : undefined },
      );
    }
  }
  const credential =
    storage.clientId !== undefined
      ? new ManagedIdentityCredential({ clientId: storage.clientId })
      : new DefaultAzureCredential();
  return new BlobServiceClient(storage.blobServiceUri, credential, options);
}
