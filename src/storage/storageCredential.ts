import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { StorageSettings } from '../config/settings';

/** The identity an identity-based storage connection signs in with, as the host does. */
export function storageCredential(storage: Extract<StorageSettings, { kind: 'identity' }>): TokenCredential {
  return storage.clientId !== undefined
    ? new ManagedIdentityCredential({ clientId: storage.clientId })
    : new DefaultAzureCredential();
}

/** The SDK's message may quote the connection string, which holds the account key: never pass it on. */
export function invalidConnectionString(cause: unknown): Error {
  return new Error(
    "Invalid setting 'AzureWebJobsStorage': it is not a storage connection string. Use the account's " +
      'connection string, "UseDevelopmentStorage=true" for Azurite, or remove it and set ' +
      "'AzureWebJobsStorage__blobServiceUri' for identity-based access.",
    { cause: cause instanceof Error ? new Error(cause.name) : undefined },
  );
}
