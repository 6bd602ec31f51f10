import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '@azure/logger';
import { loadSettings } from '../../src/config/settings';
import { createArmClient } from '../../src/defender/createArmClient';
import { createCollectSubscriptionFunction } from '../../src/functions/handlers/collectSubscriptionHandler';
import { createForwardBatchFunction } from '../../src/functions/handlers/forwardBatchHandler';
import { createScheduleCollectionFunction } from '../../src/functions/handlers/scheduleCollectionHandler';
import { collectionContainers, runCollection } from '../../src/pipeline/runCollection';
import { createBlobServiceClient } from '../../src/storage/createBlobServiceClient';
import { RecordingLogger } from '../../src/telemetry/logger';
import { RunTelemetry } from '../../src/telemetry/runTelemetry';
import { startAzurite, type RunningAzurite } from '../../emulators/azurite';
import { generateAlerts } from '../../emulators/defender/alertFactory';
import { DefenderApiEmulator, type Fault } from '../../emulators/defender/defenderApiEmulator';
import { runCommandLines } from '../support/canaryCli';
import { captureOutput, folderPlaces, placesOf, storagePlaces, textOf } from '../support/canaryCapture';
import { CanaryScanner, type Place } from '../support/canaryScanner';
import {
  accountSas,
  CANARY_ACCOUNT,
  canariesOf,
  createSecrets,
  keyConnectionString,
  LOCAL_SETTINGS_FILES,
  otherSecretSettings,
  sasConnectionString,
  settingsMistakes,
  type Secrets,
} from '../support/canarySettings';
import { CLIENT_ID, FAST_RETRIES, MemorySink, SUBSCRIPTION_ID, TENANT_ID } from '../support/collectorHarness';
import { deploy, type Deployment } from '../support/deployment';
import { testTlsFromEnv } from '../support/emulator/testTls';

/*
 * Issue 11: no substring of a secret ever appears in any output. Each test plants canaries (random text
 * no output contains by chance) in the settings, runs a path, and hands every byte that path wrote to the
 * scanner: stdout, stderr, the console, thrown errors as a host logs them, output files, the functions'
 * logs, outputs and telemetry; the last test scans every blob and queue message the file left in its own
 * Azurite account, every file it wrote, and the emulator's request log.
 *
 * The scan (CanaryScanner): any substring of 8 or more characters of a canary contains one of exactly 8, so
 * the scanner looks for the canaries' 8-character windows only, with a rolling hash over the text (one pass,
 * a hash-set look-up per position, a character comparison only on a hash hit), ignoring case.
 */

const T0 = Date.parse('2026-11-23T10:00:00Z');
const HOUR = 3_600_000;
const EVERY_ALERT = '2000-01-01T00:00:00Z';
const ALERTS = generateAlerts({ count: 12, seed: 1101, subscriptionId: SUBSCRIPTION_ID });
const secrets: Secrets = createSecrets();
/** A fault for each request of a call with {@link FAST_RETRIES}: the call fails. */
const onEveryTry = (fault: Fault): Fault[] =>
  Array.from({ length: FAST_RETRIES.maxRetries + 1 }, () => fault);
const MISTAKES = settingsMistakes(secrets);

let azurite: RunningAzurite;
let emulator: DefenderApiEmulator;
let scanner: CanaryScanner;
let sas: { token: string; signature: string };
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'canary-'));
  sas = accountSas(secrets.accountKey);
  scanner = new CanaryScanner(canariesOf(secrets, sas.signature));
  emulator = new DefenderApiEmulator({
    tls: testTlsFromEnv(),
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    clientSecret: secrets.clientSecret,
    subscriptionId: SUBSCRIPTION_ID,
    pageSize: 5,
    alerts: ALERTS,
  });
  // An account of our own: its key is a canary, and everything in it was written by this file.
  [azurite] = await Promise.all([
    startAzurite({ account: { name: CANARY_ACCOUNT, key: secrets.accountKey } }),
    emulator.start(),
  ]);
});
afterAll(async () => {
  await Promise.all([azurite?.stop(), emulator?.stop()]);
  rmSync(folder, { recursive: true, force: true });
});

