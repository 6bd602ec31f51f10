import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../telemetry/logger';
import { startAzurite } from '../../emulators/azurite';
import { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import { generateAlerts, microsoftExampleAlerts, sampleRecord } from '../../emulators/defender/alertFactory';
import { createTestCertificate } from '../../emulators/defender/tls';

/** Fixed identities of the demo tenant: not real, and the secret protects nothing but the emulator. */
const DEMO = {
  tenantId: 'a1b2c3d4-0000-4000-8000-000000000001',
  subscriptionId: '9c2df136-7403-467f-91c5-a9e1599f5cd2',
  clientId: '0d3e7b1a-5c2f-4d8e-9a6b-1f2e3d4c5b6a',
  clientSecret: 'local-demo-secret',
  generatedAlerts: 1000,
  resolvedPerRun: 2,
};

/**
 * The local demo: Azurite (data under `.local/azurite`, so the index survives between runs) and the
 * Defender for Cloud API emulator, then one real collection in a child process that trusts the emulator's
 * certificate through NODE_EXTRA_CA_CERTS (which Node reads only at start).
 */
export async function runLocalDemo(argv: string[], logger: Logger): Promise<number> {
  const home = resolve('.local');
  mkdirSync(join(home, 'azurite'), { recursive: true });
  const tls = loadOrCreateCertificate(join(home, 'tls'));
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
    return code ?? 1;
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}

function loadOrCreateCertificate(folder: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(folder, { recursive: true });
    const { key, cert } = createTestCertificate();
    writeFileSync(keyFile, key, { mode: 0o600 });
    writeFileSync(certFile, cert);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
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
