import { randomUUID } from 'node:crypto';
import {
  output,
  type InvocationContext,
  type StorageQueueFunctionOptions,
  type Timer,
  type TimerFunctionOptions,
} from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import { OTHER_AZURITE_ACCOUNT, startAzurite, type RunningAzurite } from '../../support/azurite';
import { azuriteConnectionString, blobService, queueService } from '../../support/collectorHarness';
import {
  FunctionsHostSimulator,
  type FunctionsHostSimulatorOptions,
} from '../../support/functionsHost/functionsHostSimulator';

const NOW = new Date('2026-11-23T10:05:07.089Z');

/** GUIDs 00000000-0000-4000-8000-000000000001, …002, … so resolved paths are exact. */
function sequentialGuids(): () => string {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
}

function names() {
  const suffix = randomUUID().slice(0, 8);
  return {
    queue: `in-${suffix}`,
    container: `out-${suffix}`,
    outQueue: `out-${suffix}`,
    events: `events-${suffix}`,
  };
}

function simulator(overrides: Partial<FunctionsHostSimulatorOptions> = {}): FunctionsHostSimulator {
  return new FunctionsHostSimulator({
    appSettings: { AzureWebJobsStorage: azuriteConnectionString() },
    now: () => NOW,
    newGuid: sequentialGuids(),
    ...overrides,
  });
}

async function enqueue(queueName: string, text: string): Promise<QueueClient> {
  const queue = queueService().getQueueClient(queueName);
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
  return queue;
}

/** Every message of a queue, decoded from base64, without changing the queue's visible state. */
async function peekTexts(queueName: string): Promise<string[]> {
  const peeked = await queueService().getQueueClient(queueName).peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((m) => Buffer.from(m.messageText, 'base64').toString('utf8'));
}

async function blobText(container: string, blobName: string): Promise<string> {
  return (
    await blobService().getContainerClient(container).getBlobClient(blobName).downloadToBuffer()
  ).toString();
}

