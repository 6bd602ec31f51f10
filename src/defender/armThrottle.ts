import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Logger } from '../telemetry/logger';

/**
 * ARM's read limits are token buckets (per subscription and per principal, and per tenant: 250 tokens,
 * refilled at 25 a second); each response says how many are left in `x-ms-ratelimit-remaining-*`.
 * Below this many, requests slow down instead of running into 429s.
 */
export const LOW_REMAINING_READS = 25;
/** One token refills in 40 ms: wait that long per token missing below {@link LOW_REMAINING_READS}. */
const REFILL_INTERVAL_IN_MS = 40;
const HEADERS = {
  subscription: 'x-ms-ratelimit-remaining-subscription-reads',
  tenant: 'x-ms-ratelimit-remaining-tenant-reads',
} as const;

/** The lowest remaining-reads counts seen, for telemetry. */
export class ArmThrottleObserver {
  lowestSubscriptionReads: number | undefined;
  lowestTenantReads: number | undefined;

  constructor(
    private readonly logger: Logger | undefined,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** A pipeline policy (per retry) that reads the headers of every response and backs off when low. */
  policy(): PipelinePolicy {
    return {
      name: 'armThrottleObserver',
      sendRequest: async (request, next) => {
        const response = await next(request);
        const subscription = readCount(response.headers.get(HEADERS.subscription));
        const tenant = readCount(response.headers.get(HEADERS.tenant));
        if (subscription !== undefined)
          this.lowestSubscriptionReads = Math.min(this.lowestSubscriptionReads ?? subscription, subscription);
        if (tenant !== undefined) this.lowestTenantReads = Math.min(this.lowestTenantReads ?? tenant, tenant);
        if (subscription !== undefined || tenant !== undefined)
          this.logger?.debug('ARM read limits', { subscriptionReads: subscription, tenantReads: tenant });
        const remaining = Math.min(subscription ?? Infinity, tenant ?? Infinity);
        if (remaining < LOW_REMAINING_READS)
          await this.sleep((LOW_REMAINING_READS - remaining) * REFILL_INTERVAL_IN_MS);
        return response;
      },
    };
  }
}

function readCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  return Number.isFinite(count) ? count : undefined;
}
