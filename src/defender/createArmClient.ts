import type { CollectorSettings } from '../config/settings';
import type { Logger } from '../telemetry/logger';
import { ArmClient } from './armClient';
import { ArmThrottleObserver } from './armThrottle';
import { createCredential } from './createCredential';

export interface ArmClientSetup {
  logger?: Logger;
  /** SDK retry tuning; the SDK defaults apply when absent. */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** Who to name in a permission error: the identity the collector signs in as. */
export function principalHint(settings: CollectorSettings): string {
  return settings.credential.kind === 'defaultChain'
    ? "the app's managed identity (or the signed-in user)"
    : `the identity with client id '${settings.credential.clientId}'`;
}

/** An ARM client for the configured cloud and credential, watching ARM's read limits. */
export function createArmClient(settings: CollectorSettings, setup: ArmClientSetup = {}): ArmClient {
  return new ArmClient({
    credential: createCredential(settings),
    resourceManagerEndpoint: settings.cloud.resourceManagerEndpoint,
    retryOptions: setup.retryOptions,
    throttle: new ArmThrottleObserver(setup.logger),
    maxPagesPerListing: settings.maxPagesPerListing,
    logger: setup.logger,
  });
}
