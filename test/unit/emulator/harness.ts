import { SecurityCenter } from '@azure/arm-security';
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import {
  ALERTS_API_VERSION,
  DefenderApiEmulator,
  type DefenderApiEmulatorOptions,
} from '../../../emulators/defender/defenderApiEmulator';
import { testTlsFromEnv } from '../../support/emulator/testTls';

/** Identities of the emulated tenant; not real. */
export const IDS = {
  tenantId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  clientId: 'aaaabbbb-cccc-4ddd-8eee-ffff00001111',
  clientSecret: 'emulator-test-secret~1',
  subscriptionId: '20ff7fc3-e762-44dd-bd96-b71116dcdc23',
} as const;

/** Starts an emulator with the globalSetup certificate and {@link IDS}. */
export async function startTestEmulator(
  options: Partial<DefenderApiEmulatorOptions> = {},
): Promise<DefenderApiEmulator> {
  const emulator = new DefenderApiEmulator({ tls: testTlsFromEnv(), ...IDS, ...options });
  await emulator.start();
  return emulator;
}

/** The real credential, configured as the collector configures it for a custom authority host. */
export function credentialFor(
  emulator: DefenderApiEmulator,
  overrides: { tenantId?: string; clientId?: string; clientSecret?: string } = {},
): ClientSecretCredential {
  return new ClientSecretCredential(
    overrides.tenantId ?? IDS.tenantId,
    overrides.clientId ?? IDS.clientId,
    overrides.clientSecret ?? IDS.clientSecret,
    { authorityHost: emulator.url, disableInstanceDiscovery: true },
  );
}

/** The real ARM client pointed at the emulator, with fast retries (or none with `maxRetries: 0`). */
export function securityCenterFor(
  emulator: DefenderApiEmulator,
  options: { maxRetries?: number; credentialScopes?: string[]; subscriptionId?: string } = {},
): SecurityCenter {
  return new SecurityCenter(credentialFor(emulator), options.subscriptionId ?? IDS.subscriptionId, {
    endpoint: emulator.url,
    credentialScopes: options.credentialScopes ?? [`${emulator.url}/.default`],
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 20, maxRetryDelayInMs: 200 },
  });
}

export function alertsListUrl(
  emulator: DefenderApiEmulator,
  subscriptionId: string = IDS.subscriptionId,
  apiVersion: string = ALERTS_API_VERSION,
): string {
  return `${emulator.url}/subscriptions/${subscriptionId}/providers/Microsoft.Security/alerts?api-version=${apiVersion}`;
}

/** A GET through the client's full pipeline (authentication, retries). */
export function get(client: SecurityCenter, url: string): Promise<PipelineResponse> {
  return client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
}

/** Follows `nextLink` from the first page to the last, as the collector does. */
export async function listAllPages(
  client: SecurityCenter,
  firstUrl: string,
): Promise<{ pages: unknown[][]; nextLinks: string[] }> {
  const pages: unknown[][] = [];
  const nextLinks: string[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await get(client, url);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.bodyAsText ?? ''}`);
    const body = JSON.parse(response.bodyAsText ?? '') as { value: unknown[]; nextLink?: string };
    pages.push(body.value);
    url = body.nextLink;
    if (url) nextLinks.push(url);
  }
  return { pages, nextLinks };
}

const plainClient = createDefaultHttpClient();

/** A request with no pipeline at all: no token, no retry. */
export function rawRequest(
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<PipelineResponse> {
  return plainClient.sendRequest(
    createPipelineRequest({ url, method, headers: createHttpHeaders(headers), body }),
  );
}

/** `JSON.parse` of a response body, typed for assertions. */
export function jsonBody(response: PipelineResponse): Record<string, unknown> {
  return JSON.parse(response.bodyAsText ?? '') as Record<string, unknown>;
}
