import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import {
  DEMO_LOCK_FILE,
  loadOrCreateCertificate,
  lockDemoFolder,
  runLocalDemo,
} from '../../src/cli/localDemo';
import { SETTING_NAMES } from '../../src/config/settingNames';
import { RecordingLogger } from '../../src/telemetry/logger';
import { createTestCertificate } from '../../emulators/defender/tls';

const DAY = 24 * 60 * 60 * 1000;
const ROOT = join(__dirname, '..', '..');

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'local-demo-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** A self-signed certificate (and its key) whose validity ended yesterday. */
function expiredCertificate(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 31 * DAY);
  cert.validity.notAfter = new Date(Date.now() - DAY);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

function storeCertificate(tlsFolder: string, pair: { key: string; cert: string }): void {
  mkdirSync(tlsFolder, { recursive: true });
  writeFileSync(join(tlsFolder, 'key.pem'), pair.key);
  writeFileSync(join(tlsFolder, 'cert.pem'), pair.cert);
}

const validTo = (pem: string): number => new Date(new X509Certificate(pem).validTo).getTime();

describe("the local demo's certificate", () => {
  it('is made when there is none, then kept while it is valid for more than a day', () => {
    const logger = new RecordingLogger();
    const first = loadOrCreateCertificate(join(folder, 'tls'), logger);
    const second = loadOrCreateCertificate(join(folder, 'tls'), logger);
    expect(second).toEqual(first);
    expect(validTo(first.cert)).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(logger.lines).toEqual([]);
  });

  it('is made afresh when the stored one has expired, saying so', () => {
    const tlsFolder = join(folder, 'tls');
    const expired = expiredCertificate();
    storeCertificate(tlsFolder, expired);
    const logger = new RecordingLogger();
    const tls = loadOrCreateCertificate(tlsFolder, logger);
    expect(tls.cert).not.toBe(expired.cert);
    expect(readFileSync(tls.certFile, 'utf8')).toBe(tls.cert);
    expect(validTo(tls.cert)).toBeGreaterThan(Date.now() + 29 * DAY);
    const notAfter = new Date(validTo(expired.cert)).toISOString();
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: `The demo's TLS certificate expired on ${notAfter}: made a new one in '${tlsFolder}'.`,
        fields: undefined,
      },
    ]);
  });

  it.each<[string, (notAfter: number) => number, string]>([
    [
      'expires within a day',
      (notAfter) => notAfter - 12 * 60 * 60 * 1000,
      'expires on <notAfter>, within a day',
    ],
    ['has expired a minute ago', (notAfter) => notAfter + 60_000, 'expired on <notAfter>'],
  ])('is made afresh when it %s', (_, clock, problem) => {
    const tlsFolder = join(folder, 'tls');
    const stored = loadOrCreateCertificate(tlsFolder, new RecordingLogger());
    const notAfter = validTo(stored.cert);
    const logger = new RecordingLogger();
    const tls = loadOrCreateCertificate(tlsFolder, logger, new Date(clock(notAfter)));
    expect(tls.cert).not.toBe(stored.cert);
    expect(logger.lines.map((line) => line.message)).toEqual([
      `The demo's TLS certificate ${problem.replace('<notAfter>', new Date(notAfter).toISOString())}: ` +
        `made a new one in '${tlsFolder}'.`,
    ]);
  });

  it.each<[string, (tlsFolder: string) => void, string]>([
    [
      'unreadable',
      (tlsFolder) => writeFileSync(join(tlsFolder, 'cert.pem'), 'not a certificate'),
      'is unreadable',
    ],
    [
      'not the one of its key',
      (tlsFolder) => writeFileSync(join(tlsFolder, 'cert.pem'), createTestCertificate().cert),
      'does not match its key',
    ],
  ])('is made afresh when the stored one is %s', (_, damage, problem) => {
    const tlsFolder = join(folder, 'tls');
    loadOrCreateCertificate(tlsFolder, new RecordingLogger());
    damage(tlsFolder);
    const logger = new RecordingLogger();
    const tls = loadOrCreateCertificate(tlsFolder, logger);
    expect(new X509Certificate(tls.cert).checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
    expect(logger.lines.map((line) => line.message)).toEqual([
      `The demo's TLS certificate ${problem}: made a new one in '${tlsFolder}'.`,
    ]);
  });
});

/** A node process that idles until killed: a live process id that is not this one. */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child;
}

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

function writeLock(holder: { pid: number; startedAt: string }): string {
  const lockFile = join(folder, DEMO_LOCK_FILE);
  writeFileSync(lockFile, JSON.stringify(holder));
  return lockFile;
}

function busyMessage(who: string): string {
  return (
    `Another local demo ${who} in '${folder}'. Two demos at once would share one Azurite folder and deliver the ` +
    'same alerts twice, so this one does not run: wait for the other to finish, then run again. If no demo is ' +
    `running, delete '${join(folder, DEMO_LOCK_FILE)}'.`
  );
}

