import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from '../../emulators/azurite';
import {
  DefenderApiEmulator,
  type DefenderApiEmulatorOptions,
} from '../../emulators/defender/defenderApiEmulator';
import { createTestCertificate } from '../../emulators/defender/tls';

export const IDS = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  subscriptionId: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
  clientId: '66666666-7777-4888-9999-aaaaaaaaaaaa',
  clientSecret: 'bench-secret',
};

/** Alerts per page the emulator serves (ARM does not document the alerts list's page size). */
export const PAGE_SIZE = 200;

/** The emulator over HTTPS in this process, Azurite in its own, and a folder for outputs. */
export interface BenchEnvironment {
  emulator: DefenderApiEmulator;
  azurite: RunningAzurite;
  folder: string;
  /** Settings for a child process (the collector or the minimal client), with fresh containers. */
  settings(overrides?: Record<string, string>): Record<string, string>;
  /** ARM requests (alerts lists and subscription lists) the emulator has answered so far. */
  armRequests(): number;
  stop(): Promise<void>;
}

export async function startBenchEnvironment(
  options: Pick<DefenderApiEmulatorOptions, 'alerts' | 'readLimit' | 'listPageSize'> = {},
): Promise<BenchEnvironment> {
  const folder = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  const tls = createTestCertificate();
  const certFile = join(folder, 'cert.pem');
  writeFileSync(certFile, tls.cert);
  const azurite = await startAzurite();
  const emulator = new DefenderApiEmulator({ ...IDS, tls, pageSize: PAGE_SIZE, ...options });
  await emulator.start();
  return {
    emulator,
    azurite,
    folder,
    settings: (overrides = {}) => {
      const suffix = randomUUID().slice(0, 8);
      return {
        NODE_EXTRA_CA_CERTS: certFile,
        tenant_id: IDS.tenantId,
        subscription_id: IDS.subscriptionId,
        client_id: IDS.clientId,
        client_secret: IDS.clientSecret,
        authority_host: emulator.url,
        resource_manager_endpoint: emulator.url,
        AzureWebJobsStorage: azurite.connectionString,
        index_container: `index-${suffix}`,
        outbox_container: `outbox-${suffix}`,
        ...overrides,
      };
    },
    armRequests: () =>
      emulator.requests.filter((request) => /^\/subscriptions(\/|$)/i.test(request.path)).length,
    stop: async () => {
      await emulator.stop();
      await azurite.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
