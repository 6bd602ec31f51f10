import type { PipelineResponse } from '@azure/core-rest-pipeline';

/** Turns an ARM error response into a message that says what to do about it. */
export function describeArmFailure(
  response: PipelineResponse,
  subscriptionId: string,
  principalHint: string,
): string {
  const { code, message } = readArmError(response.bodyAsText);
  const what = `Listing Defender for Cloud alerts of subscription '${subscriptionId}' failed with HTTP ${response.status}${code ? ` ${code}` : ''}`;
  const detail = message ? `: ${message}` : '.';
  switch (response.status) {
    case 401:
      return `${what}${detail} Check 'tenant_id', 'client_id' and 'client_secret' (or the managed identity).`;
    case 403:
      return (
        `${what}${detail} Grant ${principalHint} the Security Reader role on the subscription ` +
        `(az role assignment create --role "Security Reader" --assignee <client id> --scope /subscriptions/${subscriptionId}); ` +
        `new role assignments can take a few minutes to apply.`
      );
    case 404:
      return `${what}${detail} Check 'subscription_id' and that it belongs to tenant 'tenant_id'.`;
    default:
      return `${what}${detail} The SDK already retried; the run fails and is retried on the next attempt.`;
  }
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
