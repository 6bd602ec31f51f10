import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { indexBlobName, type CollectorSettings } from '../config/settings';
import { ArmAlertSource } from '../defender/armAlertSource';
import type { ArmClient } from '../defender/armClient';
import { createArmClient, principalHint } from '../defender/createArmClient';
import { BlobIndexStore, type ListedBlobs } from '../dedupe/blobIndexStore';
import { BlobCollectionMarker } from '../dedupe/collectionMarker';
import { createBlobServiceClient } from '../storage/createBlobServiceClient';
import { EvidenceJudge, type CurrentAttempt } from '../delivery/judge';
import { BlobOutbox } from '../delivery/outbox';
import type { AlertSink } from '../delivery/sinks';
import type { Logger } from '../telemetry/logger';
import { collectAlerts, type CollectAlertsOptions, type CollectResult } from './collectAlerts';

export interface RunCollectionOptions {
  settings: CollectorSettings;
  /** The subscription to collect: the work item's, or the configured one in the local runner. */
  subscriptionId: string;
  sink: AlertSink;
  logger: Logger;
  /** The work queue message being processed; `undefined` in the local runner. */
  current?: CurrentAttempt;
  /** SDK retry tuning for the Defender API; the SDK defaults apply when absent. */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  abortSignal?: AbortSignal;
  /** The clock; tests move it to stage runs hours apart. */
  now?: () => Date;
  /** Clients to share; made from the settings when absent. */
  clients?: CollectionClients;
  /** Told of each page once it is diffed: its alerts (for progress reports). */
  onPage?: (alerts: number) => void;
  /** Bounds the listings in progress (see {@link CollectAlertsOptions.listingSlot}); unbounded when absent. */
  listingSlot?: CollectAlertsOptions['listingSlot'];
  /** What a listing taken before the cycle saw of the subscription's index and marker; read when absent. */
  listed?: ListedBlobs;
}

/**
 * The clients one process shares across the subscriptions it collects (one token, one connection pool, and
 * the containers: each container client builds a pipeline of its own).
 */
export interface CollectionClients {
  arm: ArmClient;
  indexContainer: ContainerClient;
  /** The outbox container: the batches' evidence and the collection markers. */
  outbox: ContainerClient;
}

export function createCollectionClients(
  settings: CollectorSettings,
  setup: { logger?: Logger; retryOptions?: RunCollectionOptions['retryOptions'] } = {},
): CollectionClients {
  return {
    arm: createArmClient(settings, setup),
    ...collectionContainers(createBlobServiceClient(settings.storage), settings),
  };
}

/** The index and outbox containers of a blob service, as the settings name them. */
export function collectionContainers(
  blobService: BlobServiceClient,
  settings: CollectorSettings,
): Pick<CollectionClients, 'indexContainer' | 'outbox'> {
  return {
    indexContainer: blobService.getContainerClient(settings.index.container),
    outbox: blobService.getContainerClient(settings.delivery.outboxContainer),
  };
}

/** Runs one collection cycle of one subscription with the real clients. */
export async function runCollection(options: RunCollectionOptions): Promise<CollectResult> {
  const { settings, subscriptionId, sink, logger } = options;
  const clients =
    options.clients ?? createCollectionClients(settings, { logger, retryOptions: options.retryOptions });
  const { arm, outbox } = clients;
  const source = new ArmAlertSource({
    arm,
    credential: arm.options.credential,
    subscriptionId,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint: principalHint(settings),
  });
  const result = await collectAlerts({
    source,
    store: createIndexStore(clients, settings, subscriptionId, { logger, listed: options.listed }),
    sink,
    judge: new EvidenceJudge(new BlobOutbox(outbox), options.current),
    subscriptionId,
    dedupeMode: settings.dedupeMode,
    recordFormat: settings.recordFormat,
    maxAlertsPerRun: settings.maxAlertsPerRun,
    logger,
    abortSignal: options.abortSignal,
    now: options.now,
    onPage: options.onPage,
    filter: settings.filter,
    listingSlot: options.listingSlot,
  });
  const remaining = arm.options.throttle?.lowestSubscriptionReads;
  return remaining === undefined
    ? result
    : { ...result, summary: { ...result.summary, armReadsRemaining: remaining } };
}

/** The index of one subscription, with its collection marker in the outbox container. */
export function createIndexStore(
  clients: Pick<CollectionClients, 'indexContainer' | 'outbox'>,
  settings: CollectorSettings,
  subscriptionId: string,
  options: ConstructorParameters<typeof BlobIndexStore>[4] = {},
): BlobIndexStore {
  return new BlobIndexStore(
    clients.indexContainer,
    indexBlobName(settings.index, subscriptionId),
    subscriptionId,
    new BlobCollectionMarker(clients.outbox, subscriptionId),
    options,
  );
}
