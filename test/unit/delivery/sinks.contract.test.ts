import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hoursBetween } from '../../../src/delivery/replay';
import { InMemorySink, type DirectSink } from '../../../src/delivery/sinks';
import { NdjsonSink } from '../../../src/output/fileSink';
import { RecordingLogger } from '../../../src/telemetry/logger';

const folders: string[] = [];
const sinksToClose: NdjsonSink[] = [];
afterAll(async () => {
  await Promise.all(sinksToClose.map((sink) => sink.close()));
  folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
});

const sinks: { name: string; create: () => { sink: DirectSink; written: () => string[] } }[] = [
  {
    name: 'in memory',
    create: () => {
      const sink = new InMemorySink();
      return { sink, written: () => [...sink.records] };
    },
  },
  {
    name: 'NDJSON file',
    create: () => {
      const folder = mkdtempSync(join(tmpdir(), 'sink-'));
      folders.push(folder);
      const path = join(folder, 'out.ndjson');
      const sink = new NdjsonSink({ path }, new RecordingLogger());
      sinksToClose.push(sink);
      return { sink, written: () => readFileSync(path, 'utf8').split('\n').slice(0, -1) };
    },
  },
];

describe.each(sinks)('a direct sink ($name)', ({ create }) => {
  it('has every record once, in order, across writes, when write resolves', async () => {
    const { sink, written } = create();
    await sink.write(['{"id":"a"}', '{"id":"b"}']);
    await sink.write(['{"id":"c","text":"line\\u2028separator"}']);
    await sink.flush();
    expect(written()).toEqual(['{"id":"a"}', '{"id":"b"}', '{"id":"c","text":"line\\u2028separator"}']);
    expect(sink.kind).toBe('direct');
  });
});

describe('hoursBetween', () => {
  it.each([
    ['one hour', '2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z', ['2026-11-23T10:00:00.000Z']],
    [
      'a window starting mid-hour takes that hour',
      '2026-11-23T10:30:00Z',
      '2026-11-23T12:00:00Z',
      ['2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z'],
    ],
    ['an empty window', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z', []],
    [
      'across midnight',
      '2026-11-23T23:00:00Z',
      '2026-11-24T00:00:01Z',
      ['2026-11-23T23:00:00.000Z', '2026-11-24T00:00:00.000Z'],
    ],
  ])('%s', (_case, from, to, hours) => {
    expect(hoursBetween(new Date(from), new Date(to)).map((hour) => hour.toISOString())).toEqual(hours);
  });
});
