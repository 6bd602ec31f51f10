import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A storage account Azurite serves: its name and its base64 shared key. */
export interface AzuriteAccount {
  name: string;
  key: string;
}

/**
 * A second, made-up account for tests that need "another storage account" (test-only, not a secret).
 * Start it with `startAzurite({ account: OTHER_AZURITE_ACCOUNT })`: a separate pair of processes.
 */
export const OTHER_AZURITE_ACCOUNT: AzuriteAccount = {
  name: 'otheraccount1',
  key: Buffer.from('other-azurite-account-key-for-tests-only-0001').toString('base64'),
};

export interface StartAzuriteOptions {
  /** Keep the data in this folder (blob and queue share it); in memory when absent. */
  location?: string;
  /** The one account this Azurite serves; Azurite's well-known devstoreaccount1 when absent. */
  account?: AzuriteAccount;
}

export interface RunningAzurite {
  accountName: string;
  /** `http://127.0.0.1:<port>/<account>` */
  blobEndpoint: string;
  /** `http://127.0.0.1:<port>/<account>` */
  queueEndpoint: string;
  /** Has both `BlobEndpoint=` and `QueueEndpoint=`. */
  connectionString: string;
  /** The blob service's process. */
  pid: number;
  /** The queue service's process. */
  queuePid: number;
  /** Stops both services and waits for their processes to exit. */
  stop(): Promise<void>;
}

type AzuriteService = 'blob' | 'queue';

/**
 * Starts Azurite's blob and queue services, each its own process on a free loopback port, in memory or
 * with their data in `location`. Every call starts independent processes, so a second call is a second
 * storage account (pass `account` to give it another name). Telemetry is off: Azurite otherwise tries to
 * reach the internet.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<RunningAzurite> {
  const account = options.account ?? { name: ACCOUNT, key: ACCOUNT_KEY };
  const started = await Promise.allSettled([
    startService('blob', account, options.location),
    startService('queue', account, options.location),
  ]);
  const [blob, queue] = started;
  if (blob.status === 'rejected' || queue.status === 'rejected') {
    const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    await Promise.all(running.map(stopProcess));
    throw blob.status === 'rejected' ? blob.reason : (queue as PromiseRejectedResult).reason;
  }
  const blobEndpoint = `${blob.value.url}/${account.name}`;
  const queueEndpoint = `${queue.value.url}/${account.name}`;
  return {
    accountName: account.name,
    blobEndpoint,
    queueEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${account.name};AccountKey=${account.key};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};`,
    pid: blob.value.child.pid!,
    queuePid: queue.value.child.pid!,
    stop: async () => {
      await Promise.all([stopProcess(blob.value.child), stopProcess(queue.value.child)]);
    },
  };
}

async function startService(
  service: AzuriteService,
  account: AzuriteAccount,
  location: string | undefined,
): Promise<{ child: ChildProcess; url: string }> {
  const main = require.resolve(`azurite/dist/src/${service}/main.js`);
  const storage = location ? ['--location', location] : ['--inMemoryPersistence'];
  const env = { ...process.env };
  // Azurite serves only the accounts in AZURITE_ACCOUNTS when it is set, devstoreaccount1 otherwise.
  if (account.name === ACCOUNT) delete env.AZURITE_ACCOUNTS;
  else env.AZURITE_ACCOUNTS = `${account.name}:${account.key}`;
  const child = spawn(
    process.execPath,
    [
      main,
      `--${service}Host`,
      '127.0.0.1',
      `--${service}Port`,
      '0',
      ...storage,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  return { child, url: await readListeningUrl(child, service) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function readListeningUrl(child: ChildProcess, service: AzuriteService): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite's ${service} service did not start within 30 s. It printed:\n${output}`)),
      30_000,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /successfully listens on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      fail(new Error(`Azurite's ${service} service exited with code ${code} before listening:\n${output}`)),
    );
  });
}