function expectNoSecretIn(places: Place[]): void {
  expect(places.flatMap((place) => scanner.scan(place))).toEqual([]);
}

/** Settings that work, each secret a canary, with containers and queues of their own. */
function workingSettings(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const id = randomUUID().slice(0, 8);
  const settings: Record<string, string | undefined> = {
    tenant_id: TENANT_ID,
    subscription_id: SUBSCRIPTION_ID,
    client_id: CLIENT_ID,
    client_secret: secrets.clientSecret,
    authority_host: emulator.url,
    resource_manager_endpoint: emulator.url,
    AzureWebJobsStorage: keyConnectionString(azurite, secrets.accountKey),
    index_container: `index-${id}`,
    outbox_container: `outbox-${id}`,
    work_queue: `work-${id}`,
    forward_queue: `forward-${id}`,
    output_blob_container: `out-${id}`,
    output_queue_name: `target-${id}`,
    cron: '0 */5 * * * *',
    ...otherSecretSettings(secrets),
    ...changes,
  };
  return Object.fromEntries(
    Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Runs each command line in turn in the test's folder; returns the exit codes and every place. */
function cliRuns(runs: string[][], settings: Record<string, string>) {
  return runCommandLines(runs, settings, folder);
}

function outputFile(): string {
  return join(folder, `out-${randomUUID().slice(0, 8)}.ndjson`);
}

const window = (): string[] => [
  '--from',
  new Date(Date.now() - 2 * HOUR).toISOString(),
  '--to',
  new Date(Date.now() + HOUR).toISOString(),
];

function everyCommand(): string[][] {
  return [
    ['collect', '--output', outputFile()],
    ['collect', '--verbose'],
    ['replay', 'source', '--from', EVERY_ALERT, '--output', outputFile()],
    ['replay', 'source', '--from', EVERY_ALERT, '--to-outbox'],
    ['replay', 'outbox', ...window()],
    ['replay', 'poison'],
    ['reset-index'],
    ['reset-index', '--yes'],
  ];
}

function settingsFile(text: string): string {
  const path = join(folder, `local.settings.${randomUUID().slice(0, 8)}.json`);
  writeFileSync(path, text);
  return path;
}

function withSettingsFile(path: string): string[][] {
  return [
    ['collect', '--settings', path, '--output', outputFile()],
    ['replay', 'poison', '--settings', path],
    ['reset-index', '--settings', path],
  ];
}

describe('the canary scanner', () => {
  it('finds 8 characters of a canary anywhere, in any case or URL-encoded, and not 7', () => {
    const value = 'CNRYab+/cdEFgh12';
    const scan = (text: string) =>
      new CanaryScanner([{ label: 'c', value }]).scan({ place: 'p', text }).map((f) => f.leaked);
    expect(scan(`x "${value.slice(3, 11).toLowerCase()}" y`)).toEqual(['yab+/cde']);
    expect(scan(`sig=${encodeURIComponent(value)}&`)).toEqual([encodeURIComponent(value).toLowerCase()]);
    expect(scan(`${value.slice(0, 7)} ${value.slice(7, 14)}`)).toEqual([]);
  });
});

describe('no substring of a secret appears in the output of the command line', () => {
  it('with working settings, every command runs and prints no secret', async () => {
    const { codes, places } = await cliRuns(everyCommand(), workingSettings());
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expectNoSecretIn(places);
  });

  it('with a SAS connection string, every command runs, and neither prints nor stores its signature', async () => {
    const settings = workingSettings({ AzureWebJobsStorage: sasConnectionString(azurite, sas.token) });
    const { codes, places } = await cliRuns(everyCommand(), settings);
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const ours = [settings.outbox_container, settings.index_container, settings.forward_queue];
    const stored = await storagePlaces(keyConnectionString(azurite, secrets.accountKey), (name) =>
      ours.includes(name),
    );
    expectNoSecretIn([...places, ...stored]);
  });

  it('with the Azure SDKs’ own logging on (AZURE_LOG_LEVEL=verbose), runs that work or fail print no secret', async () => {
    const sasStorage = { AzureWebJobsStorage: sasConnectionString(azurite, sas.token) };
    setLogLevel('verbose');
    try {
      const working = await cliRuns(everyCommand().slice(0, 4), workingSettings());
      const withSas = await cliRuns(everyCommand().slice(0, 5), workingSettings(sasStorage));
      const failing = await cliRuns(
        [['collect', '--output', outputFile()]],
        workingSettings({ client_secret: secrets.wrongClientSecret }),
      );
      expect(working.places.map((place) => place.text).join('')).toContain('azure:core-rest-pipeline');
      expectNoSecretIn([...working.places, ...withSas.places, ...failing.places]);
    } finally {
      setLogLevel();
    }
  });

  it('a wrong client secret fails with the Entra ID error, quoting neither secret', async () => {
    const settings = workingSettings({ client_secret: secrets.wrongClientSecret });
    const runs = [
      ['collect', '--output', outputFile()],
      ['replay', 'source', '--from', EVERY_ALERT],
      ['reset-index'],
    ];
    const { codes, places } = await cliRuns(runs, settings);
    expect(codes).toEqual([1, 1, 1]);
    expect(places.map((place) => place.text).join('')).toContain('AADSTS7000215');
    expectNoSecretIn(places);
  });

  it.each<[string, () => void, string]>([
    ['HTTP 403', () => emulator.denyAccess('forbidden'), 'HTTP 403'],
    ['HTTP 404', () => emulator.denyAccess('notFound'), 'HTTP 404'],
    ['a malformed page', () => emulator.injectFaults({ kind: 'malformedPage' }), 'invalid JSON'],
  ])('%s from the API fails the run without a secret in its message', async (_, fault, expected) => {
    fault();
    try {
      const { codes, places } = await cliRuns([['collect', '--output', outputFile()]], workingSettings());
      expect(codes).toEqual([1]);
      expect(places.map((place) => place.text).join('')).toContain(expected);
      expectNoSecretIn(places);
    } finally {
      emulator.denyAccess(null);
    }
  });

  it("a wrong account key fails with the storage service's 403, quoting neither key", async () => {
    const settings = workingSettings({
      AzureWebJobsStorage: keyConnectionString(azurite, secrets.wrongAccountKey),
    });
    const runs = [
      ['collect', '--output', outputFile()],
      ['replay', 'outbox', ...window()],
      ['replay', 'poison'],
      ['reset-index', '--yes'],
    ];
    const { codes, places } = await cliRuns(runs, settings);
    expect(codes).toEqual([1, 1, 1, 1]);
    expectNoSecretIn(places);
  });

  it.each(MISTAKES.map((mistake) => [mistake.name, mistake.changes] as const))(
    '%s (environment): every command refuses the settings without quoting the secret',
    async (_, changes) => {
      const runs = [['collect', '--output', outputFile()], ['replay', 'poison'], ['reset-index']];
      const { codes, places } = await cliRuns(runs, workingSettings(changes));
      expect(codes).toEqual([1, 1, 1]);
      expectNoSecretIn(places);
    },
  );

  it.each(MISTAKES.map((mistake) => [mistake.name, mistake.changes] as const))(
    '%s (local.settings.json): every command refuses the settings without quoting the secret',
    async (_, changes) => {
      const path = settingsFile(JSON.stringify({ Values: workingSettings(changes) }));
      const { codes, places } = await cliRuns(withSettingsFile(path), {});
      expect(codes).toEqual([1, 1, 1]);
      expectNoSecretIn(places);
    },
  );

  it.each(LOCAL_SETTINGS_FILES.map((file) => [file.name, file.text] as const))(
    'local.settings.json %s: every command prints no secret',
    async (_, text) => {
      const { places } = await cliRuns(withSettingsFile(settingsFile(text(workingSettings(), secrets))), {});
      expectNoSecretIn(places);
    },
  );

  it('--help and usage errors print no secret', async () => {
    const runs = [
      ['--help'],
      ['collect', '--help'],
      ['replay', '--help'],
      ['reset-index', '--help'],
      ['frobnicate'],
      ['collect', 'extra'],
      ['collect', '--frobnicate'],
      ['replay'],
      ['replay', 'outbox'],
      ['replay', 'poison', '--queue', 'elsewhere'],
      ['collect', '--settings', join(folder, 'missing.json')],
    ];
    const { codes, places } = await cliRuns(runs, workingSettings());
    expect(codes).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2]);
    expectNoSecretIn(places);
  });
});

