import type { TokenCredential } from '@azure/identity';
import type { AlertPage, AlertSource } from './alertSource';
import { ArmClient } from './armClient';
import { describeArmFailure } from './armErrors';
import type { ArmThrottleObserver } from './armThrottle';

/**
 * The api-version whose alert shape users expect (`version`, `techniques`, `subTechniques`,
 * `supportingEvidence`, status `InProgress`). The SDK's own operations call 2021-11-01 and flatten the
 * model, so we send our own request through the SDK client's pipeline and keep the wire JSON.
 */
export const ALERTS_API_VERSION = '2022-01-01';

export interface ArmAlertSourceOptions {
  credential: TokenCredential;
  subscriptionId: string;
  resourceManagerEndpoint: string;
  /** A client to share (its pipeline, token cache and throttle); one is made from the options otherwise. */
  arm?: ArmClient;
  /** Who to name in a permission error: the client id the collector signs in as. */
  principalHint: string;
  /** Retry tuning of the SDK pipeline (429 with Retry-After, 5xx and network errors, exponential backoff). */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  userAgentPrefix?: string;
  throttle?: ArmThrottleObserver;
}

/** Lists every alert of a subscription, page by page, through `@azure/arm-security`'s client pipeline. */
export class ArmAlertSource implements AlertSource {
  private readonly arm: ArmClient;

  constructor(private readonly options: ArmAlertSourceOptions) {
    this.arm = options.arm ?? new ArmClient(options);
  }

  async *pages(options: { abortSignal?: AbortSignal } = {}): AsyncIterable<AlertPage> {
    const { subscriptionId, principalHint } = this.options;
    const url = this.arm.url(
      `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Security/alerts?api-version=${ALERTS_API_VERSION}`,
    );
    const list = {
      source: 'Defender for Cloud',
      what: 'the alert listing',
      item: 'alert',
      failure: describeArmFailure(subscriptionId, principalHint),
    };
    for await (const page of this.arm.pages(url, list, options.abortSignal))
      yield { alerts: page.value, pageNumber: page.pageNumber };
  }
}
