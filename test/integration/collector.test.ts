import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/config/settings';
import { runCollection } from '../../src/pipeline/runCollection';
import { createBlobServiceClient } from '../../src/storage/createBlobServiceClient';
import { describeError } from '../../src/telemetry/describeError';
import { RecordingLogger } from '../../src/telemetry/logger';
import { main } from '../../src/cli/main';
import { generateAlerts, microsoftExampleAlerts, sampleRecord } from '../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../emulators/defender/defenderApiEmulator';
import {
  blobService,
  CLIENT_SECRET,
  FAST_RETRIES,
  MemorySink,
  readBlobIfExists,
  startEmulator,
  SUBSCRIPTION_ID,
  testSettings,
} from '../support/collectorHarness';

let emulator: DefenderApiEmulator;

beforeAll(async () => {
  emulator = await startEmulator(50);
});
afterAll(async () => {
  await emulator.stop();
});

function collect(
  settings: Record<string, string | undefined>,
  sink = new MemorySink(),
  logger = new RecordingLogger(),
) {
  const loaded = loadSettings(settings);
  return runCollection({
    settings: loaded,
    subscriptionId: loaded.subscriptions.listed[0]!,
    sink,
    logger,
    retryOptions: FAST_RETRIES,
  }).then((result) => ({
    ...result,
    sink,
    logger,
  }));
}

function armListRequests(): number {
  return emulator.requests.filter((request) => request.path.endsWith('/providers/Microsoft.Security/alerts'))
    .length;
}

