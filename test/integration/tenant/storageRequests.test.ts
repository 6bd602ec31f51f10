import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { loadSettings } from '../../../src/config/settings';
import { InMemorySink } from '../../../src/delivery/sinks';
import { collectSubscriptions } from '../../../src/pipeline/collectSubscriptions';
import { RecordingLogger } from '../../../src/telemetry/logger';
import {
  blobService,
  FAST_RETRIES,
  SUBSCRIPTION_ID,
  startEmulator,
  tenantSubscription as sub,
  testSettings,
} from '../../support/collectorHarness';
import { FaultProxy } from '../../support/faultProxy';

const SUBSCRIPTIONS = 12;

let emulator: DefenderApiEmulator;
let proxy: FaultProxy;
beforeEach(async () => {
  emulator = await startEmulator(50);
  emulator.setAlerts(generateAlerts({ count: 3, seed: 700, subscriptionId: SUBSCRIPTION_ID }));
  for (let n = 2; n <= SUBSCRIPTIONS; n += 1)
    emulator.addSubscription(sub(n), {
      alerts: generateAlerts({ count: n, seed: 700 + n, subscriptionId: sub(n) }),
    });
  proxy = new FaultProxy(new URL(process.env.TEST_AZURITE_BLOB_ENDPOINT!));
  await proxy.start();
});
afterEach(async () => {
  await proxy.stop();
  await emulator.stop();
});

/** Settings of a deployed tenant (the Bicep creates both containers), with storage reached through the proxy. */
async function deployedTenant() {
  const settings = testSettings(emulator, { subscription_id: '', subscription_ids: '*' });
  settings.AzureWebJobsStorage = settings.AzureWebJobsStorage!.replace(
    /BlobEndpoint=[^;]+/,
    `BlobEndpoint=${proxy.origin}/devstoreaccount1`,
  );
  await blobService().getContainerClient(settings.index_container!).create();
  await blobService().getContainerClient(settings.outbox_container!).create();
  return settings;
}

async function cycle(settings: Record<string, string | undefined>) {
  const sink = new InMemorySink();
  const { outcomes } = await collectSubscriptions({
    settings: loadSettings(settings),
    sink,
    logger: new RecordingLogger(),
    retryOptions: FAST_RETRIES,
  });
  return { outcomes, sink };
}

/** "PUT 201 index", "GET 200 list": a request as the proxy saw it, by what it touched. */
function requestsOf(settings: Record<string, string | undefined>): string[] {
  return proxy.answered.map(({ method, path, status }) => {
    const what = path.includes('comp=list')
      ? 'list'
      : path.includes(`/${settings.outbox_container!}/collected/`)
        ? 'marker'
        : 'index';
    return `${method} ${status} ${what}`;
  });
}

const tally = (requests: string[]) =>
  requests.reduce<Record<string, number>>((counts, request) => {
    counts[request] = (counts[request] ?? 0) + 1;
    return counts;
  }, {});

describe('storage requests of the local runner, counted at the wire', () => {
  it('a first run of N subscriptions lists twice, then writes each index and its marker: 2 + 2N requests', async () => {
    const settings = await deployedTenant();
    const { outcomes } = await cycle(settings);
    expect(outcomes.filter((outcome) => outcome.error !== undefined)).toEqual([]);
    expect(outcomes).toHaveLength(SUBSCRIPTIONS);
    expect(tally(requestsOf(settings))).toEqual({
      'GET 200 list': 2,
      'PUT 201 index': SUBSCRIPTIONS,
      'PUT 201 marker': SUBSCRIPTIONS,
    });
  });

  it('a steady-state run lists the indexes once (every one is there: the markers need no listing), reads each index once, and writes nothing', async () => {
    const settings = await deployedTenant();
    await cycle(settings);
    proxy.answered.length = 0;
    const { outcomes, sink } = await cycle(settings);
    expect(outcomes.filter((outcome) => outcome.error !== undefined)).toEqual([]);
    expect(sink.records).toEqual([]);
    expect(tally(requestsOf(settings))).toEqual({ 'GET 200 list': 1, 'GET 200 index': SUBSCRIPTIONS });
  });

  it('an index missing from the listing, with its marker listed, stops that subscription loudly without a read', async () => {
    const settings = await deployedTenant();
    await cycle(settings);
    const lost = sub(5);
    await blobService().getContainerClient(settings.index_container!).deleteBlob(`${lost}.index`);
    proxy.answered.length = 0;
    const { outcomes, sink } = await cycle(settings);
    expect(outcomes.find((outcome) => outcome.subscriptionId === lost)?.error).toMatch(
      new RegExp(
        `^The hash index '${settings.index_container!}/${lost}.index' is missing, but subscription '${lost}' ` +
          `was collected before \\('${settings.outbox_container!}/collected/${lost}.json' records it\\)`,
      ),
    );
    expect(outcomes.filter((outcome) => outcome.error !== undefined)).toHaveLength(1);
    expect(sink.records).toEqual([]);
    expect(tally(requestsOf(settings))).toEqual({ 'GET 200 list': 2, 'GET 200 index': SUBSCRIPTIONS - 1 });
  });
});
