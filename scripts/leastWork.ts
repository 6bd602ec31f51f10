/**
 * The least possible work of a collection, for the benchmark's yardstick: fetch every page through the
 * same SDK client, parse it, and serialise each alert once. No index, no fingerprints, no output.
 * Reads the same settings as the collector; prints `durationInMs=<n> alerts=<n>`.
 */
import { loadSettings } from '../src/config/settings';
import { ArmAlertSource } from '../src/defender/armAlertSource';
import { createCredential } from '../src/defender/createCredential';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const settings = loadSettings(process.env);
  const source = new ArmAlertSource({
    credential: createCredential(settings),
    subscriptionId: settings.subscriptions.listed[0]!,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint: 'the benchmark',
  });
  let alerts = 0;
  let bytes = 0;
  for await (const page of source.pages()) {
    for (const alert of page.alerts) {
      bytes += JSON.stringify(alert).length;
      alerts += 1;
    }
  }
  const durationInMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`durationInMs=${durationInMs.toFixed(0)} alerts=${alerts} characters=${bytes}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
