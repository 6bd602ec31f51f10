import { StreamLogger } from '../../../src/telemetry/streamLogger';

function capture() {
  const chunks: string[] = [];
  const stream = { write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, text: () => chunks.join(''), chunks };
}

describe('the command line logger', () => {
  it('writes text lines from info up by default', () => {
    const out = capture();
    const logger = new StreamLogger(out.stream);
    logger.debug('hidden');
    logger.info('shown', { pages: 3 });
    logger.error('bad');
    expect(out.text().replace(/^\S+ /gm, '')).toBe('INFO  shown {"pages":3}\nERROR bad\n');
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
  ] as const)('from %s up when asked', (minimumLevel, levels) => {
    const out = capture();
    const logger = new StreamLogger(out.stream, { minimumLevel });
    for (const level of ['debug', 'info', 'warn', 'error'] as const) logger[level](level);
    expect(out.chunks.map((line) => line.trim().split(' ').at(-1))).toEqual(levels);
  });

  it('writes one JSON object per line for schedulers, fields at the top level, text left as it is', () => {
    const out = capture();
    new StreamLogger(out.stream, { format: 'json' }).warn('two\nlines', { subscriptionId: 's' });
    const [line] = out.text().split('\n');
    expect(JSON.parse(line!)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      level: 'warn',
      message: 'two\nlines',
      subscriptionId: 's',
    });
  });

  it('redraws a progress line at most once a second and clears it before a log line', () => {
    const out = capture();
    let now = 0;
    const logger = new StreamLogger(out.stream, { progress: true, now: () => now });
    logger.progress('1 page');
    now = 500;
    logger.progress('2 pages');
    now = 1_000;
    logger.progress('3 pages');
    logger.info('done');
    logger.endProgress();
    expect(out.chunks.map((chunk) => chunk.replace(/^\S+Z /, ''))).toEqual([
      '\r\x1b[K1 page',
      '\r\x1b[K3 pages',
      '\r\x1b[K',
      'INFO  done\n',
    ]);
  });

  it('shows no progress line unless asked (not a terminal, quiet, or JSON logs)', () => {
    const out = capture();
    new StreamLogger(out.stream).progress('1 page');
    expect(out.chunks).toEqual([]);
  });
});
