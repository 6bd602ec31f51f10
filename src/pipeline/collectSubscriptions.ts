import { indexBlobName, type CollectorSettings } from '../config/settings';
import { listCollectionState } from '../dedupe/listCollectionState';
import { discoverSubscriptions, type DiscoveryCounts } from '../defender/discoverSubscriptions';
import type { DirectSink } from '../delivery/sinks';
import { describeError } from '../telemetry/describeError';
import { withFields, type Logger } from '../telemetry/logger';
import type { RunSummary } from './collectAlerts';
import { concurrencyLimit } from './concurrencyLimit';
import { forEachConcurrently } from './forEachConcurrently';
import { createCollectionClients, runCollection, type RunCollectionOptions } from './runCollection';
import { sharedFlush } from './sharedFlush';
import { summaryLine } from './summaryLine';

export interface SubscriptionOutcome {
  subscriptionId: string;
  summary?: RunSummary;
  /** Why the subscription failed; its records, if any, were not committed. */
  error?: string;
}

export interface CollectionOfSubscriptions {
  discovery: DiscoveryCounts;
  outcomes: SubscriptionOutcome[];
}

/** Where a collection of many subscriptions stands, for a progress line. */
export interface CollectionProgress {
  subscriptions: number;
  done: number;
  pages: number;
  alerts: number;
}

/**
 * The local runner's cycle: discovers the configured subscriptions, then collects each with the
 * worker's pipeline and a direct sink, at most `max_concurrent_subscriptions` at a time. A subscription
 * that fails is reported with its reason; the others go on. One summary line per subscription. Which
 * subscriptions have an index and a collection marker is listed once, before any run starts, instead of
 * asked per subscription ({@link listCollectionState}).
 *
 * @throws Error when discovery or that listing fails: nothing is collected then.
 */
export async function collectSubscriptions(options: {
  settings: CollectorSettings;
  sink: DirectSink;
  logger: Logger;
  retryOptions?: RunCollectionOptions['retryOptions'];
  /** Told whenever a page is diffed or a subscription is done. */
  onProgress?: (progress: Readonly<CollectionProgress>) => void;
}): Promise<CollectionOfSubscriptions> {
  const { settings, sink, logger } = options;
  const clients = createCollectionClients(settings, { logger, retryOptions: options.retryOptions });
  // The index listing needs no subscription list: it runs beside discovery, not after it.
  const collectionState = listCollectionState({
    indexContainer: clients.indexContainer,
    markerContainer: clients.outbox,
  });
  const discovered = await discoverSubscriptions({
    arm: clients.arm,
    selection: settings.subscriptions,
    tenantId: settings.tenantId,
    logger,
  });
  const listed = await collectionState.of(
    new Map(discovered.subscriptions.map((id) => [id, indexBlobName(settings.index, id)])),
  );
  // At most max_concurrent_subscriptions listings at once; a subscription whose listing has ended leaves
  // its slot to the next one and flushes and commits beside it, with a bound of its own.
  const listing = concurrencyLimit(settings.maxConcurrentSubscriptions);
  const sharedSink = sharedFlush(sink);
  const progress: CollectionProgress = {
    subscriptions: discovered.subscriptions.length,
    done: 0,
    pages: 0,
    alerts: 0,
  };
  const report = () => options.onProgress?.(progress);
  const settled = await forEachConcurrently(
    discovered.subscriptions,
    settings.maxConcurrentSubscriptions * 2,
    async (subscriptionId) => {
      const subscriptionLogger = withFields(logger, { subscriptionId });
      const { summary } = await runCollection({
        settings,
        subscriptionId,
        sink: sharedSink,
        logger: subscriptionLogger,
        clients,
        listingSlot: listing,
        listed: listed.of(subscriptionId),
        onPage: (alerts) => {
          progress.pages += 1;
          progress.alerts += alerts;
          report();
        },
      }).finally(() => {
        progress.done += 1;
        report();
      });
      subscriptionLogger.info(summaryLine(summary));
      return summary;
    },
  );
  const outcomes = settled.map((result, position): SubscriptionOutcome => {
    const subscriptionId = discovered.subscriptions[position]!;
    if (result.status === 'fulfilled') return { subscriptionId, summary: result.value };
    const error = describeError(result.reason);
    logger.error(`Collection failed: ${error}`, { subscriptionId });
    return { subscriptionId, error };
  });
  return { discovery: discovered.counts, outcomes };
}
