import type { CollectorSettings } from '../config/settings';
import { ArmAlertSource } from '../defender/armAlertSource';
import { createCredential } from '../defender/createCredential';
import { BlobIndexStore } from '../dedupe/blobIndexStore';
import { createBlobServiceClient } from '../dedupe/createBlobServiceClient';
import { DeliveryJudges, type InvocationAttempt } from '../output/deliveryJudges';
import type { Logger } from '../telemetry/logger';
import { collectAlerts, type CollectResult } from './collectAlerts';
import type { AlertSink } from './delivery';

export interface RunCollectionOptions {
  settings: CollectorSettings;
  sink: AlertSink;
  logger: Logger;
  /** The Functions invocation's retry state; `undefined` in the local runner. */
  attempt?: InvocationAttempt;
  /** SDK retry tuning for the Defender API; the SDK defaults apply when absent. */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  abortSignal?: AbortSignal;
  /** The clock; tests move it to stage runs hours apart. */
  now?: () => Date;
}

/** Wires the real clients from the settings and runs one collection cycle. */
export async function runCollection(options: RunCollectionOptions): Promise<CollectResult> {
  const { settings, sink, logger } = options;
  const blobService = createBlobServiceClient(settings.storage);
  const principalHint =
    settings.credential.kind === 'defaultChain'
      ? "the app's managed identity"
      : `the identity with client id '${settings.credential.clientId}'`;
  const source = new ArmAlertSource({
    credential: createCredential(settings),
    subscriptionId: settings.subscriptionId,
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    principalHint,
    retryOptions: options.retryOptions,
  });
  const outputContainer =
    settings.output.target === 'blob'
      ? blobService.getContainerClient(settings.output.blobContainer)
      : undefined;
  return collectAlerts({
    source,
    store: new BlobIndexStore(
      blobService.getContainerClient(settings.index.container),
      settings.index.blobName,
      settings.subscriptionId,
    ),
    sink,
    judge: new DeliveryJudges(outputContainer, options.attempt),
    subscriptionId: settings.subscriptionId,
    dedupeMode: settings.dedupeMode,
    recordFormat: settings.recordFormat,
    maxAlertsPerRun: settings.maxAlertsPerRun,
    logger,
    abortSignal: options.abortSignal,
    now: options.now,
  });
}
