import { ManagedIdentityCredential } from '@azure/identity';
import { TelemetryClient } from 'applicationinsights';
import { createTelemetrySink } from '../../../src/telemetry/createTelemetrySink';

const CONNECTION_STRING =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/;LiveEndpoint=https://127.0.0.1:9/';

describe('createTelemetrySink', () => {
  it('is off without a connection string, so nothing tries to reach the network', () => {
    expect(
      createTelemetrySink({ connectionString: undefined, authenticationString: undefined }),
    ).toBeUndefined();
  });

  it('creates an Application Insights client for a connection string', () => {
    const sink = createTelemetrySink({
      connectionString: CONNECTION_STRING,
      authenticationString: undefined,
    });
    expect(sink?.client).toBeInstanceOf(TelemetryClient);
    expect(sink?.client.config.aadTokenCredential).toBeUndefined();
  });

  it('signs in with the managed identity named by the authentication string when local auth is off', () => {
    const sink = createTelemetrySink({
      connectionString: CONNECTION_STRING,
      authenticationString: 'Authorization=AAD;ClientId=66666666-7777-4888-9999-aaaaaaaaaaaa',
    });
    expect(sink?.client.config.aadTokenCredential).toBeInstanceOf(ManagedIdentityCredential);
  });
});
