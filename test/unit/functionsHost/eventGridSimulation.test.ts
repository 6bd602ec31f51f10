import { output } from '@azure/functions';
import { blobService } from '../../support/collectorHarness';
import { enqueue, names, peekTexts, simulator } from '../../support/functionsHost/simulatorTestKit';

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