describe('no substring of a secret appears when one subscription’s run fails (fast retries)', () => {
  async function failingRun(settings: Record<string, string>, storageRetries?: { maxTries: number }) {
    const loaded = loadSettings(settings);
    const logger = new RecordingLogger();
    const captured = await captureOutput(() =>
      runCollection({
        settings: loaded,
        subscriptionId: SUBSCRIPTION_ID,
        sink: new MemorySink(),
        logger,
        retryOptions: FAST_RETRIES,
        clients: {
          arm: createArmClient(loaded, { logger, retryOptions: FAST_RETRIES }),
          ...collectionContainers(
            createBlobServiceClient(loaded.storage, { retryOptions: storageRetries }),
            loaded,
          ),
        },
      }),
    );
    expect(captured.error).toBeInstanceOf(Error);
    return [...placesOf('the run', captured), { place: 'the run’s log', text: logger.text() }];
  }

  it.each<[string, Fault]>([
    ['HTTP 429', { kind: 'status', status: 429 }],
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['a reset connection', { kind: 'reset' }],
  ])('%s on every attempt', async (_, fault) => {
    emulator.injectFaults(...onEveryTry(fault));
    expectNoSecretIn(await failingRun(workingSettings()));
  });

  it('storage that cannot be reached (a closed port)', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}/${CANARY_ACCOUNT}`;
    const connection = keyConnectionString(
      { blobEndpoint: endpoint, queueEndpoint: endpoint },
      secrets.accountKey,
    );
    expectNoSecretIn(await failingRun(workingSettings({ AzureWebJobsStorage: connection }), { maxTries: 1 }));
  });
});

describe('no substring of a secret appears in what the three functions log, write or send as telemetry', () => {
  function deploymentPlaces(what: string, app: Deployment, records: unknown[]): Place[] {
    const hub = app.host.eventHub;
    return [
      ...records.map((record, index) => ({
        place: `${what}: invocation ${index + 1}`,
        text: textOf(record),
      })),
      {
        place: `${what}: telemetry`,
        text: textOf({ events: app.telemetry.events, metrics: app.telemetry.metrics }),
      },
      { place: `${what}: Event Hubs`, text: textOf(hub.eventHubNames().map((name) => hub.events(name))) },
    ];
  }

  async function scenario(what: string, body: () => Promise<Place[]>): Promise<Place[]> {
    const captured = await captureOutput(body);
    return [...(captured.value ?? []), ...placesOf(what, captured)];
  }

  it.each(['blob', 'queue', 'eventhub'])('a cycle delivering to the %s target', async (target) => {
    const places = await scenario(`a cycle to ${target}`, async () => {
      const app = deploy(emulator, workingSettings({ output_target: target }), T0);
      const timer = await app.schedule();
      const { work, forward } = await app.drain();
      expect(work.map((record) => record.completion)).toEqual(['deleted']);
      return deploymentPlaces(`a cycle to ${target}`, app, [timer, ...work, ...forward]);
    });
    expectNoSecretIn(places);
  });

  it('outputs that fail on every attempt: the outbox, the target, the work queue', async () => {
    const fail = (what: string) => () => ({
      failOutputs: () => new Error(`injected: the ${what} write failed`),
    });
    const places = await scenario('failing outputs', async () => {
      const app = deploy(emulator, workingSettings(), T0);
      await app.schedule();
      const outbox = await app.drain({ work: fail('outbox') });
      const other = deploy(emulator, workingSettings(), T0);
      await other.schedule();
      const target = await other.drain({ forward: fail('target') });
      const timer = createScheduleCollectionFunction(app.settings, {
        retryOptions: FAST_RETRIES,
        createTelemetry: () => new RunTelemetry(app.telemetry),
      });
      const late = await app.host.invokeTimer('scheduleCollection', timer.options, {
        isPastDue: true,
        ...fail('work queue')(),
      });
      expect([outbox.work.at(-1)?.completion, target.forward.at(-1)?.completion, late.outcome]).toEqual([
        'movedToPoison',
        'movedToPoison',
        'failed',
      ]);
      return [
        ...deploymentPlaces('outbox write failing', app, [...outbox.work, ...outbox.forward, late]),
        ...deploymentPlaces('target write failing', other, [...target.work, ...target.forward]),
      ];
    });
    expectNoSecretIn(places);
  });

  it.each<[string, () => void]>([
    ['HTTP 403', () => emulator.denyAccess('forbidden')],
    ['HTTP 404', () => emulator.denyAccess('notFound')],
    ['HTTP 429 on every retry', () => emulator.injectFaults(...onEveryTry({ kind: 'status', status: 429 }))],
    ['HTTP 500 on every retry', () => emulator.injectFaults(...onEveryTry({ kind: 'status', status: 500 }))],
    ['a reset connection on every retry', () => emulator.injectFaults(...onEveryTry({ kind: 'reset' }))],
    ['a malformed page', () => emulator.injectFaults({ kind: 'malformedPage' })],
  ])('the worker meets %s', async (what, fault) => {
    const places = await scenario(what, async () => {
      const app = deploy(emulator, workingSettings(), T0);
      await app.schedule();
      fault();
      try {
        const failed = await app.work();
        expect(failed?.invocation?.handlerCalled).toBe(true);
        return deploymentPlaces(what, app, [failed]);
      } finally {
        emulator.denyAccess(null);
      }
    });
    expectNoSecretIn(places);
  });

  it('a wrong client secret fails the worker with the Entra ID error, quoting neither secret', async () => {
    const places = await scenario('a wrong secret', async () => {
      const app = deploy(emulator, workingSettings({ client_secret: secrets.wrongClientSecret }), T0);
      await app.schedule();
      const failed = await app.work();
      expect(textOf(failed)).toContain('AADSTS7000215');
      return deploymentPlaces('a wrong secret', app, [failed]);
    });
    expectNoSecretIn(places);
  });

  it('the Application Insights client made from the canary connection string writes nothing of it', async () => {
    const places = await scenario('real telemetry', async () => {
      const app = deploy(emulator, workingSettings(), T0);
      for (let cycle = 0; cycle < 3; cycle += 1) await app.schedule();
      const worker = createCollectSubscriptionFunction(app.settings, { retryOptions: FAST_RETRIES });
      const work = () => app.host.processNextQueueMessage('collectSubscription', worker.options);
      const succeeded = await work();
      emulator.denyAccess('forbidden');
      const skipped = await work().finally(() => emulator.denyAccess(null));
      emulator.injectFaults({ kind: 'malformedPage' });
      const failed = await work();
      expect([succeeded, skipped, failed].map((record) => record?.invocation?.outcome)).toEqual([
        'succeeded',
        'succeeded',
        'failed',
      ]);
      return deploymentPlaces('real telemetry', app, [succeeded, skipped, failed]);
    });
    expectNoSecretIn(places);
  });

  it.each(MISTAKES.map((mistake) => [mistake.name, mistake.changes] as const))(
    '%s: creating the three functions quotes no secret',
    async (name, changes) => {
      const settings = workingSettings(changes);
      const places = [];
      for (const create of [
        createScheduleCollectionFunction,
        createCollectSubscriptionFunction,
        createForwardBatchFunction,
      ]) {
        // Some start, and fail later on storage: a host with such a connection string does not start at all.
        const captured = await captureOutput(() => Promise.resolve(create(settings)));
        places.push(...placesOf(`${create.name} (${name})`, captured));
      }
      expectNoSecretIn(places);
    },
  );
});

describe('no substring of a secret is left anywhere once every path has run', () => {
  it('in storage (every container, blob, queue and message of the account), files, or the emulator’s log', async () => {
    expectNoSecretIn([
      ...(await storagePlaces(keyConnectionString(azurite, secrets.accountKey))),
      ...folderPlaces(folder).filter((place) => !place.place.startsWith('file local.settings.')),
      { place: 'the emulator’s request log', text: textOf(emulator.requests) },
    ]);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
