import { output, type InvocationContext, type StorageQueueFunctionOptions } from '@azure/functions';
import { blobService, queueService } from '../../support/collectorHarness';
import { blobText, enqueue, names, peekTexts, simulator } from '../../support/functionsHost/simulatorTestKit';

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

  it('a host that crashed five times on a message moves it to poison on the sixth delivery without invoking', async () => {
    const { queue } = names();
    await enqueue(queue, 'crashy');
    const host = simulator();
    let calls = 0;
    const options: StorageQueueFunctionOptions = {
      queueName: queue,
      connection: '',
      handler: () => void (calls += 1),
    };

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const crashed = await host.processNextQueueMessage('crashes', options, { crash: 'beforeHandler' });
      await host.expireVisibility(crashed!);
    }
    const sixth = await host.processNextQueueMessage('crashes', options);

    expect([sixth?.message.dequeueCount, sixth?.invocation, sixth?.completion, calls]).toEqual([
      6,
      undefined,
      'movedToPoison',
      0,
    ]);
    expect(await peekTexts(`${queue}-poison`)).toEqual(['crashy']);
  });

  it('a message that is not base64 is moved to poison as it is, without an invocation', async () => {
    const { queue } = names();
    const raw = queueService().getQueueClient(queue);
    await raw.createIfNotExists();
    await raw.sendMessage('not base64!');

    const record = await simulator().processNextQueueMessage('strict', {
      queueName: queue,
      connection: '',
      handler: () => undefined,
    });
    const poisoned = await queueService().getQueueClient(`${queue}-poison`).peekMessages();

    expect([record?.message.messageText, record?.invocation, record?.completion]).toEqual([
      undefined,
      undefined,
      'movedToPoison',
    ]);
    expect(poisoned.peekedMessageItems.map((m) => m.messageText)).toEqual(['not base64!']);
    expect(await peekTexts(queue)).toEqual([]);
  });
});
