import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../telemetry/logger';
import { startAzurite } from '../../emulators/azurite';
import { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import { generateAlerts, microsoftExampleAlerts, sampleRecord } from '../../emulators/defender/alertFactory';
import { createTestCertificate } from '../../emulators/defender/tls';
import { EXIT } from './commandLine';

/** Fixed identities of the demo tenant: not real, and the secret protects nothing but the emulator. */
const DEMO = {
  tenantId: 'a1b2c3d4-0000-4000-8000-000000000001',
  subscriptionId: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
  clientId: '0d3e7b1a-5c2f-4d8e-9a6b-1f2e3d4c5b6a',
  clientSecret: 'local-demo-secret',
  generatedAlerts: 1000,
  resolvedPerRun: 2,
};

/** The lock file, in the demo's folder, of the demo that owns the folder. */
export const DEMO_LOCK_FILE = 'demo.lock';
const ONE_DAY_MS = 24 * 60 * 60 * 1000;
/** A lock file younger than this that cannot be read yet is one another demo is writing. */
const LOCK_WRITE_GRACE_MS = 10_000;

/**
 * The local demo: Azurite (data under `.local/azurite`, so the index survives between runs) and the
 * Defender for Cloud API emulator, then one real collection in a child process that trusts the emulator's
 * certificate through NODE_EXTRA_CA_CERTS (which Node reads only at start). One demo at a time owns
 * `.local/`: a second one exits with {@link EXIT.failure} and says why.
 */
export async function runLocalDemo(argv: string[], logger: Logger): Promise<number> {
  const home = resolve('.local');
  mkdirSync(home, { recursive: true });
  const release = lockDemoFolder(home, logger);
  if (release === undefined) return EXIT.failure;
  try {
    return await runDemo(home, argv, logger);
  } finally {
    release();
  }
}

async function runDemo(home: string, argv: string[], logger: Logger): Promise<number> {
  mkdirSync(join(home, 'azurite'), { recursive: true });
  const tls = loadOrCreateCertificate(join(home, 'tls'), logger);
  const run = nextRunNumber(join(home, 'demo-state.json'));
  logger.info(
    `LOCAL DEMO (run ${run}): no tenant_id or subscription_id is set, so this collects from the bundled Defender ` +
      'for Cloud API emulator into Azurite, not from Azure. Set them (environment or local.settings.json) to collect for real.',
  );

  const alerts = [
    sampleRecord(),
    ...microsoftExampleAlerts(),
    ...generateAlerts({ count: DEMO.generatedAlerts, seed: 42, subscriptionId: DEMO.subscriptionId }),
  ];
  const emulator = new DefenderApiEmulator({ ...DEMO, tls, alerts, pageSize: 100 });
  const resolved = resolveSomeAlerts(emulator, alerts, run);
  if (resolved > 0)
    logger.info(`The emulator resolved ${resolved} alerts since the last run: expect ${resolved} updates.`);

  const azurite = await startAzurite({ location: join(home, 'azurite') });
  try {
    await emulator.start();
    const child = spawn(process.execPath, [join(__dirname, 'main.js'), 'collect', ...argv], {
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: tls.certFile,
        tenant_id: DEMO.tenantId,
        subscription_id: DEMO.subscriptionId,
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        authority_host: emulator.url,
        resource_manager_endpoint: emulator.url,
        AzureWebJobsStorage: azurite.connectionString,
      },
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return code ?? EXIT.failure;
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}

/** Who holds the demo's lock: what the lock file says. */
interface LockHolder {
  pid: number;
  startedAt: string;
}

/**
 * Takes the demo's lock: `<home>/demo.lock`, created exclusively (flag `wx`) with this process's id, so
 * that two demos never share one Azurite folder (both would deliver the same alerts). A lock whose process
 * is no longer alive (a demo killed before it could remove it) is taken over, with a warning.
 *
 * @returns the function that releases the lock (it is also released when the process exits), or
 *   `undefined` when a live demo holds it: the reason and what to do are logged as an error.
 */
export function lockDemoFolder(home: string, logger: Logger): (() => void) | undefined {
  const lockFile = join(home, DEMO_LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createLock(lockFile, mine)) return releaser(lockFile);
    const holder = readHolder(lockFile);
    if (holder === 'gone') continue;
    if (holder === 'unreadable' ? isBeingWritten(lockFile) : isAlive(holder.pid)) {
      const who =
        holder === 'unreadable'
          ? 'is starting'
          : `(pid ${holder.pid}, started ${holder.startedAt}) is running`;
      logger.error(
        `Another local demo ${who} in '${home}'. Two demos at once would share one Azurite folder and deliver ` +
          'the same alerts twice, so this one does not run: wait for the other to finish, then run again. ' +
          `If no demo is running, delete '${lockFile}'.`,
      );
      return undefined;
    }
    if (takeOver(lockFile))
      logger.warn(
        `Took over the lock '${lockFile}' of a demo that is no longer running ` +
          `(${holder === 'unreadable' ? 'an unreadable lock' : `pid ${holder.pid}, started ${holder.startedAt}`}).`,
      );
  }
  logger.error(`Could not take the lock '${lockFile}': other demos keep changing it. Run again.`);
  return undefined;
}

function createLock(lockFile: string, holder: LockHolder): boolean {
  try {
    writeFileSync(lockFile, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readHolder(lockFile: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isSafeInteger(holder.pid) && typeof holder.startedAt === 'string') return holder as LockHolder;
  } catch {
    // Written by something else, or still being written: decided by its age.
  }
  return 'unreadable';
}

/** Whether a process with this id runs (EPERM: it does, as another user). Our own id is a former process's. */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isBeingWritten(lockFile: string): boolean {
  try {
    return Date.now() - statSync(lockFile).mtimeMs < LOCK_WRITE_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * Moves a stale lock aside (a rename is atomic: of two demos taking it over, one gets it). If what was
 * moved is a live lock another demo made meanwhile, it is put back (a link never replaces a file).
 * @returns whether a stale lock was removed.
 */
function takeOver(lockFile: string): boolean {
  const claimed = `${lockFile}.${process.pid}.stale`;
  try {
    renameSync(lockFile, claimed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readHolder(claimed);
  const live = typeof moved === 'object' && isAlive(moved.pid);
  if (live) {
    try {
      linkSync(claimed, lockFile);
    } catch {
      // A third demo holds the lock now; the one moved aside keeps running without one.
    }
  }
  unlinkSync(claimed);
  return !live;
}

/** Removes the lock if it is still this process's; once, at the latest when the process exits. */
function releaser(lockFile: string): () => void {
  const release = (): void => {
    process.off('exit', release);
    const holder = readHolder(lockFile);
    if (typeof holder === 'object' && holder.pid === process.pid) unlinkSync(lockFile);
  };
  process.on('exit', release);
  return release;
}

/** The demo's key and certificate (PEM), and the certificate's file for NODE_EXTRA_CA_CERTS. */
export interface DemoTls {
  key: string;
  cert: string;
  certFile: string;
}

/**
 * The emulator's key and certificate, kept in `folder` between runs. A new pair is made when there is
 * none, or the stored one is unreadable, does not match its key, is not valid yet, has expired, or expires
 * within a day (the certificate lasts 30 days; an expired one fails the demo with an opaque
 * `endpoints_resolution_error` from the identity library).
 */
export function loadOrCreateCertificate(folder: string, logger: Logger, now = new Date()): DemoTls {
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  const problem = certificateProblem(keyFile, certFile, now.getTime());
  if (problem !== undefined) {
    if (problem !== 'missing')
      logger.info(`The demo's TLS certificate ${problem}: made a new one in '${folder}'.`);
    mkdirSync(folder, { recursive: true });
    const { key, cert } = createTestCertificate();
    writeFileSync(keyFile, key, { mode: 0o600 });
    writeFileSync(certFile, cert);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

function certificateProblem(keyFile: string, certFile: string, nowMs: number): string | undefined {
  if (!existsSync(keyFile) || !existsSync(certFile)) return 'missing';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(certFile));
    if (!certificate.checkPrivateKey(createPrivateKey(readFileSync(keyFile))))
      return 'does not match its key';
  } catch {
    return 'is unreadable';
  }
  // Node 20 has no validToDate; validTo reads like "Dec 30 21:29:58 2026 GMT", which Date parses.
  const notAfter = new Date(certificate.validTo);
  const notBefore = new Date(certificate.validFrom);
  if (Number.isNaN(notAfter.getTime()) || Number.isNaN(notBefore.getTime())) return 'has unreadable dates';
  if (notAfter.getTime() <= nowMs) return `expired on ${notAfter.toISOString()}`;
  if (notAfter.getTime() - nowMs < ONE_DAY_MS) return `expires on ${notAfter.toISOString()}, within a day`;
  if (notBefore.getTime() > nowMs) return `is not valid before ${notBefore.toISOString()}`;
  return undefined;
}

function nextRunNumber(stateFile: string): number {
  let runs = 0;
  try {
    runs = (JSON.parse(readFileSync(stateFile, 'utf8')) as { runs?: number }).runs ?? 0;
  } catch {
    runs = 0;
  }
  writeFileSync(stateFile, JSON.stringify({ runs: runs + 1 }));
  return runs + 1;
}

/** From the second run on, resolves a few active alerts per run, as an analyst closing them would. */
function resolveSomeAlerts(emulator: DefenderApiEmulator, alerts: unknown[], run: number): number {
  const active = alerts
    .map((alert) => alert as { id: string; properties: { status?: string } })
    .filter((alert) => alert.properties.status === 'Active');
  const count = Math.min(Math.max(0, run - 1) * DEMO.resolvedPerRun, active.length);
  for (const alert of active.slice(0, count)) emulator.patchAlertProperties(alert.id, { status: 'Resolved' });
  return Math.min(DEMO.resolvedPerRun, count);
}
