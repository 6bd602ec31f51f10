import { SecurityCenter } from '@azure/arm-security';
import { createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { AlertPage, AlertSource } from './alertSource';
import { describeArmFailure } from './armErrors';

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
  /** Who to name in a permission error: the client id the collector signs in as. */
  principalHint: string;
  /** Retry tuning of the SDK pipeline (429 with Retry-After, 5xx and network errors, exponential backoff). */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  userAgentPrefix?: string;
}

/** A response after the client's deserialisation policy, which puts the parsed JSON body here. */
type ParsedResponse = PipelineResponse & { parsedBody?: unknown };

/** Lists every alert of a subscription, page by page, through `@azure/arm-security`'s client pipeline. */
export class ArmAlertSource implements AlertSource {
  private readonly client: SecurityCenter;
  private readonly endpointOrigin: string;

  constructor(private readonly options: ArmAlertSourceOptions) {
    this.client = new SecurityCenter(options.credential, options.subscriptionId, {
      endpoint: options.resourceManagerEndpoint,
      // The generated client always asks for the public cloud's scope; sovereign clouds need their own.
      credentialScopes: [`${options.resourceManagerEndpoint}/.default`],
      retryOptions: options.retryOptions,
      userAgentOptions: { userAgentPrefix: options.userAgentPrefix ?? 'defender-alerts-collector' },
    });
    this.endpointOrigin = new URL(options.resourceManagerEndpoint).origin;
  }

  async *pages(options: { abortSignal?: AbortSignal } = {}): AsyncIterable<AlertPage> {
    const { subscriptionId, resourceManagerEndpoint } = this.options;
    let url: string | undefined =
      `${resourceManagerEndpoint}/subscriptions/${encodeURIComponent(subscriptionId)}` +
      `/providers/Microsoft.Security/alerts?api-version=${ALERTS_API_VERSION}`;
    let pageNumber = 0;
    while (url !== undefined) {
      pageNumber += 1;
      const response = await this.send(url, pageNumber, options.abortSignal);
      const body = this.parsePage(response, pageNumber);
      url = this.checkedNextLink(body.nextLink, pageNumber);
      yield { alerts: body.value, pageNumber };
    }
  }

  private async send(
    url: string,
    pageNumber: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<ParsedResponse> {
    try {
      return await this.client.sendRequest(createPipelineRequest({ url, method: 'GET', abortSignal }));
    } catch (error) {
      // The client's deserialisation policy parses JSON bodies, and its error quotes the whole body, alert
      // payloads included, which must never reach logs. Keep only the facts.
      if (error instanceof RestError && error.code === RestError.PARSE_ERROR) {
        throw new Error(
          `Defender for Cloud returned page ${pageNumber} of the alert listing as invalid JSON ` +
            `(HTTP ${error.statusCode ?? '?'}); the run stops so that no alert is skipped. It is retried on the next attempt.`,
        );
      }
      throw error;
    }
  }

  private parsePage(response: ParsedResponse, pageNumber: number): { value: unknown[]; nextLink?: unknown } {
    if (response.status !== 200) {
      throw new Error(describeArmFailure(response, this.options.subscriptionId, this.options.principalHint));
    }
    // The pipeline has already parsed a JSON body (`parsedBody`): parsing it again would double the cost of
    // the largest step of a run. Other content types are parsed here.
    let body: unknown = response.parsedBody;
    if (body === undefined) {
      try {
        body = JSON.parse(response.bodyAsText ?? '');
      } catch {
        throw new Error(
          `Defender for Cloud returned page ${pageNumber} of the alert listing as invalid JSON ` +
            `(HTTP ${response.status}); the run stops so that no alert is skipped. It is retried on the next attempt.`,
        );
      }
    }
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { value?: unknown }).value)) {
      throw new Error(
        `Defender for Cloud returned page ${pageNumber} of the alert listing without a "value" array; ` +
          `the run stops so that no alert is skipped.`,
      );
    }
    return body as { value: unknown[]; nextLink?: unknown };
  }

  /** The bearer token goes with every request, so a nextLink may only point back at the same endpoint. */
  private checkedNextLink(nextLink: unknown, pageNumber: number): string | undefined {
    if (nextLink === undefined || nextLink === null || nextLink === '') return undefined;
    if (
      typeof nextLink !== 'string' ||
      !URL.canParse(nextLink) ||
      new URL(nextLink).origin !== this.endpointOrigin
    ) {
      throw new Error(
        `Defender for Cloud returned a nextLink on page ${pageNumber} that does not point at ` +
          `${this.endpointOrigin}; refusing to follow it (the access token would be sent there).`,
      );
    }
    return nextLink;
  }
}