describe("the local demo's lock on .local/", () => {
  it('is taken with this process id and removed on release, once', () => {
    const release = lockDemoFolder(folder, new RecordingLogger());
    const lockFile = join(folder, DEMO_LOCK_FILE);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual({
      pid: process.pid,
      startedAt: expect.any(String),
    });
    release!();
    release!();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('held by a running demo: a second demo does not run, says why and what to do, and leaves the lock', async () => {
    const other = await liveProcess();
    try {
      const lockFile = writeLock({ pid: other.pid!, startedAt: '2026-11-30T10:00:00.000Z' });
      const logger = new RecordingLogger();
      expect(lockDemoFolder(folder, logger)).toBeUndefined();
      expect(logger.lines).toEqual([
        {
          level: 'error',
          message: busyMessage(`(pid ${other.pid}, started 2026-11-30T10:00:00.000Z) is running`),
          fields: undefined,
        },
      ]);
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: other.pid });
    } finally {
      other.kill();
    }
  });

  it('left by a demo that is no longer running is taken over, with a warning', async () => {
    const pid = await deadPid();
    const lockFile = writeLock({ pid, startedAt: '2026-11-30T10:00:00.000Z' });
    const logger = new RecordingLogger();
    const release = lockDemoFolder(folder, logger);
    expect(release).toBeDefined();
    expect(logger.lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      `warn Took over the lock '${lockFile}' of a demo that is no longer running (pid ${pid}, started 2026-11-30T10:00:00.000Z).`,
    ]);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    release!();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('that cannot be read is one being written when it is fresh, and stale when it is old', () => {
    const lockFile = join(folder, DEMO_LOCK_FILE);
    writeFileSync(lockFile, '');
    const logger = new RecordingLogger();
    expect(lockDemoFolder(folder, logger)).toBeUndefined();
    expect(logger.lines.map((line) => line.message)).toEqual([busyMessage('is starting')]);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile, aMinuteAgo, aMinuteAgo);
    const later = new RecordingLogger();
    lockDemoFolder(folder, later)!();
    expect(later.lines.map((line) => line.message)).toEqual([
      `Took over the lock '${lockFile}' of a demo that is no longer running (an unreadable lock).`,
    ]);
  });

  it('makes a second demo exit 1 before it touches .local/', async () => {
    const other = await liveProcess();
    const cwd = process.cwd();
    try {
      const home = join(folder, '.local');
      mkdirSync(home);
      writeFileSync(join(home, DEMO_LOCK_FILE), JSON.stringify({ pid: other.pid, startedAt: 'now' }));
      process.chdir(folder);
      const logger = new RecordingLogger();
      expect(await runLocalDemo([], logger)).toBe(1);
      expect(logger.lines.map((line) => line.level)).toEqual(['error']);
      expect(logger.lines[0]?.message).toMatch(/^Another local demo \(pid \d+, started now\) is running in /);
      expect(existsSync(join(home, 'azurite'))).toBe(false);
      expect(existsSync(join(home, 'demo-state.json'))).toBe(false);
    } finally {
      process.chdir(cwd);
      other.kill();
    }
  });
});

describe('two compiled demos started at once in one folder, with an expired certificate', () => {
  beforeAll(async () => {
    // The demo runs its collection in a child process from dist/: build it as `npm run build:tools` does.
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.tools.json'],
        { cwd: ROOT },
        (error, stdout) => (error ? reject(new Error(`build failed: ${stdout}`)) : resolve()),
      ),
    );
  }, 60_000);

  /** `npm run collect` with no settings at all, in `folder`: the demo. */
  function demo(): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
    const names = new Set<string>(Object.values(SETTING_NAMES));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.has(name)));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/src/cli/main.js'), 'collect', '--output', 'out.ndjson'],
      {
        cwd: folder,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
    return { child, done };
  }

  it('the first makes a fresh certificate and delivers every alert once; the second exits 1 saying why', async () => {
    const home = join(folder, '.local');
    const expired = expiredCertificate();
    storeCertificate(join(home, 'tls'), expired);
    const first = demo();
    const lockFile = join(home, DEMO_LOCK_FILE);
    while (!existsSync(lockFile) && first.child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    const second = await demo().done;
    const firstResult = await first.done;

    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`ERROR Another local demo (pid ${first.child.pid}, started `);
    expect(firstResult.code).toBe(0);
    expect(firstResult.stderr).toContain("INFO  The demo's TLS certificate expired on ");
    expect(readFileSync(join(folder, 'out.ndjson'), 'utf8').trim().split('\n')).toHaveLength(1003);
    expect(readFileSync(join(home, 'tls', 'cert.pem'), 'utf8')).not.toBe(expired.cert);
    expect(existsSync(lockFile)).toBe(false);
  });
});