describe('FunctionsHostSimulator: queue trigger', () => {
  it('a message is processed once and deleted; the handler gets the parsed message and trigger metadata', async () => {
    const { queue } = names();
    await enqueue(queue, JSON.stringify({ name: 'alerts-1', count: 2 }));
    const seen: { input: unknown; context: InvocationContext }[] = [];
    const options: StorageQueueFunctionOptions = {
      queueName: queue,
      connection: '',
      handler: (input, context) => {
        seen.push({ input, context });
        context.info('processing', (input as { name: string }).name);
      },
    };
    const host = simulator();

    const record = await host.processNextQueueMessage('copyAlerts', options);
    const again = await host.processNextQueueMessage('copyAlerts', options);

    expect(record?.completion).toBe('deleted');
    expect(record?.invocation?.outcome).toBe('succeeded');
    expect(record?.message.dequeueCount).toBe(1);
    expect(record?.invocation?.logs).toEqual([{ level: 'information', message: 'processing alerts-1' }]);
    expect(seen[0]?.input).toEqual({ name: 'alerts-1', count: 2 });
    expect(seen[0]?.context.functionName).toBe('copyAlerts');
    expect(seen[0]?.context.invocationId).toBe(record?.invocation?.invocationId);
    expect(seen[0]?.context.triggerMetadata).toEqual({
      queueTrigger: { name: 'alerts-1', count: 2 },
      dequeueCount: 1,
      expirationTime: record?.message.expiresOn.toISOString().replace('.000Z', '+00:00'),
      id: record?.message.messageId,
      insertionTime: record?.message.insertedOn.toISOString().replace('.000Z', '+00:00'),
      nextVisibleTime: record?.message.nextVisibleOn.toISOString().replace('.000Z', '+00:00'),
      popReceipt: record?.message.popReceipt,
      name: 'alerts-1',
      count: 2,
    });
    expect(again).toBeUndefined();
    expect(await peekTexts(queue)).toEqual([]);
  });

  it('outputs are written at their resolved paths: a blob, one queue message per element, event hub events', async () => {
    const { queue, container, outQueue } = names();
    await enqueue(queue, JSON.stringify({ name: 'alerts-1', count: 2 }));
    const blobOut = output.storageBlob({
      path: `${container}/{name}/{DateTime:yyyy-MM-dd}/{rand-guid}.json`,
      connection: '',
    });
    const queueOut = output.storageQueue({ queueName: `${outQueue}-{Name}`, connection: '' });
    const hubOut = output.eventHub({ eventHubName: 'hub-{name}', connection: 'EventHubConnection' });
    const host = simulator();

    const record = await host.processNextQueueMessage('fanOut', {
      queueName: queue,
      connection: '',
      extraOutputs: [blobOut, queueOut, hubOut],
      handler: (input, context) => {
        context.extraOutputs.set(blobOut, { count: (input as { count: number }).count });
        context.extraOutputs.set(queueOut, ['first', 'second']);
        context.extraOutputs.set(hubOut, [{ n: 1 }, { n: 2 }]);
      },
    });

    const blobName = 'alerts-1/2026-11-23/00000000-0000-4000-8000-000000000001.json';
    expect(record?.invocation?.outputs.map((o) => [o.type, o.target, o.texts, o.error])).toEqual([
      ['blob', `${container}/${blobName}`, ['{"count":2}'], undefined],
      ['queue', `${outQueue}-alerts-1`, ['first', 'second'], undefined],
      ['eventHub', 'hub-alerts-1', ['{\n  "n": 1\n}', '{\n  "n": 2\n}'], undefined],
    ]);
    expect(await blobText(container, blobName)).toBe('{"count":2}');
    const properties = await blobService()
      .getContainerClient(container)
      .getBlobClient(blobName)
      .getProperties();
    expect([properties.contentType, properties.metadata]).toEqual([
      'application/octet-stream',
      { azurewebjobsparentid: record?.invocation?.invocationId },
    ]);
    expect(await peekTexts(`${outQueue}-alerts-1`)).toEqual(['first', 'second']);
    expect(host.eventHub.events('hub-alerts-1')).toEqual(['{\n  "n": 1\n}', '{\n  "n": 2\n}']);
    expect(record?.completion).toBe('deleted');
  });

  it('an unresolvable binding expression fails that output and the invocation, naming the expression', async () => {
    const { queue, container } = names();
    await enqueue(queue, 'not json');
    const blobOut = output.storageBlob({ path: `${container}/{customer}.txt`, connection: '' });

    const record = await simulator().processNextQueueMessage('needsCustomer', {
      queueName: queue,
      connection: '',
      extraOutputs: [blobOut],
      handler: (_input, context) => context.extraOutputs.set(blobOut, 'x'),
    });

    expect(record?.invocation?.outcome).toBe('failed');
    expect(record?.invocation?.error?.message).toBe("No value for named parameter 'customer'.");
    expect(record?.completion).toBe('releasedForRetry');
  });

  it('a failed output write fails the invocation while the other writes still land; the retry sees dequeueCount 2', async () => {
    const { queue, container, outQueue } = names();
    await enqueue(queue, JSON.stringify({ name: 'alerts-1' }));
    const blobOut = output.storageBlob({ path: `${container}/{name}.json`, connection: '' });
    const queueOut = output.storageQueue({ queueName: outQueue, connection: '' });
    const options: StorageQueueFunctionOptions = {
      queueName: queue,
      connection: '',
      extraOutputs: [blobOut, queueOut],
      handler: (_input, context) => {
        context.extraOutputs.set(blobOut, 'blob body');
        context.extraOutputs.set(queueOut, 'queued');
      },
    };
    const host = simulator();

    const first = await host.processNextQueueMessage('fanOut', options, {
      failOutputs: (binding, target) =>
        binding === queueOut ? new Error(`queue '${target}' unavailable`) : undefined,
    });
    const retry = await host.processNextQueueMessage('fanOut', options);

    expect([first?.invocation?.outcome, first?.invocation?.error?.message, first?.completion]).toEqual([
      'failed',
      `queue '${outQueue}' unavailable`,
      'releasedForRetry',
    ]);
    expect(first?.invocation?.outputs.map((o) => [o.target, o.error?.message])).toEqual([
      [`${container}/alerts-1.json`, undefined],
      [outQueue, `queue '${outQueue}' unavailable`],
    ]);
    expect([retry?.message.dequeueCount, retry?.invocation?.outcome, retry?.completion]).toEqual([
      2,
      'succeeded',
      'deleted',
    ]);
    expect(await peekTexts(outQueue)).toEqual(['queued']);
  });

  it('a message failing five times is copied to <queue>-poison and deleted', async () => {
    const { queue } = names();
    await enqueue(queue, 'poisonous');
    const host = simulator();
    const options: StorageQueueFunctionOptions = {
      queueName: queue,
      connection: '',
      handler: () => {
        throw new Error('boom');
      },
    };

    const records = [];
    for (let attempt = 1; attempt <= 5; attempt += 1)
      records.push(await host.processNextQueueMessage('fails', options));

    expect(
      records.map((r) => [r?.message.dequeueCount, r?.invocation?.error?.message, r?.completion]),
    ).toEqual([
      [1, 'boom', 'releasedForRetry'],
      [2, 'boom', 'releasedForRetry'],
      [3, 'boom', 'releasedForRetry'],
      [4, 'boom', 'releasedForRetry'],
      [5, 'boom', 'movedToPoison'],
    ]);
    expect(await peekTexts(`${queue}-poison`)).toEqual(['poisonous']);
    expect(await peekTexts(queue)).toEqual([]);
  });

  it('a crash leaves the message invisible until expireVisibility; the redelivery has dequeueCount 2', async () => {
    const { queue, container } = names();
    await enqueue(queue, JSON.stringify({ name: 'alerts-1' }));
    const blobOut = output.storageBlob({ path: `${container}/{name}.json`, connection: '' });
    let calls = 0;
    const options: StorageQueueFunctionOptions = {
      queueName: queue,
      connection: '',
      extraOutputs: [blobOut],
      handler: (_input, context) => {
        calls += 1;
        context.extraOutputs.set(blobOut, `call ${calls}`);
      },
    };
    const host = simulator();

    const crashed = await host.processNextQueueMessage('copy', options, { crash: 'afterOutputs' });
    const whileInvisible = await host.processNextQueueMessage('copy', options);
    const blobAfterCrash = await blobText(container, 'alerts-1.json');
    await host.expireVisibility(crashed!);
    const redelivered = await host.processNextQueueMessage('copy', options);

    expect([crashed?.invocation?.outcome, crashed?.invocation?.crashedAt, crashed?.completion]).toEqual([
      'crashed',
      'afterOutputs',
      'leftInvisible',
    ]);
    expect(whileInvisible).toBeUndefined();
    expect(blobAfterCrash).toBe('call 1');
    expect([
      redelivered?.message.dequeueCount,
      redelivered?.invocation?.outcome,
      redelivered?.completion,
    ]).toEqual([2, 'succeeded', 'deleted']);
    expect(await blobText(container, 'alerts-1.json')).toBe('call 2');
  });

  it('a crash before the handler never calls it', async () => {
    const { queue } = names();
    await enqueue(queue, 'hello');
    let calls = 0;
    const host = simulator();

    const record = await host.processNextQueueMessage(
      'neverCalled',
      { queueName: queue, connection: '', handler: () => void (calls += 1) },
      { crash: 'beforeHandler' },
    );

    expect([
      record?.invocation?.handlerCalled,
      record?.invocation?.outcome,
      record?.completion,
      calls,
    ]).toEqual([false, 'crashed', 'leftInvisible', 0]);
  });
});