describe('collecting from the Defender for Cloud API emulator into Azurite', () => {
  it('lists every page over HTTPS with one ARM call per page and delivers every alert', async () => {
    const alerts = generateAlerts({ count: 230, seed: 1, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const before = armListRequests();
    const { summary, sink } = await collect(testSettings(emulator));
    expect(summary).toMatchObject({ fetched: 230, new: 230, delivered: 230, pages: 5, failed: 0 });
    expect(armListRequests() - before).toBe(5);
    expect(sink.alerts().map((alert) => alert.id)).toEqual(alerts.map((alert) => alert.id));
  });

  it('asks for a token scoped to the resource manager endpoint it calls', async () => {
    emulator.setAlerts([sampleRecord()]);
    await collect(testSettings(emulator));
    expect(emulator.lastTokenScopes).toEqual([`${emulator.url}/.default`]);
  });

  it('delivers a 2022-01-01 record with every field of the sample record unchanged', async () => {
    const records = [sampleRecord(), ...microsoftExampleAlerts()];
    emulator.setAlerts(records);
    const { sink } = await collect(testSettings(emulator));
    expect(sink.alerts()).toEqual(records);
    const delivered = sink.alerts()[0]!;
    expect(Object.keys(delivered.properties)).toEqual(
      expect.arrayContaining(['version', 'techniques', 'subTechniques', 'supportingEvidence']),
    );
  });

  it('delivers nothing on the second run', async () => {
    emulator.setAlerts(generateAlerts({ count: 120, seed: 2, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    await collect(settings);
    const { summary, sink } = await collect(settings);
    expect(sink.records).toEqual([]);
    expect(summary).toMatchObject({ fetched: 120, new: 0, updated: 0, unchanged: 120 });
  });

  it.each([
    ['content', 1],
    ['id', 0],
  ])('a status change is delivered %s-mode style: %i record(s)', async (mode, expected) => {
    const alerts = generateAlerts({ count: 10, seed: 3, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const settings = testSettings(emulator, { dedupe_mode: mode });
    await collect(settings);
    const changed = alerts[4]!;
    const status =
      (changed.properties as { status: string }).status === 'Resolved' ? 'Dismissed' : 'Resolved';
    emulator.patchAlertProperties(changed.id, { status });
    const { sink, summary } = await collect(settings);
    expect(sink.records).toHaveLength(expected);
    if (expected === 1) expect(sink.alerts()[0]).toMatchObject({ id: changed.id, properties: { status } });
    expect(summary.updated).toBe(expected);
  });

  it('retries 429 (honouring Retry-After) and 503 through the SDK pipeline', async () => {
    emulator.setAlerts(generateAlerts({ count: 60, seed: 4, subscriptionId: SUBSCRIPTION_ID }));
    emulator.injectFaults(
      { kind: 'status', status: 429, retryAfterSeconds: 1 },
      { kind: 'status', status: 503 },
    );
    const before = armListRequests();
    const started = Date.now();
    const { summary } = await collect(testSettings(emulator));
    expect(summary).toMatchObject({ fetched: 60, delivered: 60, pages: 2 });
    expect(armListRequests() - before).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('retries a connection reset', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 5, subscriptionId: SUBSCRIPTION_ID }));
    emulator.injectFaults({ kind: 'reset' });
    const { summary } = await collect(testSettings(emulator));
    expect(summary).toMatchObject({ fetched: 5, delivered: 5 });
  });

  it('skips and counts a malformed alert while the rest are delivered', async () => {
    const good = generateAlerts({ count: 3, seed: 6, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts([good[0], { name: 'no id here' }, good[1], 'garbage', good[2]]);
    const { summary, sink, logger } = await collect(testSettings(emulator));
    expect(summary).toMatchObject({ fetched: 5, failed: 2, delivered: 3 });
    expect(sink.alerts().map((alert) => alert.id)).toEqual(good.map((alert) => alert.id));
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(2);
  });

  it('fails the run on a malformed page and leaves the index as it was', async () => {
    emulator.setAlerts(generateAlerts({ count: 80, seed: 7, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    emulator.injectFaults({ kind: 'malformedPage' });
    const failure = await collect(settings).then(
      () => new Error('the run succeeded'),
      (error: Error) => error,
    );
    expect(failure.message).toBe(
      'Defender for Cloud returned page 1 of the alert listing as invalid JSON (HTTP 200); the run stops so that ' +
        'no alert is skipped. It is retried on the next attempt.',
    );
    const index = blobService().getContainerClient(settings.index_container!);
    expect(await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`)).toBeUndefined();
  });

  it('stops a listing whose nextLink repeats, naming the subscription and the page, and commits nothing', async () => {
    emulator.setAlerts(generateAlerts({ count: 120, seed: 12, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    // Page 1 answers normally, page 2 points back at itself.
    emulator.injectFaults({ kind: 'slow', delayMs: 0 }, { kind: 'selfNextLink' });
    const sink = new MemorySink();
    const failure = await collect(settings, sink).then(
      () => new Error('the run succeeded'),
      (error: Error) => error,
    );
    expect(failure.message).toBe(
      `Defender for Cloud returned page 2 of the alert listing with a nextLink it had already given; the listing ` +
        `would never end. The run stops and commits nothing of it; it is retried on the next attempt.`,
    );
    const index = blobService().getContainerClient(settings.index_container!);
    expect(await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`)).toBeUndefined();
    // What the broken run wrote was never committed: the next run writes it again (a re-send the failure forced).
    const written = sink.alerts().map((alert) => alert.id);
    const next = await collect(settings);
    expect(next.summary).toMatchObject({ new: 120, delivered: 120 });
    expect(next.sink.alerts().map((alert) => alert.id)).toEqual(expect.arrayContaining(written));
  });

  it('stops a listing past max_pages_per_listing, naming the setting, and commits nothing', async () => {
    emulator.setAlerts(generateAlerts({ count: 60, seed: 13, subscriptionId: SUBSCRIPTION_ID }));
    emulator.setEndlessPaging(true);
    const settings = testSettings(emulator, { max_pages_per_listing: '10' });
    const before = armListRequests();
    try {
      await expect(collect(settings)).rejects.toThrow(
        new Error(
          "Defender for Cloud returned more than 10 pages of the alert listing ('max_pages_per_listing'); the listing " +
            'looks endless. The run stops and commits nothing of it. If the subscription really has that many ' +
            "alerts, raise 'max_pages_per_listing'.",
        ),
      );
    } finally {
      emulator.setEndlessPaging(false);
    }
    expect(armListRequests() - before).toBe(10);
  });

  it('a 403 fails the local run with a message naming the Security Reader role, and leaves the index untouched', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 8, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    await collect(settings);
    const index = blobService().getContainerClient(settings.index_container!);
    const before = await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`);
    emulator.denyAccess('forbidden');
    const stderr = captureStream(process.stderr);
    const saved = { ...process.env };
    Object.assign(process.env, settings);
    let code: number;
    try {
      code = await main(['--output', '-']);
    } finally {
      process.env = saved;
      emulator.denyAccess(null);
    }
    const output = stderr.stop();
    expect(code).toBe(1);
    expect(output).toMatch(
      /HTTP 403 AuthorizationFailed.*Grant the identity with client id '[0-9a-f-]+' the Security Reader role/,
    );
    expect(output).not.toContain(CLIENT_SECRET);
    expect(await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`)).toEqual(before);
  });

  it('with --output <file>, a failing run writes its error to stderr and nothing to stdout', async () => {
    const settings = testSettings(emulator);
    emulator.denyAccess('forbidden');
    const stderr = captureStream(process.stderr);
    const stdout = captureStream(process.stdout);
    const saved = { ...process.env };
    Object.assign(process.env, settings);
    let code: number;
    try {
      code = await main(['--output', join(mkdtempSync(join(tmpdir(), 'collect-')), 'alerts.ndjson')]);
    } finally {
      process.env = saved;
      emulator.denyAccess(null);
    }
    const [errors, records] = [stderr.stop(), stdout.stop()];
    expect(code).toBe(1);
    expect(errors).toMatch(/ERROR Collection failed: Listing Defender for Cloud alerts .* HTTP 403/);
    expect(records).toBe('');
  });

  it.each([
    [
      ['--settings', 'missing.json'],
      "The settings file 'missing.json' does not exist. Give the path of a local.settings.json.",
    ],
    [['replay', '--settings', 'missing.json', 'poison'], "The settings file 'missing.json' does not exist."],
    [['collect', 'extra'], "Unexpected argument 'extra'."],
    [['replay'], 'Say what to replay.'],
    [['frobnicate'], "Unknown command 'frobnicate'."],
    [['collect', '--frobnicate'], "Unknown option '--frobnicate'."],
    [['collect', '--log-format', 'xml'], "--log-format \"xml\" is not one of 'text', 'json'."],
    [['collect', '--verbose', '--quiet'], '--verbose and --quiet do not go together.'],
  ])(
    '%j is a usage error: exit 2, the reason and the usage on stderr, nothing on stdout',
    async (argv, reason) => {
      const stderr = captureStream(process.stderr);
      const stdout = captureStream(process.stdout);
      const code = await main(argv);
      const [errors, records] = [stderr.stop(), stdout.stop()];
      expect({ code, records }).toEqual({ code: 2, records: '' });
      expect(errors).toContain(reason);
      expect(errors).toContain('Usage:');
    },
  );

  it.each([[['--help']], [['collect', '--help']], [['replay', '--help']], [['reset-index', '--help']]])(
    '%j prints the usage on stdout and exits 0',
    async (argv) => {
      const stdout = captureStream(process.stdout);
      const code = await main(argv);
      expect(code).toBe(0);
      expect(stdout.stop()).toMatch(/^Usage: /);
    },
  );

  it('stdout closed by the reader (EPIPE) ends the run with one line and exit 1, and commits nothing', async () => {
    emulator.setAlerts(generateAlerts({ count: 30, seed: 14, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    const stderr = captureStream(process.stderr);
    const write = process.stdout.write.bind(process.stdout);
    // `--output - | head -1`: the pipe's reader is gone, every write fails with EPIPE.
    process.stdout.write = (_chunk: unknown, encodingOrDone?: unknown, done?: unknown) => {
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (typeof callback === 'function')
        (callback as (error: Error) => void)(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      return false;
    };
    const saved = { ...process.env };
    Object.assign(process.env, settings);
    let code: number;
    try {
      code = await main(['--output', '-']);
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
    const errors = stderr.stop();
    expect(code).toBe(1);
    expect(
      errors
        .trim()
        .split('\n')
        .filter((line) => line.includes('ERROR')),
    ).toEqual([
      expect.stringMatching(
        /ERROR Collection failed: stdout was closed by its reader \(EPIPE\) before every record was written; nothing unwritten was committed\. \{"subscriptionId":"[0-9a-f-]{36}"\}$/,
      ),
    ]);
    const index = blobService().getContainerClient(settings.index_container!);
    expect(await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`)).toBeUndefined();
  });

  it('a corrupt index fails loudly and is not overwritten', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 9, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    const index = blobService().getContainerClient(settings.index_container!);
    await index.createIfNotExists();
    const garbage = Buffer.from('this is not an index');
    await index.getBlockBlobClient(`${SUBSCRIPTION_ID}.index`).upload(garbage, garbage.length);
    await expect(collect(settings)).rejects.toThrow(/is unreadable \(not an index blob\)/);
    expect(await readBlobIfExists(index, `${SUBSCRIPTION_ID}.index`)).toEqual(garbage);
  });

  it('a deleted index container stops the next run loudly instead of sending 90 days again', async () => {
    emulator.setAlerts(generateAlerts({ count: 40, seed: 11, subscriptionId: SUBSCRIPTION_ID }));
    const settings = testSettings(emulator);
    await collect(settings);
    await blobService().getContainerClient(settings.index_container!).delete();
    const sink = new MemorySink();
    const failure = await collect(settings, sink).then(
      () => new Error('the run succeeded'),
      (error: Error) => error,
    );
    expect(failure.message).toMatch(
      new RegExp(
        `^The hash index '${settings.index_container!}/${SUBSCRIPTION_ID}.index' is missing, but subscription ` +
          `'${SUBSCRIPTION_ID}' was collected before \\('${settings.outbox_container!}/collected/${SUBSCRIPTION_ID}.json' records it\\)`,
      ),
    );
    expect(sink.records).toEqual([]);
  });

  it('two concurrent runs lose no index entries and deliver no alert twice', async () => {
    const alerts = generateAlerts({ count: 300, seed: 10, subscriptionId: SUBSCRIPTION_ID });
    emulator.setAlerts(alerts);
    const settings = testSettings(emulator, { output_target: 'eventhub' });
    const sinks = () => ({
      kind: 'handOver' as const,
      maxRecordBytes: undefined,
      prepare: (records: readonly string[]) => ({ payload: [...records], ref: '' }),
    });
    const [a, b] = await Promise.all([
      runCollection({
        settings: loadSettings(settings),
        subscriptionId: SUBSCRIPTION_ID,
        sink: sinks(),
        logger: new RecordingLogger(),
        retryOptions: FAST_RETRIES,
      }),
      runCollection({
        settings: loadSettings(settings),
        subscriptionId: SUBSCRIPTION_ID,
        sink: sinks(),
        logger: new RecordingLogger(),
        retryOptions: FAST_RETRIES,
      }),
    ]);
    const delivered = [
      ...((a.payload as string[] | undefined) ?? []),
      ...((b.payload as string[] | undefined) ?? []),
    ].map((record) => (JSON.parse(record) as { id: string }).id);
    expect(delivered.sort()).toEqual(alerts.map((alert) => alert.id).sort());
    const third = await runCollection({
      settings: loadSettings(settings),
      subscriptionId: SUBSCRIPTION_ID,
      sink: sinks(),
      logger: new RecordingLogger(),
      retryOptions: FAST_RETRIES,
    });
    expect(third.summary).toMatchObject({ indexSize: 300, new: 0 });
  });
});

/** Collects what is written to a standard stream until `stop()`. */
function captureStream(stream: NodeJS.WriteStream): { stop(): string } {
  const chunks: string[] = [];
  const original = stream.write.bind(stream);
  stream.write = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  };
  return {
    stop: () => {
      stream.write = original;
      return chunks.join('');
    },
  };
}

describe('a request that fails without a useful answer says what to do', () => {
  async function failure(settings: Record<string, string | undefined>): Promise<string> {
    return collect(settings).then(
      () => 'the run succeeded',
      (error: unknown) => describeError(error),
    );
  }

  it('names the endpoint and the network to check when every try is reset, not just "socket hang up"', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 21, subscriptionId: SUBSCRIPTION_ID }));
    emulator.injectFaults(
      ...Array.from({ length: FAST_RETRIES.maxRetries + 1 }, () => ({ kind: 'reset' }) as const),
    );
    const message = await failure(testSettings(emulator));
    expect(message).toContain(
      `No answer from ${emulator.url} (ECONNRESET) after the SDK's retries: check the network path to it`,
    );
    expect(message).toContain('HTTPS_PROXY');
  });

  it('blames the redirect, not the credentials, for a 401 after a same-origin redirect', async () => {
    emulator.setAlerts(generateAlerts({ count: 5, seed: 22, subscriptionId: SUBSCRIPTION_ID }));
    emulator.injectFaults({ kind: 'redirect' });
    const message = await failure(testSettings(emulator));
    const path = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Security/alerts`;
    expect(message).toBe(
      `Defender for Cloud redirected the request for page 1 of the alert listing from ${emulator.url}${path} ` +
        `to ${emulator.url}${path}, and the redirected request was refused with HTTP 401. The Azure SDK never ` +
        'sends the access token along a redirect, so the credentials are not the cause: set ' +
        "'resource_manager_endpoint' to the address that answers without redirecting, or check the proxy or " +
        'gateway in between.',
    );
  });

  it('suggests starting Azurite when nothing answers at the local storage emulator address', async () => {
    const closed = await closedPort();
    const storage =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      `BlobEndpoint=http://127.0.0.1:${closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${closed}/devstoreaccount1`;
    const client = createBlobServiceClient(
      { kind: 'connectionString', connectionString: storage },
      { retryOptions: { maxTries: 1 } },
    );
    const message = await client.getProperties().then(
      () => 'storage answered',
      (error: unknown) => describeError(error),
    );
    expect(message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${closed}. Nothing answers at http://127.0.0.1:${closed}, the local ` +
        "storage emulator's address (UseDevelopmentStorage=true). Start Azurite first (npx azurite --silent " +
        "--inMemoryPersistence --skipApiVersionCheck), or point 'AzureWebJobsStorage' at a storage account.",
    );
  });
});

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
