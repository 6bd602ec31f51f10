import { randomUUID } from 'node:crypto';
import { blobCreatedEvent, readForwardRequest } from '../../../src/delivery/blobCreatedEvent';
import { forwardBatch } from '../../../src/delivery/forwardBatch';
import { BlobOutbox, InMemoryOutbox, type Outbox } from '../../../src/delivery/outbox';
import { RecordingLogger } from '../../../src/telemetry/logger';
import { blobService } from '../../support/collectorHarness';

const BATCH = 'batches/2026/11/23/10/9c2df136-7403-467f-91c5-a9e1599f5cd2/m-1.ndjson';

describe('forward requests from Event Grid events', () => {
  const event = (overrides: Record<string, unknown> = {}) => ({
    ...blobCreatedEvent({
      outboxContainer: 'outbox',
      batchRef: BATCH,
      url: `https://acct.blob.core.windows.net/outbox/${BATCH}`,
      id: 'e-1',
      eventTime: new Date('2026-11-23T10:06:00Z'),
    }),
    ...overrides,
  });

  it('name the outbox batch of a blob-created event', () => {
    expect(readForwardRequest(event(), 'outbox')).toEqual({ kind: 'batch', batchRef: BATCH });
  });

  it('ignore the empty blob the host creates before it commits the batch', () => {
    const empty = event();
    (empty.data as { contentLength?: number }).contentLength = 0;
    expect(readForwardRequest(empty, 'outbox')).toEqual({ kind: 'ignored', reason: 'an empty blob' });
  });

  it.each([
    [
      'another event type',
      { eventType: 'Microsoft.Storage.BlobDeleted' },
      'event type Microsoft.Storage.BlobDeleted',
    ],
    [
      'another container',
      { subject: `/blobServices/default/containers/other/blobs/${BATCH}` },
      'container other',
    ],
    [
      'a blob outside the batches',
      { subject: '/blobServices/default/containers/outbox/blobs/collected/x.json' },
      'blob collected/x.json',
    ],
    [
      'a subject of another service',
      { subject: '/tableServices/default/tables/t' },
      'subject /tableServices/default/tables/t',
    ],
  ])('ignore %s, saying why', (_case, overrides, reason) => {
    expect(readForwardRequest(event(overrides), 'outbox')).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    ['a string', 'hello'],
    ['an object without event fields', { a: 1 }],
    ['null', null],
  ])('refuse %s: it goes to the poison queue, not away', (_case, message) =>
    expect(() => readForwardRequest(message, 'outbox')).toThrow(/is not an Event Grid event/),
  );
});

const outboxes: {
  name: string;
  create: () => Outbox & { put(name: string, data: Buffer): Promise<void> };
}[] = [
  {
    name: 'in memory',
    create: () => {
      const outbox = new InMemoryOutbox();
      return Object.assign(outbox, {
        put: (name: string, data: Buffer) => Promise.resolve(void outbox.batches.set(name, data)),
      });
    },
  },
  {
    name: 'blob on Azurite',
    create: () => {
      const container = blobService().getContainerClient(`outbox-${randomUUID().slice(0, 8)}`);
      return Object.assign(new BlobOutbox(container), {
        put: async (name: string, data: Buffer) => {
          await container.createIfNotExists();
          await container.getBlockBlobClient(name).upload(data, data.length);
        },
      });
    },
  },
];

describe.each(outboxes)('the outbox ($name)', ({ create }) => {
  it('finds a batch by name, reads it back, and lists batches by prefix in name order', async () => {
    const outbox = create();
    expect(await outbox.exists(BATCH)).toBe(false);
    expect(await outbox.read(BATCH)).toBeUndefined();
    await outbox.put(BATCH.replace('m-1', 'm-2'), Buffer.from('b\n'));
    await outbox.put(BATCH, Buffer.from('a\n'));
    await outbox.put('collected/x.json', Buffer.from('{}'));
    expect(await outbox.exists(BATCH)).toBe(true);
    expect((await outbox.read(BATCH))?.toString()).toBe('a\n');
    const names: string[] = [];
    for await (const name of outbox.list('batches/2026/11/23/')) names.push(name);
    expect(names).toEqual([BATCH, BATCH.replace('m-1', 'm-2')]);
  });

  it('does not take an empty blob for a batch: the host creates the blob empty before it commits the data', async () => {
    const outbox = create();
    await outbox.put(BATCH, Buffer.alloc(0));
    expect(await outbox.exists(BATCH)).toBe(false);
  });

  it('forwards a batch as it is to the blob target, and one record each to Event Hubs and queues', async () => {
    const outbox = create();
    await outbox.put(BATCH, Buffer.from('{"id":"a"}\n{"id":"b"}\n'));
    const logger = new RecordingLogger();
    const asBlob = await forwardBatch({
      outbox,
      batchRef: BATCH,
      target: 'blob',
      maxRecordBytes: undefined,
      logger,
    });
    expect(asBlob).toEqual({ payload: Buffer.from('{"id":"a"}\n{"id":"b"}\n'), records: 2, oversized: 0 });
    const asEvents = await forwardBatch({
      outbox,
      batchRef: BATCH,
      target: 'eventhub',
      maxRecordBytes: 1_000,
      logger,
    });
    expect(asEvents).toEqual({ payload: ['{"id":"a"}', '{"id":"b"}'], records: 2, oversized: 0 });
  });

  it('leaves out, and logs by alert id, a record the target cannot take; the others go', async () => {
    const outbox = create();
    const big = JSON.stringify({ alert: { id: '/subscriptions/s/alerts/big' }, pad: 'x'.repeat(2_000) });
    await outbox.put(BATCH, Buffer.from(`{"id":"a"}\n${big}\n`));
    const logger = new RecordingLogger();
    const forwarded = await forwardBatch({
      outbox,
      batchRef: BATCH,
      target: 'queue',
      maxRecordBytes: 1_024,
      logger,
    });
    expect(forwarded).toEqual({ payload: ['{"id":"a"}'], records: 1, oversized: 1 });
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'A record is too large for the output target and was not forwarded; it stays in the outbox',
        fields: {
          alertId: '/subscriptions/s/alerts/big',
          batch: BATCH,
          sizeInBytes: Buffer.byteLength(big),
          limitInBytes: 1_024,
        },
      },
    ]);
  });

  it('fails, naming the batch, when the batch is gone', async () => {
    const outbox = create();
    await expect(
      forwardBatch({
        outbox,
        batchRef: BATCH,
        target: 'blob',
        maxRecordBytes: undefined,
        logger: new RecordingLogger(),
      }),
    ).rejects.toThrow(`Batch '${BATCH}' is not in the outbox '${outbox.location}'`);
  });
});
