import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificate } from '../../../emulators/defender/tls';

const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';

/**
 * Runs a fresh `node` (NODE_EXTRA_CA_CERTS is read at process start) that GETs https://127.0.0.1:port/
 * once per server name (undefined: verify the IP address itself) and prints one outcome per line.
 */
function probeInChild(
  port: number,
  serverNames: (string | undefined)[],
  extraCaFile?: string,
): Promise<string[]> {
  const script = `
    const https = require('node:https');
    const get = (servername) => new Promise((resolve) => {
      https.get({ host: '127.0.0.1', port: ${port}, path: '/', servername }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(res.statusCode + ' ' + body));
      }).on('error', (e) => resolve('error ' + e.code));
    });
    Promise.all(${JSON.stringify(serverNames.map((name) => name ?? null))}.map((n) => get(n ?? undefined)))
      .then((lines) => console.log(lines.join('\\n')));`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCaFile) env.NODE_EXTRA_CA_CERTS = extraCaFile;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env }, (error, stdout) => {
      if (error) reject(new Error(`probe failed: ${error.message}`));
      else resolve(stdout.trim().split('\n'));
    });
  });
}

describe('createTestCertificate', () => {
  const tls = createTestCertificate();

  it('is a CA and server certificate for localhost, 127.0.0.1 and ::1, matching its key', () => {
    const x509 = new X509Certificate(tls.cert);
    expect(x509.ca).toBe(true);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.keyUsage).toContain(SERVER_AUTH_OID);
    expect(x509.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true); // self-signed
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now());
  });

  it('is trusted by a new Node process through NODE_EXTRA_CA_CERTS, and only then', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'emulator-tls-test-'));
    const caFile = join(folder, 'ca.pem');
    writeFileSync(caFile, tls.cert);
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await probeInChild(port, [undefined, 'localhost', 'example.com'], caFile)).toEqual([
        '200 hello',
        '200 hello',
        // Proves host names are really checked against the certificate.
        'error ERR_TLS_CERT_ALTNAME_INVALID',
      ]);
      expect(await probeInChild(port, [undefined])).toEqual(['error DEPTH_ZERO_SELF_SIGNED_CERT']);
    } finally {
      server.close();
      server.closeAllConnections();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('creates a new key pair each time', () => {
    expect(createTestCertificate().key).not.toBe(tls.key);
  });
});
