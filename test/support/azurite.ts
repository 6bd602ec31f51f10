import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  blobEndpoint: string;
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service on a free loopback port, in memory or with its data in `location`.
 * Telemetry is off: Azurite otherwise tries to reach the internet.
 */
export async function startAzurite(options: { location?: string } = {}): Promise<RunningAzurite> {
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const storage = options.location ? ['--location', options.location] : ['--inMemoryPersistence'];
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      ...storage,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const blobEndpoint = await readListeningUrl(child);
  const endpoint = `${blobEndpoint}/${ACCOUNT}`;
  return {
    blobEndpoint: endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${endpoint};`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function readListeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within 30 s. It printed:\n${output}`)),
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
      fail(new Error(`Azurite exited with code ${code} before listening:\n${output}`)),
    );
  });
}
