import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { ArmThrottleObserver, LOW_REMAINING_READS } from '../../../src/defender/armThrottle';
import { RecordingLogger } from '../../../src/telemetry/logger';

function respondWith(headers: Record<string, string>) {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  const response: PipelineResponse = { request, status: 200, headers: createHttpHeaders(headers) };
  return { request, next: () => Promise.resolve(response) };
}

describe("ARM's remaining-reads headers", () => {
  it.each([
    ['plenty left: no wait', { 'x-ms-ratelimit-remaining-subscription-reads': '11999' }, []],
    [
      'exactly at the threshold: no wait',
      { 'x-ms-ratelimit-remaining-subscription-reads': String(LOW_REMAINING_READS) },
      [],
    ],
    [
      '10 subscription reads left: waits for 15 tokens to refill',
      { 'x-ms-ratelimit-remaining-subscription-reads': '10' },
      [600],
    ],
    [
      'none left at the tenant: waits for 25 tokens',
      { 'x-ms-ratelimit-remaining-tenant-reads': '0' },
      [1000],
    ],
    ['no header: no wait', {}, []],
  ])('%s', async (_case, headers, waits) => {
    const slept: number[] = [];
    const observer = new ArmThrottleObserver(undefined, (ms) => Promise.resolve(void slept.push(ms)));
    const { request, next } = respondWith(headers);
    await observer.policy().sendRequest(request, next);
    expect(slept).toEqual(waits);
  });

  it('keeps the lowest counts seen, and logs each at debug', async () => {
    const logger = new RecordingLogger();
    const observer = new ArmThrottleObserver(logger, () => Promise.resolve());
    for (const remaining of ['300', '120', '250']) {
      const { request, next } = respondWith({
        'x-ms-ratelimit-remaining-subscription-reads': remaining,
        'x-ms-ratelimit-remaining-tenant-reads': '9000',
      });
      await observer.policy().sendRequest(request, next);
    }
    expect(observer.lowestSubscriptionReads).toBe(120);
    expect(observer.lowestTenantReads).toBe(9000);
    expect(logger.lines.map((line) => [line.level, line.message, line.fields])).toEqual([
      ['debug', 'ARM read limits', { subscriptionReads: 300, tenantReads: 9000 }],
      ['debug', 'ARM read limits', { subscriptionReads: 120, tenantReads: 9000 }],
      ['debug', 'ARM read limits', { subscriptionReads: 250, tenantReads: 9000 }],
    ]);
  });
});
