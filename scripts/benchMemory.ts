/**
 * One capped collection of many generated alerts, made page by page as a listing streams them, into an
 * in-memory index. Run by `bench.ts` under a small heap limit; prints the peak resident memory.
 * Usage: node benchMemory.js <alerts> <max_alerts_per_run>
 */
import { InMemoryIndexStore } from '../src/dedupe/inMemoryIndexStore';
import type { AlertPage, AlertSource } from '../src/defender/alertSource';
import { collectAlerts } from '../src/pipeline/collectAlerts';
import { RecordingLogger } from '../src/telemetry/logger';
import { generateAlerts } from '../emulators/defender/alertFactory';

const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000be';
const PAGE_SIZE = 200;

function generatedSource(count: number): AlertSource {
  return {
    async *pages(): AsyncIterable<AlertPage> {
      for (let start = 0, pageNumber = 1; start < count; start += PAGE_SIZE, pageNumber += 1) {
        const size = Math.min(PAGE_SIZE, count - start);
        const alerts = generateAlerts({
          count: size,
          seed: 11,
          subscriptionId: SUBSCRIPTION,
          startIndex: start,
        });
        // Through text, as a page arrives over the wire.
        yield await Promise.resolve({ alerts: JSON.parse(JSON.stringify(alerts)) as unknown[], pageNumber });
      }
    },
  };
}

async function main(): Promise<void> {
  const [count, cap] = process.argv.slice(2).map(Number);
  const store = new InMemoryIndexStore(SUBSCRIPTION);
  const { summary } = await collectAlerts({
    source: generatedSource(count!),
    store,
    sink: { kind: 'direct', write: () => Promise.resolve() },
    judge: { judge: () => Promise.resolve('unknown' as const) },
    subscriptionId: SUBSCRIPTION,
    dedupeMode: 'content',
    recordFormat: 'raw',
    maxAlertsPerRun: cap!,
    logger: new RecordingLogger(),
  });
  const peakRssInMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `peak RSS ${peakRssInMb.toFixed(0)} MB; delivered ${summary.delivered}, backlog ${summary.backlog}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
