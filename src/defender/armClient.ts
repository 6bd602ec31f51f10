import { SecurityCenter } from '@azure/arm-security';
import { createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { DEFAULT_MAX_PAGES_PER_LISTING } from '../config/settings';
import type { Logger } from '../telemetry/logger';
import type { ArmThrottleObserver } from './armThrottle';

export interface ArmClientOptions {
  credential: TokenCredential;
  resourceManagerEndpoint: string;
  /** Retry tuning of the SDK pipeline (429 with Retry-After, 5xx and network errors, exponential backoff). */
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  userAgentPrefix?: string;
  /** Reads ARM's remaining-reads headers and backs off when they run low. */
  throttle?: ArmThrottleObserver;
  /** A list of more pages than this is taken for endless (`max_pages_per_listing`). */
  maxPagesPerListing?: number;
  /** Debug lines: each page with its items, size and time. */
  logger?: Logger;
}

/** A response after the client's deserialisation policy, which puts the parsed JSON body here. */
export type ParsedResponse = PipelineResponse & { parsedBody?: unknown };

/** One page of an ARM list: its `value` as parsed, and where the next page is. */
export interface ArmPage {
  value: unknown[];
  pageNumber: number;
}

/** How a list's failures are described, and a non-200 answer turned into an error. */
export interface ListDescription {
  /** Who answers, for messages: "Defender for Cloud", "Azure Resource Manager". */
  source: string;
  /** What is listed: "the alert listing". */
  what: string;
  /** One item of the list: "alert". */
  item: string;
  failure: (response: PipelineResponse) => Error;
}

/**
 * GETs through `@azure/arm-security`'s client pipeline (credential, user agent, SDK retries for 429 with
 * Retry-After, 5xx and resets) for any ARM list, following `nextLink` only back to the same endpoint (the
 * bearer token goes with it). Each page is parsed once, by the pipeline.
 */
export class ArmClient {
  private readonly client: SecurityCenter;
  readonly endpointOrigin: string;

  constructor(readonly options: ArmClientOptions) {
    // The subscription id of the generated client is never used: every request here is our own.
    this.client = new SecurityCenter(options.credential, '00000000-0000-0000-0000-000000000000', {
      endpoint: options.resourceManagerEndpoint,
      // The generated client always asks for the public cloud's scope; sovereign clouds need their own.
      credentialScopes: [`${options.resourceManagerEndpoint}/.default`],
      retryOptions: options.retryOptions,
      userAgentOptions: { userAgentPrefix: options.userAgentPrefix ?? 'defender-alerts-collector' },
      additionalPolicies: options.throttle
        ? [{ policy: options.throttle.policy(), position: 'perRetry' }]
        : [],
    });
    this.endpointOrigin = new URL(options.resourceManagerEndpoint).origin;
  }

  /** `path` (with its query) under the resource manager endpoint. */
  url(path: string): string {
    return `${this.options.resourceManagerEndpoint}${path}`;
  }

  /**
   * Every page of a list, in order. A failure mid-list throws: the caller must not take a partial list. So
   * does a list that would never end: a nextLink given twice, or more pages than `maxPagesPerListing`.
   *
   * The next page is requested as soon as this one's nextLink is known, so that fetching it overlaps with the
   * caller's work on this one; at most one page is ahead.
   */
  async *pages(firstUrl: string, list: ListDescription, abortSignal?: AbortSignal): AsyncIterable<ArmPage> {
    const maxPages = this.options.maxPagesPerListing ?? DEFAULT_MAX_PAGES_PER_LISTING;
    const seen = new Set<string>([firstUrl]);
    let pageNumber = 1;
    let requestedAt = performance.now();
    let next: Promise<ParsedResponse> | undefined = this.prefetch(firstUrl, list, pageNumber, abortSignal);
    while (next !== undefined) {
      const response: ParsedResponse = await next;
      const body = this.parsePage(response, list, pageNumber);
      this.options.logger?.debug(`Page ${pageNumber} of ${list.what}`, {
        items: body.value.length,
        bytes: response.bodyAsText?.length,
        ms: Math.round(performance.now() - requestedAt),
      });
      requestedAt = performance.now();
      const url = this.checkedNextLink(body.nextLink, list, pageNumber);
      next = undefined;
      if (url !== undefined) {
        if (seen.has(url)) throw repeatedNextLink(list, pageNumber);
        if (pageNumber + 1 > maxPages) throw tooManyPages(list, maxPages);
        seen.add(url);
        next = this.prefetch(url, list, pageNumber + 1, abortSignal);
      }
      yield { value: body.value, pageNumber };
      pageNumber += 1;
    }
  }

  /** Starts a request; its failure surfaces when it is awaited, never as an unhandled rejection before that. */
  private prefetch(
    url: string,
    list: ListDescription,
    pageNumber: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<ParsedResponse> {
    const request = this.send(url, list, pageNumber, abortSignal);
    request.catch(() => undefined);
    return request;
  }

  private async send(
    url: string,
    list: ListDescription,
    pageNumber: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<ParsedResponse> {
    try {
      const response = await this.client.sendRequest(
        createPipelineRequest({ url, method: 'GET', abortSignal }),
      );
      // The SDK follows a same-origin redirect but drops the bearer token on it, so ARM's 401 that follows
      // would blame the credentials; the redirect is the cause.
      if (response.status === 401 && response.request.url !== url)
        throw unauthorizedAfterRedirect(list, pageNumber, url, response.request.url);
      return response;
    } catch (error) {
      // The client's deserialisation policy parses JSON bodies, and its error quotes the whole body, alert
      // payloads included, which must never reach logs. Keep only the facts.
      if (error instanceof RestError && error.code === RestError.PARSE_ERROR)
        throw invalidJson(list, pageNumber, error.statusCode);
      throw error;
    }
  }

  private parsePage(
    response: ParsedResponse,
    list: ListDescription,
    pageNumber: number,
  ): { value: unknown[]; nextLink?: unknown } {
    if (response.status !== 200) throw list.failure(response);
    // The pipeline has already parsed a JSON body (`parsedBody`): parsing it again would double the cost of
    // the largest step of a run. Other content types are parsed here.
    let body: unknown = response.parsedBody;
    if (body === undefined) {
      try {
        body = JSON.parse(response.bodyAsText ?? '');
      } catch {
        throw invalidJson(list, pageNumber, response.status);
      }
    }
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { value?: unknown }).value)) {
      throw new Error(
        `${list.source} returned page ${pageNumber} of ${list.what} without a "value" array; ` +
          `the run stops so that no ${list.item} is skipped.`,
      );
    }
    return body as { value: unknown[]; nextLink?: unknown };
  }

  /** The bearer token goes with every request, so a nextLink may only point back at the same endpoint. */
  private checkedNextLink(nextLink: unknown, list: ListDescription, pageNumber: number): string | undefined {
    if (nextLink === undefined || nextLink === null || nextLink === '') return undefined;
    if (
      typeof nextLink !== 'string' ||
      !URL.canParse(nextLink) ||
      new URL(nextLink).origin !== this.endpointOrigin
    ) {
      throw new Error(
        `${list.source} returned a nextLink on page ${pageNumber} that does not point at ` +
          `${this.endpointOrigin}; refusing to follow it (the access token would be sent there).`,
      );
    }
    return nextLink;
  }
}