describe('FunctionsHostSimulator: Event Grid simulation', () => {
  it('a blob created by an output enqueues BlobCreated events (PutBlob, then PutBlockList) with the blob subject', async () => {
    const { queue, container, events } = names();
    await enqueue(queue, JSON.stringify({ name: 'alerts-1' }));
    const blobOut = output.storageBlob({ path: `${container}/{name}.json`, connection: '' });
    const host = simulator({ eventGrid: { containerName: container, queueName: events } });

    const record = await host.processNextQueueMessage('copy', {
      queueName: queue,
      connection: '',
      extraOutputs: [blobOut],
      handler: (_input, context) => context.extraOutputs.set(blobOut, 'twelve bytes'),
    });
    const delivered = (await peekTexts(events)).map((text) => JSON.parse(text) as Record<string, unknown>);

    const subject = `/blobServices/default/containers/${container}/blobs/alerts-1.json`;
    const url = blobService().getContainerClient(container).getBlobClient('alerts-1.json').url;
    expect(delivered).toEqual(record?.invocation?.eventGridEvents);
    expect(
      delivered.map((e) => [
        e.subject,
        (e.data as { api: string }).api,
        (e.data as { contentLength: number }).contentLength,
      ]),
    ).toEqual([
      [subject, 'PutBlob', 0],
      [subject, 'PutBlockList', 12],
    ]);
    expect(delivered[1]).toEqual({
      topic:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/functions-host-simulator/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
      subject,
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: '2026-11-23T10:05:07.0890000Z',
      id: '00000000-0000-4000-8000-000000000003',
      data: {
        api: 'PutBlockList',
        clientRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        eTag: expect.stringMatching(/^"0x[0-9A-F]+"$/),
        contentType: 'application/octet-stream',
        contentLength: 12,
        blobType: 'BlockBlob',
        url,
        sequencer: '00000000000000000000000000000002',
        storageDiagnostics: { batchId: '00000000-0000-4000-8000-000000000004' },
      },
      dataVersion: '',
      metadataVersion: '1',
    });
  });

  it('publishBlobCreated reports a blob other code uploaded; a blob in another container is filtered out', async () => {
    const { container, events } = names();
    const containerClient = blobService().getContainerClient(container);
    await containerClient.createIfNotExists();
    await containerClient
      .getBlockBlobClient('incoming/a.txt')
      .upload('abc', 3, { blobHTTPHeaders: { blobContentType: 'text/plain' } });
    const other = blobService().getContainerClient(`${container}-other`);
    await other.createIfNotExists();
    await other.getBlockBlobClient('b.txt').upload('b', 1);
    const host = simulator({ eventGrid: { containerName: container, queueName: events } });

    const published = await host.publishBlobCreated(containerClient, 'incoming/a.txt');
    const filtered = await host.publishBlobCreated(other, 'b.txt');

    expect([
      published?.subject,
      published?.data.api,
      published?.data.contentType,
      published?.data.contentLength,
    ]).toEqual([
      `/blobServices/default/containers/${container}/blobs/incoming/a.txt`,
      'PutBlob',
      'text/plain',
      3,
    ]);
    expect(filtered).toBeUndefined();
    expect(
      (await peekTexts(events)).map((text) => (JSON.parse(text) as { subject: string }).subject),
    ).toEqual([`/blobServices/default/containers/${container}/blobs/incoming/a.txt`]);
  });
});

