import type { BlobServiceClient } from '@azure/storage-blob';
import type { CollectorSettings } from '../config/settings';
import { ArmAlertSource } from '../defender/armAlertSource';
import { createCredential } from '../defender/createCredential';
import { BlobIndexStore } from '../dedupe/blobIndexStore';
import { BlobCollectionMarker } from '../dedupe/collectionMarker';
import { createBlobServiceClient } from '../storage/createBlobServiceClient';
import { EvidenceJudge, type CurrentAttempt } from '../delivery/judge';
import { BlobOutbox } from '../delivery/outbox';
import type { AlertSink } from '../delivery/sinks';
import type { Logger } from '../telemetry/logger';
import { collectAlerts, type CollectResult } from './collectAlerts';

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
}

/** Wires the real clients from the settings and runs one collection cycle of one subscription. */
export async function runCollection(options: RunCollectionOptions): Promise<CollectResult> {
  const { settings, subscriptionId, sink, logger } = options;
  const blobService = createBlobServiceClient(settings.storage);
  const principalHint =
    settings.credential.kind === 'defaultChain'
      ? "the app's managed identity"
      : `the identity with client id '${settings.credential.clientId}'`;
  const source = new ArmAlertSource({
    credential: createCredential(settings),
    subscriptionId,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint,
    retryOptions: options.retryOptions,
  });
  const outbox = blobService.getContainerClient(settings.delivery.outboxContainer);
  return collectAlerts({
    source,
    store: createIndexStore(blobService, settings, subscriptionId),
    sink,
    judge: new EvidenceJudge(new BlobOutbox(outbox), options.current),
    subscriptionId,
    dedupeMode: settings.dedupeMode,
    recordFormat: settings.recordFormat,
    maxAlertsPerRun: settings.maxAlertsPerRun,
    logger,
    abortSignal: options.abortSignal,
    now: options.now,
  });
}

/** The index of one subscription, with its collection marker in the outbox container. */
export function createIndexStore(
  blobService: BlobServiceClient,
  settings: CollectorSettings,
  subscriptionId: string,
): BlobIndexStore {
  return new BlobIndexStore(
    blobService.getContainerClient(settings.index.container),
    settings.index.blobName,
    subscriptionId,
    new BlobCollectionMarker(
      blobService.getContainerClient(settings.delivery.outboxContainer),
      subscriptionId,
    ),
  );
}