function invalidJson(list: ListDescription, pageNumber: number, status: number | undefined): Error {
  return new Error(
    `${list.source} returned page ${pageNumber} of ${list.what} as invalid JSON (HTTP ${status ?? '?'}); ` +
      `the run stops so that no ${list.item} is skipped. It is retried on the next attempt.`,
  );
}

function unauthorizedAfterRedirect(
  list: ListDescription,
  pageNumber: number,
  sentUrl: string,
  redirectedUrl: string,
): Error {
  // Without the query: the path says enough, and nothing else of the URL reaches a log.
  const where = (url: string) => `${new URL(url).origin}${new URL(url).pathname}`;
  return new Error(
    `${list.source} redirected the request for page ${pageNumber} of ${list.what} from ${where(sentUrl)} ` +
      `to ${where(redirectedUrl)}, and the redirected request was refused with HTTP 401. The Azure SDK never ` +
      'sends the access token along a redirect, so the credentials are not the cause: set ' +
      "'resource_manager_endpoint' to the address that answers without redirecting, or check the proxy or " +
      'gateway in between.',
  );
}

function repeatedNextLink(list: ListDescription, pageNumber: number): Error {
  return new Error(
    `${list.source} returned page ${pageNumber} of ${list.what} with a nextLink it had already given; the ` +
      'listing would never end. The run stops and commits nothing of it; it is retried on the next attempt.',
  );
}

function tooManyPages(list: ListDescription, maxPages: number): Error {
  return new Error(
    `${list.source} returned more than ${maxPages} pages of ${list.what} ('max_pages_per_listing'); the listing ` +
      'looks endless. The run stops and commits nothing of it. If the subscription really has that many ' +
      "alerts, raise 'max_pages_per_listing'.",
  );
}
