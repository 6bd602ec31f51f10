import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonSink } from '../../../src/output/fileSink';
import { formatRecord } from '../../../src/output/formatRecord';
import { RecordingLogger } from '../../../src/telemetry/logger';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ndjson-sink-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** One run's writing: write, flush, close. */
async function writeOnce(sink: NdjsonSink, records: string[]): Promise<void> {
  await sink.write(records);
  await sink.flush();
  await sink.close();
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);

describe('the NDJSON file sink', () => {
  it('appends one record per line to what earlier runs wrote', async () => {
    const path = join(folder, 'alerts.ndjson');
    writeFileSync(path, '{"id":"a"}\n');
    await writeOnce(new NdjsonSink({ path }, new RecordingLogger()), ['{"id":"b"}', '{"id":"c"}']);
    expect(lines(path)).toEqual(['{"id":"a"}', '{"id":"b"}', '{"id":"c"}']);
  });

  it('removes the partial last line a killed run left before appending, so every line parses', async () => {
    const path = join(folder, 'alerts.ndjson');
    // A run killed while appending: its records were never committed to the index, so they come again.
    writeFileSync(path, '{"id":"a"}\n{"id":"b","properties":{"sta');
    const logger = new RecordingLogger();
    await writeOnce(new NdjsonSink({ path }, logger), ['{"id":"b","properties":{"status":"Active"}}']);
    expect(lines(path)).toEqual(['{"id":"a"}', '{"id":"b","properties":{"status":"Active"}}']);
    expect(lines(path).map((line) => JSON.parse(line) as unknown)).toHaveLength(2);
    expect(logger.text()).toBe(
      `warn Removed an incomplete last line (28 bytes) that an interrupted run left in the output file; its records are written again {"path":${JSON.stringify(path)}}`,
    );
  });

  it('removes a partial first line when the file holds nothing else', async () => {
    const path = join(folder, 'alerts.ndjson');
    writeFileSync(path, '{"id":"a","pro');
    await writeOnce(new NdjsonSink({ path }, new RecordingLogger()), ['{"id":"a"}']);
    expect(lines(path)).toEqual(['{"id":"a"}']);
  });

  it('finds the last complete line beyond the first block it reads back', async () => {
    const path = join(folder, 'alerts.ndjson');
    const long = `{"id":"x","pad":"${'p'.repeat(200_000)}"}`;
    writeFileSync(path, `{"id":"a"}\n${long.slice(0, 150_000)}`);
    await writeOnce(new NdjsonSink({ path }, new RecordingLogger()), ['{"id":"b"}']);
    expect(lines(path)).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });

  it('writes each record byte for byte in UTF-8, whatever its characters and size', async () => {
    const path = join(folder, 'alerts.ndjson');
    const records = [
      '{"id":"ascii"}',
      '{"id":"latin","d":"é ü ß \u0085"}',
      '{"id":"wide","d":"Ω 中文 العربية"}',
      '{"id":"astral","d":"😀 🚨"}',
      `{"id":"long","d":"${'é😀x'.repeat(100_000)}"}`,
    ];
    // The longest first: the shorter writes after it reuse its buffer.
    const writes = [records.slice(4), records.slice(0, 2), [], records.slice(2, 4)];
    const sink = new NdjsonSink({ path }, new RecordingLogger());
    for (const page of writes) await sink.write(page);
    await sink.flush();
    await sink.close();
    const expected = writes.flat().map((record) => `${record}\n`);
    expect(readFileSync(path).equals(Buffer.from(expected.join(''), 'utf8'))).toBe(true);
  });

  it('creates the file on the first run', async () => {
    const path = join(folder, 'new.ndjson');
    await writeOnce(new NdjsonSink({ path }, new RecordingLogger()), ['{"id":"a"}']);
    expect(lines(path)).toEqual(['{"id":"a"}']);
  });
});

describe('records on a line of their own', () => {
  it.each([
    ['U+2028', '\u2028', '\\u2028'],
    ['U+2029', '\u2029', '\\u2029'],
    ['NEL (U+0085)', '\u0085', '\\u0085'],
  ])(
    'escapes %s, which line readers split on, and the record parses to the same value',
    (_name, char, escaped) => {
      const alert = { id: 'a', properties: { description: `one${char}two` } };
      const record = formatRecord(JSON.stringify(alert), 'a', '00', 'created', {
        format: 'raw',
        subscriptionId: 's',
        observedAt: 't',
      });
      expect(record).toBe(`{"id":"a","properties":{"description":"one${escaped}two"}}`);
      expect(JSON.parse(record)).toEqual(alert);
      expect('x\n'.concat(record).split(/\r\n|[\n\r\u2028\u2029\u0085]/)).toHaveLength(2);
    },
  );
});
