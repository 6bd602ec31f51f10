import { createOutboxSink, encodeNdjson } from '../../../src/delivery/outboxSink';
import { createWorkItem } from '../../../src/delivery/workItem';

const SUBSCRIPTION = '9c2df136-7403-467f-91c5-a9e1599f5cd2';

describe('the outbox sink', () => {
  it('hands over one NDJSON buffer, each record on its line, under the name of the attempt', () => {
    const sink = createOutboxSink(
      {
        workItem: createWorkItem(SUBSCRIPTION, new Date('2026-01-02T03:04:05.678Z')),
        messageId: 'message-1',
        dequeueCount: 2,
      },
      1_000_000,
    );
    const { payload, ref } = sink.prepare(['{"id":"a"}', '{"id":"b"}']);
    expect(Buffer.isBuffer(payload)).toBe(true);
    expect(payload.toString('utf8')).toBe('{"id":"a"}\n{"id":"b"}\n');
    expect(ref).toBe(`batches/2026/01/02/03/${SUBSCRIPTION}/message-1-2.ndjson`);
    expect(sink.maxRecordBytes).toBe(1_000_000);
  });
});

describe('encodeNdjson', () => {
  it.each([
    ['ASCII', ['{"id":"a"}', '{"id":"b"}']],
    ['Latin-1 beside ASCII', ['{"name":"Zugriff verdächtig"}', '{"id":"b"}']],
    ['characters of two, three and four UTF-8 bytes', ['{"t":"é — 漢字 🛡️"}', '{"t":"\u2028"}']],
    ['a lone surrogate, replaced as Buffer.from replaces it', ['{"t":"\ud800"}', '{"t":"x\udc00y"}']],
    ['an empty record', ['', '{"id":"b"}']],
  ])('writes the bytes Buffer.from would for the joined lines: %s', (_case, records) => {
    expect(encodeNdjson(records).equals(Buffer.from(records.join('\n') + '\n', 'utf8'))).toBe(true);
  });

  it('sizes the buffer exactly, with nothing left unwritten', () => {
    const records = ['{"t":"漢字"}', '{"t":"🛡️"}'];
    expect(encodeNdjson(records).length).toBe(
      records.reduce((sum, record) => sum + Buffer.byteLength(record, 'utf8') + 1, 0),
    );
  });
});
