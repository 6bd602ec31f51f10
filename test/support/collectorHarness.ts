import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { SettingsSource } from '../../src/config/settingReaders';
import { InMemorySink } from '../../src/delivery/sinks';
import {
  DefenderApiEmulator,
  type DefenderApiEmulatorOptions,
} from '../../emulators/defender/defenderApiEmulator';
import { testTlsFromEnv } from './emulator/testTls';

export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const SUBSCRIPTION_ID = '9c2df136-7403-467f-91c5-a9e1599f5cd2';
export const CLIENT_ID = '66666666-7777-4888-9999-aaaaaaaaaaaa';
/** Recognisable, so tests can assert it never appears in logs or errors. */
export const CLIENT_SECRET = 'test-secret-Zq8!do-not-log';

/** Retries fast enough for tests, through the same SDK policies as production. */
export const FAST_RETRIES = { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 200 };

export function azuriteConnectionString(): string {
  const value = process.env.TEST_AZURITE_CONNECTION_STRING;
  if (!value)
    throw new Error(
      'TEST_AZURITE_CONNECTION_STRING is not set: run the tests with `npm test` (jest globalSetup starts Azurite).',
    );
  return value;
}

export function blobService(): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azuriteConnectionString());
}

/** The shared Azurite's queue service (same account as `blobService()`). */
export function queueService(): QueueServiceClient {
  return QueueServiceClient.fromConnectionString(azuriteConnectionString());
}

/** A started emulator for one test file; pass alerts with `setAlerts`. */
export async function startEmulator(
  pageSize = 50,
  more: Partial<DefenderApiEmulatorOptions> = {},
): Promise<DefenderApiEmulator> {
  const emulator = new DefenderApiEmulator({
    tls: testTlsFromEnv(),
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subscriptionId: SUBSCRIPTION_ID,
    pageSize,
    ...more,
  });
  await emulator.start();
  return emulator;
}

/** The `n`-th subscription of an emulated tenant: 00000000-0000-4000-8000-0000000000nn. */
export const tenantSubscription = (n: number): string =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A home tenant other than {@link TENANT_ID}, for delegated subscriptions. */
export const OTHER_TENANT_ID = '0a0b0c0d-0e0f-4010-8011-121314151617';

/** Settings pointing at the emulator and Azurite, with containers of their own so tests don't collide. */
export function testSettings(
  emulator: DefenderApiEmulator,
  overrides: SettingsSource = {},
): Record<string, string | undefined> {
  const suffix = randomUUID().slice(0, 8);
  return {
    tenant_id: TENANT_ID,
    subscription_id: SUBSCRIPTION_ID,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    authority_host: emulator.url,
    resource_manager_endpoint: emulator.url,
    AzureWebJobsStorage: azuriteConnectionString(),
    index_container: `index-${suffix}`,
    output_blob_container: `out-${suffix}`,
    outbox_container: `outbox-${suffix}`,
    work_queue: `work-${suffix}`,
    forward_queue: `forward-${suffix}`,
    cron: '0 */5 * * * *',
    ...overrides,
  };
}

export class MemorySink extends InMemorySink {
  alerts(): { id: string; properties: Record<string, unknown> }[] {
    return this.records.map(
      (record) => JSON.parse(record) as { id: string; properties: Record<string, unknown> },
    );
  }
}

export async function readBlobIfExists(
  container: ContainerClient,
  name: string,
): Promise<Buffer | undefined> {
  const blob = container.getBlobClient(name);
  return (await blob.exists()) ? blob.downloadToBuffer() : undefined;
}
