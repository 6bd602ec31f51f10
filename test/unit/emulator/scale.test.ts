import type { AlertSource } from '../../../emulators/defender/alertStore';
import { generateAlerts, generatedAlertSource } from '../../../emulators/defender/alertFactory';
import { IDS, alertsListUrl, get, listAllPages, securityCenterFor, startTestEmulator } from './harness';

describe('large alert lists', () => {
  it('serves a million lazily generated alerts by producing only the requested pages', async () => {
    const generated = generatedAlertSource({
      count: 1_000_000,
      seed: 31,
      subscriptionId: IDS.subscriptionId,
    });
    const produced: number[] = [];
    const counting: AlertSource = {
      length: generated.length,
      at: (index) => {
        produced.push(index);
        return generated.at(index);
      },
    };
    const emulator = await startTestEmulator({ alerts: counting });
    try {
      const client = securityCenterFor(emulator, { maxRetries: 0 });
      const first = JSON.parse((await get(client, alertsListUrl(emulator))).bodyAsText ?? '') as {
        value: unknown[];
        nextLink: string;
      };
      const second = JSON.parse((await get(client, first.nextLink)).bodyAsText ?? '') as { value: unknown[] };

      expect(first.value).toEqual(
        generateAlerts({ count: 50, seed: 31, subscriptionId: IDS.subscriptionId }),
      );
      expect(second.value).toEqual(
        generateAlerts({ count: 50, seed: 31, subscriptionId: IDS.subscriptionId, startIndex: 50 }),
      );
      expect(produced).toEqual(Array.from({ length: 100 }, (_, index) => index));
    } finally {
      await emulator.stop();
    }
  });

  it('pages 10,000 alerts to the end through the real client', async () => {
    const alerts = generateAlerts({ count: 10_000, seed: 32, subscriptionId: IDS.subscriptionId });
    const emulator = await startTestEmulator({ alerts, pageSize: 1000 });
    try {
      const { pages } = await listAllPages(securityCenterFor(emulator), alertsListUrl(emulator));
      expect(pages).toHaveLength(10);
      expect(pages.flat().map((alert) => (alert as { id: string }).id)).toEqual(
        alerts.map((alert) => alert.id),
      );
    } finally {
      await emulator.stop();
    }
  });
});
