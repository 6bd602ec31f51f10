import { readFileSync } from 'node:fs';
import type { TlsKeyPair } from '../../../emulators/defender/tls';

/**
 * The emulator key and certificate that Jest's globalSetup wrote and that this process trusts through
 * NODE_EXTRA_CA_CERTS. A certificate created inside a test would not be trusted: Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts.
 */
export function testTlsFromEnv(): TlsKeyPair {
  const keyFile = process.env.TEST_TLS_KEY_FILE;
  const certFile = process.env.TEST_TLS_CERT_FILE;
  if (!keyFile || !certFile) {
    throw new Error(
      'TEST_TLS_KEY_FILE / TEST_TLS_CERT_FILE are not set: run the tests through Jest, whose globalSetup creates them.',
    );
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}
