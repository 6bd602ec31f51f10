import { generateKeyPairSync } from 'node:crypto';
import selfsigned from 'selfsigned';

/** A PEM private key and the PEM certificate that goes with it. */
export interface TlsKeyPair {
  /** PEM-encoded private key (PKCS#1 RSA). */
  key: string;
  /** PEM-encoded X.509 certificate. */
  cert: string;
}

/**
 * `selfsigned` v2 accepts a pre-generated key pair in its synchronous path, but its typings omit it.
 * We pass one because node-forge's pure-JS RSA key generation takes seconds, Node's native one milliseconds.
 */
type GenerateOptions = NonNullable<Parameters<typeof selfsigned.generate>[1]> & {
  keyPair?: { privateKey: string; publicKey: string };
};

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a self-signed certificate for `localhost`, `127.0.0.1` and `::1`.
 *
 * The certificate is its own trust anchor: point `NODE_EXTRA_CA_CERTS` at its PEM and every Node HTTPS
 * client in a process started afterwards (MSAL, the Azure SDK pipelines) accepts a server using it,
 * without anyone turning off certificate verification. That is why it carries CA extensions
 * (basicConstraints cA, keyCertSign) as well as the server ones (serverAuth, subjectAltName).
 */
export function createTestCertificate(): TlsKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const options: GenerateOptions = {
    keyPair: { privateKey, publicKey },
    // A day of slack in the past so a test machine with a slightly wrong clock still accepts it.
    notBeforeDate: new Date(Date.now() - ONE_DAY_MS),
    days: 30,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' }, // dNSName
          { type: 7, ip: '127.0.0.1' }, // iPAddress
          { type: 7, ip: '::1' },
        ],
      },
      { name: 'subjectKeyIdentifier' },
    ],
  };
  const pems = selfsigned.generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'Defender API emulator (tests only)' },
    ],
    options,
  );
  return { key: pems.private, cert: pems.cert };
}
