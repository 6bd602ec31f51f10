import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from '../../emulators/azurite';
import { createTestCertificate } from '../../emulators/defender/tls';

/**
 * Runs once before the test processes start: makes the emulator's TLS certificate (trusted through
 * NODE_EXTRA_CA_CERTS, which Node reads only at process start) and starts one Azurite (blob and queue
 * services) for all tests. Each test uses its own containers and queues, so tests can run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'defender-collector-tests-'));
  const { key, cert } = createTestCertificate();
  const keyFile = join(folder, 'emulator-key.pem');
  const certFile = join(folder, 'emulator-cert.pem');
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert);
  process.env.NODE_EXTRA_CA_CERTS = certFile;
  process.env.TEST_TLS_KEY_FILE = keyFile;
  process.env.TEST_TLS_CERT_FILE = certFile;

  const azurite = await startAzurite();
  process.env.TEST_AZURITE_CONNECTION_STRING = azurite.connectionString;
  process.env.TEST_AZURITE_BLOB_ENDPOINT = azurite.blobEndpoint;
  process.env.TEST_AZURITE_QUEUE_ENDPOINT = azurite.queueEndpoint;
  Object.assign(globalThis, { __azurite: azurite, __testFolder: folder });
}