describe('FunctionsHostSimulator: timer trigger', () => {
  it("a timer function's outputs are written the same way, its return value through the return binding", async () => {
    const { container } = names();
    const blobOut = output.storageBlob({
      path: `${container}/ticks/{DateTime:yyyyMMddHHmm}.txt`,
      connection: '',
    });
    const timers: Timer[] = [];
    const options: TimerFunctionOptions = {
      schedule: '0 */5 * * * *',
      return: blobOut,
      handler: (timer, context) => {
        timers.push(timer);
        context.log('tick');
        return 'tick';
      },
    };

    const record = await simulator().invokeTimer('tick', options, { isPastDue: true });

    expect([record.outcome, record.outputs.map((o) => o.target), record.logs]).toEqual([
      'succeeded',
      [`${container}/ticks/202611231005.txt`],
      [{ level: 'information', message: 'tick' }],
    ]);
    expect([timers[0]?.isPastDue, timers[0]?.schedule]).toEqual([true, { adjustForDST: true }]);
    expect(await blobText(container, 'ticks/202611231005.txt')).toBe('tick');
  });

  it('a failed timer invocation is reported and writes nothing', async () => {
    const { container } = names();
    const blobOut = output.storageBlob({ path: `${container}/never.txt`, connection: '' });

    const record = await simulator().invokeTimer(
      'failing',
      {
        schedule: '0 */5 * * * *',
        extraOutputs: [blobOut],
        handler: (_timer, context) => {
          context.extraOutputs.set(blobOut, 'never');
          throw new Error('ARM unavailable');
        },
      },
      { isPastDue: false },
    );

    expect([record.outcome, record.error?.message, record.outputs]).toEqual([
      'failed',
      'ARM unavailable',
      [],
    ]);
    expect(await blobService().getContainerClient(container).exists()).toBe(false);
  });
});

describe('FunctionsHostSimulator: connections', () => {
  let other: RunningAzurite;
  beforeAll(async () => {
    other = await startAzurite({ account: OTHER_AZURITE_ACCOUNT });
  });
  afterAll(async () => {
    await other.stop();
  });

  it('an output names another storage account through its connection setting', async () => {
    const { container } = names();
    const blobOut = output.storageBlob({ path: `${container}/report.txt`, connection: 'ArchiveStorage' });
    const host = simulator({
      appSettings: { AzureWebJobsStorage: azuriteConnectionString(), ArchiveStorage: other.connectionString },
    });

    const record = await host.invokeTimer(
      'archive',
      { schedule: '0 0 * * * *', return: blobOut, handler: () => 'archived' },
      { isPastDue: false },
    );

    const archived = await BlobServiceClient.fromConnectionString(other.connectionString)
      .getContainerClient(container)
      .getBlobClient('report.txt')
      .downloadToBuffer();
    expect([record.outcome, archived.toString()]).toEqual(['succeeded', 'archived']);
    expect(await blobService().getContainerClient(container).exists()).toBe(false);
  });

  it('an unknown connection stops indexing with the host message', async () => {
    const { queue } = names();
    await expect(
      simulator().processNextQueueMessage('orphan', {
        queueName: queue,
        connection: 'MissingStorage',
        handler: () => undefined,
      }),
    ).rejects.toHaveProperty(
      'message',
      "Error indexing method 'Functions.orphan': Storage account connection string 'AzureWebJobsMissingStorage' does not exist. Make sure that it is a defined App Setting.",
    );
  });
});
