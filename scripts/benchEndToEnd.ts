import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite } from '../emulators/azurite';
import { generateAlerts } from '../emulators/defender/alertFactory';
import { DefenderApiEmulator } from '../emulators/defender/defenderApiEmulator';
import { createTestCertificate } from '../emulators/defender/tls';

const IDS = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  subscriptionId: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
  clientId: '66666666-7777-4888-9999-aaaaaaaaaaaa',
  clientSecret: 'bench-secret',
};

/**
 * Times the local collection command (`dist/src/cli/main.js collect`, as `npm run collect` runs it) against the
 * emulator over HTTPS and Azurite: a first run that delivers every alert and a second that delivers none.
 */
export async function runEndToEnd(count: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'collector-bench-'));
  const tls = createTestCertificate();
  const certFile = join(folder, 'cert.pem');
  writeFileSync(certFile, tls.cert);
  const azurite = await startAzurite();
  const emulator = new DefenderApiEmulator({
    ...IDS,
    tls,
    pageSize: 200,
    alerts: generateAlerts({ count, seed: 99, subscriptionId: IDS.subscriptionId }),
  });
  await emulator.start();
  const env = {
    NODE_EXTRA_CA_CERTS: certFile,
    tenant_id: IDS.tenantId,
    subscription_id: IDS.subscriptionId,
    client_id: IDS.clientId,
    client_secret: IDS.clientSecret,
    authority_host: emulator.url,
    resource_manager_endpoint: emulator.url,
    AzureWebJobsStorage: azurite.connectionString,
  };
  try {
    const leastWork = (await runNode(join(__dirname, 'leastWork.js'), [], env)).trim();
    const leastMs = Number(/durationInMs=(\d+)/.exec(leastWork)?.[1]);
    console.log(
      `end to end, ${count.toLocaleString('en')} alerts, least possible work (fetch, parse, serialise once): ${leastWork}`,
    );
    for (const label of ['first run', 'second run']) {
      const started = process.hrtime.bigint();
      const collect = join(__dirname, '..', 'src', 'cli', 'main.js');
      const output = await runNode(collect, ['collect', '--output', join(folder, 'out.ndjson')], env);
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const summary = /Collected Defender for Cloud alerts: (.*)/.exec(output)?.[1] ?? output.trim();
      const runMs = Number(/duration=([\d.]+)s/.exec(summary)?.[1]) * 1000;
      console.log(
        `end to end, ${count.toLocaleString('en')} alerts, ${label}: ${(runMs / leastMs).toFixed(2)}x the least work; ` +
          `${(wall / 1000).toFixed(2)} s wall with process start; ${summary}`,
      );
    }
  } finally {
    await emulator.stop();
    await azurite.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs a script; returns what it wrote to stdout and stderr (the command line logs on stderr). */
async function runNode(script: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${script} exited with ${code}:\n${output}`);
  return output;
}
