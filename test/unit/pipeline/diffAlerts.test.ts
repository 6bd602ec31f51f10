import { AlertIndex } from '../../../src/dedupe/alertIndex';
import type { AlertPage, AlertSource } from '../../../src/defender/alertSource';
import { diffAlerts } from '../../../src/pipeline/diffAlerts';
import { RecordingLogger } from '../../../src/telemetry/logger';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';

/** A page of alerts that note in `log` when the diff reads their id. */
function watchedPage(count: number, log: string[]): AlertPage {
  const alerts = Array.from({ length: count }, (_unused, n) => {
    const alert = { properties: { status: 'Active' } };
    Object.defineProperty(alert, 'id', {
      enumerable: true,
      get: () => {
        log.push(`alert ${n}`);
        return `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/alerts/alert-${n}`;
      },
    });
    return alert;
  });
  return { alerts, pageNumber: 1 };
}

describe('diffAlerts', () => {
  it('lets input that arrives during a page be read before the page is done, and diffs every alert once', async () => {
    const log: string[] = [];
    const source: AlertSource = {
      async *pages() {
        const page = watchedPage(200, log);
        // Input arriving as the page is diffed: its callback runs at the next turn of the event loop.
        setImmediate(() => log.push('input read'));
        yield await Promise.resolve(page);
      },
    };
    const written: string[] = [];
    const result = await diffAlerts({
      source,
      index: AlertIndex.empty(SUBSCRIPTION),
      dedupeMode: 'content',
      maxAlertsPerRun: 1_000,
      maxRecordBytes: undefined,
      record: { format: 'raw', subscriptionId: SUBSCRIPTION, observedAt: '2026-11-23T12:00:00.000Z' },
      now: new Date('2026-11-23T12:00:00Z'),
      logger: new RecordingLogger(),
      deliverPage: (records) => {
        written.push(...records);
        return Promise.resolve();
      },
    });
    expect(result.counts.new).toBe(200);
    expect(written).toHaveLength(200);
    const readAt = log.indexOf('input read');
    expect(readAt).toBeGreaterThan(0);
    expect(readAt).toBeLessThan(log.lastIndexOf('alert 199'));
  });
});
