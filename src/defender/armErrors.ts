import type { PipelineResponse } from '@azure/core-rest-pipeline';

/** Why a subscription cannot be collected, as ARM says it. */
export type UnavailableReason = 'forbidden' | 'notFound' | 'notRegistered';

/**
 * A subscription whose alerts cannot be listed at all: access denied, unknown, or without the
 * Microsoft.Security provider. Retrying changes nothing; the worker skips it with its own outcome, and the
 * other subscriptions go on.
 */
export class SubscriptionUnavailableError extends Error {
  constructor(
    message: string,
    readonly subscriptionId: string,
    readonly reason: UnavailableReason,
  ) {
    super(message);
    this.name = 'SubscriptionUnavailableError';
  }
}

/** Turns an ARM error response of a subscription's alert listing into an error that says what to do. */
export function describeArmFailure(
  subscriptionId: string,
  principalHint: string,
): (response: PipelineResponse) => Error {
  return (response) => {
    const { code, message } = readArmError(response.bodyAsText);
    const what = `Listing Defender for Cloud alerts of subscription '${subscriptionId}' failed with HTTP ${response.status}${code ? ` ${code}` : ''}`;
    const detail = message ? `: ${message}` : '.';
    const unavailable = (reason: UnavailableReason, fix: string) =>
      new SubscriptionUnavailableError(`${what}${detail} ${fix}`, subscriptionId, reason);
    if (response.status === 401)
      return new Error(
        `${what}${detail} Check 'tenant_id', 'client_id' and 'client_secret' (or the managed identity).`,
      );
    if (response.status === 403)
      return unavailable(
        'forbidden',
        `Grant ${principalHint} the Security Reader role on the subscription ` +
          `(az role assignment create --role "Security Reader" --assignee <client id> --scope /subscriptions/${subscriptionId}), ` +
          'or on a management group above it; new role assignments can take a few minutes to apply.',
      );
    if (response.status === 404 && (code === undefined || code === 'SubscriptionNotFound'))
      return unavailable(
        'notFound',
        "Check 'subscription_id' / 'subscription_ids' and that the subscription belongs to tenant 'tenant_id'.",
      );
    if (code === 'MissingSubscriptionRegistration')
      return unavailable(
        'notRegistered',
        'Register the Microsoft.Security resource provider on the subscription ' +
          `(az provider register --namespace Microsoft.Security --subscription ${subscriptionId}), or exclude it ` +
          "with 'exclude_subscription_ids'.",
      );
    return new Error(
      `${what}${detail} The SDK already retried; the run fails and is retried on the next attempt.`,
    );
  };
}

/** Turns an ARM error response of a tenant-level listing (subscriptions, management groups) into an error. */
export function describeListingFailure(what: string, fix: string): (response: PipelineResponse) => Error {
  return (response) => {
    const { code, message } = readArmError(response.bodyAsText);
    return new Error(
      `Listing ${what} failed with HTTP ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : '.'} ${fix}`,
    );
  };
}

function readArmError(bodyAsText: string | null | undefined): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(bodyAsText ?? '') as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
    return { code, message };
  } catch {
    return {};
  }
}
