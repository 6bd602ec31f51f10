/*
 * Which storage account a binding's `connection` names, and clients for it.
 *
 * Checked against:
 * - Azure/azure-sdk-for-net sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/src/Shared/
 *   StorageClientProvider.cs (empty `connection` → "Storage"; "Storage account connection string
 *   'AzureWebJobs{name}' does not exist. Make sure that it is a defined App Setting.").
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Extensions/IConfigurationExtensions.cs
 *   (`GetWebJobsConnectionStringSection`: "AzureWebJobs" + name first, then the name itself).
 * Identity-based connections (`<name>__serviceUri`) are not modelled: Azurite takes connection strings.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { AppSettings } from './appSettingReferences';

/** One storage account reached through a connection string. */
export interface StorageAccountClients {
  accountName: string;
  blobService: BlobServiceClient;
  queueService: QueueServiceClient;
}

/**
 * The connection string a binding's `connection` resolves to: the setting `AzureWebJobs<connection>`,
 * else `<connection>`; an absent or blank `connection` means `AzureWebJobsStorage`.
 * @throws Error with the host's message when neither setting is defined.
 */
export function resolveStorageConnectionString(
  connection: string | undefined,
  appSettings: AppSettings,
): string {
  const name = connection?.trim() ? connection : 'Storage';
  const value = appSettings[`AzureWebJobs${name}`] ?? appSettings[name];
  if (value === undefined)
    throw new Error(
      `Storage account connection string 'AzureWebJobs${name}' does not exist. Make sure that it is a defined App Setting.`,
    );
  if (!value.trim())
    throw new Error(
      `Connection should have an 'endpoint' property or be a string representing a connection string.`,
    );
  return value;
}

/** Blob and queue clients for the account a binding's `connection` names. */
export function storageAccountFor(
  connection: string | undefined,
  appSettings: AppSettings,
): StorageAccountClients {
  const connectionString = resolveStorageConnectionString(connection, appSettings);
  const blobService = BlobServiceClient.fromConnectionString(connectionString);
  return {
    accountName: blobService.accountName,
    blobService,
    queueService: QueueServiceClient.fromConnectionString(connectionString),
  };
}
