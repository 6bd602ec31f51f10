import type { PendingBatch } from '../../../src/dedupe/indexFormat';
import { DeliveryJudges, type InvocationAttempt } from '../../../src/output/deliveryJudges';

const CREATED = Date.parse('2026-11-23T10:00:00Z');
const MINUTE = 60_000;

function hostWriteBatch(retryCount: number, maxRetryCount = 5): PendingBatch {
  return {
    seq: 1,
    id: 'batch',
    createdAt: new Date(CREATED).toISOString(),
    recordCount: 3,
    confirmation: { kind: 'hostWrite', retryCount, maxRetryCount },
  };
}

describe('DeliveryJudges for targets that cannot be read back (Event Hubs, queue)', () => {
  it.each<[string, InvocationAttempt | undefined, PendingBatch, number, string]>([
    ['outside the Functions host nothing is known', undefined, hostWriteBatch(0), 60, 'unknown'],
    [
      'a retry knows its previous attempt failed',
      { retryCount: 1, maxRetryCount: 5 },
      hostWriteBatch(0),
      1,
      'notDelivered',
    ],
    [
      'a later scheduled run takes an early attempt as written',
      { retryCount: 0, maxRetryCount: 5 },
      hostWriteBatch(2),
      60,
      'delivered',
    ],
    [
      'the last allowed attempt is sent again',
      { retryCount: 0, maxRetryCount: 5 },
      hostWriteBatch(5),
      60,
      'notDelivered',
    ],
    [
      'with unlimited retries every attempt is taken as written',
      { retryCount: 0, maxRetryCount: -1 },
      hostWriteBatch(9, -1),
      60,
      'delivered',
    ],
    [
      'a batch younger than the grace period is left unsettled',
      { retryCount: 0, maxRetryCount: 5 },
      hostWriteBatch(0),
      5,
      'unknown',
    ],
  ])('%s', async (_name, attempt, batch, minutesLater, verdict) => {
    const judges = new DeliveryJudges(undefined, attempt);
    await expect(judges.judge(batch, new Date(CREATED + minutesLater * MINUTE))).resolves.toBe(verdict);
  });

  it('cannot confirm a blob batch without the output container', async () => {
    const batch: PendingBatch = {
      ...hostWriteBatch(0),
      confirmation: { kind: 'blobContent', contentMd5: 'x', sizeInBytes: 1, prefixes: ['2026/11/23/10/'] },
    };
    await expect(
      new DeliveryJudges(undefined, { retryCount: 0, maxRetryCount: 5 }).judge(
        batch,
        new Date(CREATED + 60 * MINUTE),
      ),
    ).resolves.toBe('unknown');
  });
});
