import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TelemetryClient } from 'applicationinsights';
import type { CollectorSettings } from '../config/settings';
import { ExportFailureMonitor, type ExportFailures } from './exportFailureMonitor';
import type { TelemetrySink } from './runTelemetry';

/** Application Insights' TelemetryClient, with the failures of its sends made visible. */
export class ApplicationInsightsSink implements TelemetrySink {
  constructor(
    readonly client: TelemetryClient,
    private readonly monitor: ExportFailureMonitor,
  ) {}

  trackEvent(event: Parameters<TelemetrySink['trackEvent']>[0]): void {
    this.client.trackEvent(event);
  }

  trackMetric(metric: Parameters<TelemetrySink['trackMetric']>[0]): void {
    this.client.trackMetric(metric);
  }

  flush(): Promise<void> {
    return this.client.flush();
  }

  takeExportFailures(): ExportFailures | undefined {
    return this.monitor.take();
  }
}

/**
 * An Application Insights client for the collector's own events and metrics, or `undefined` without a
 * connection string (local runs, tests): then nothing tries to reach the network. With local auth disabled
 * on the resource, `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`Authorization=AAD;ClientId=<id>`) makes
 * it sign in with the managed identity, which needs Monitoring Metrics Publisher.
 */
export function createTelemetrySink(
  telemetry: CollectorSettings['telemetry'],
): ApplicationInsightsSink | undefined {
  if (telemetry.connectionString === undefined) return undefined;
  // Loaded only here: the SDK and its OpenTelemetry pipeline are 2,800 modules and some 50 MB of the
  // worker's memory, which nothing needs without a connection string.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TelemetryClient } = require('applicationinsights') as typeof import('applicationinsights');
  // Isolated from the global OpenTelemetry providers: the host already collects requests and logs.
  const client = new TelemetryClient(telemetry.connectionString, { useGlobalProviders: false });
  const monitor = new ExportFailureMonitor();
  client.config.azureMonitorOpenTelemetryOptions = {
    azureMonitorExporterOptions: {
      connectionString: client.config.connectionString,
      disableOfflineStorage: false,
      additionalPolicies: [{ policy: monitor.policy, position: 'perCall' }],
    },
  };
  const authentication = parseAuthenticationString(telemetry.authenticationString);
  if (authentication.aad) {
    client.config.aadTokenCredential =
      authentication.clientId !== undefined
        ? new ManagedIdentityCredential({ clientId: authentication.clientId })
        : new DefaultAzureCredential();
  }
  return new ApplicationInsightsSink(client, monitor);
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
