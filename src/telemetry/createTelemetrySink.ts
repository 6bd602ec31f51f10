import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { TelemetryClient } from 'applicationinsights';
import type { CollectorSettings } from '../config/settings';
import type { TelemetrySink } from './runTelemetry';

/**
 * An Application Insights client for the collector's own events and metrics, or `undefined` without a
 * connection string (local runs, tests): then nothing tries to reach the network. With local auth disabled
 * on the resource, `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`Authorization=AAD;ClientId=<id>`) makes
 * it sign in with the managed identity, which needs Monitoring Metrics Publisher.
 */
export function createTelemetrySink(telemetry: CollectorSettings['telemetry']): TelemetrySink | undefined {
  if (telemetry.connectionString === undefined) return undefined;
  // Isolated from the global OpenTelemetry providers: the host already collects requests and logs.
  const client = new TelemetryClient(telemetry.connectionString, { useGlobalProviders: false });
  const authentication = parseAuthenticationString(telemetry.authenticationString);
  if (authentication.aad) {
    client.config.aadTokenCredential =
      authentication.clientId !== undefined
        ? new ManagedIdentityCredential({ clientId: authentication.clientId })
        : new DefaultAzureCredential();
  }
  return client;
}

function parseAuthenticationString(value: string | undefined): { aad: boolean; clientId?: string } {
  if (value === undefined) return { aad: false };
  const pairs = new Map(
    value
      .split(';')
      .map((part) => part.split('=').map((item) => item.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2)
      .map(([key, item]) => [key.toLowerCase(), item]),
  );
  return { aad: pairs.get('authorization')?.toLowerCase() === 'aad', clientId: pairs.get('clientid') };
}
