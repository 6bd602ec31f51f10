import type { Server } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { flushQuietly } from '../../../src/functions/handlers/invocation';
import { createTelemetrySink } from '../../../src/telemetry/createTelemetrySink';
import { RecordingLogger } from '../../../src/telemetry/logger';
import { RunTelemetry } from '../../../src/telemetry/runTelemetry';
import { testTlsFromEnv } from '../../support/emulator/testTls';

/** A stand-in for the Application Insights ingestion endpoint (Breeze, POST /v2.1/track). */
async function ingestion(status: number): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer(testTlsFromEnv(), (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const gzipped = request.headers['content-encoding'] === 'gzip';
      bodies.push((gzipped ? gunzipSync(body) : body).toString('utf8'));
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: status === 200 ? 1 : 0, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
}

function telemetryTo(url: string): RunTelemetry {
  return new RunTelemetry(
    createTelemetrySink({
      connectionString: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${url}`,
      authenticationString: undefined,
    }),
  );
}

/** Records a timer run and flushes it as a handler does; the telemetry and its log for more. */
async function recordAndFlush(url: string): Promise<{ telemetry: RunTelemetry; logger: RecordingLogger }> {
  const telemetry = telemetryTo(url);
  const logger = new RecordingLogger();
  telemetry.recordSchedule('succeeded', { invocationId: 'test' }, { workItems: 1 }, new Map());
  await flushQuietly(telemetry, logger);
  return { telemetry, logger };
}

function warnings(logger: RecordingLogger): string[] {
  return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
}

describe('telemetry that cannot be sent is reported', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  it('warns once per flush with the status, the endpoint and what to check, when ingestion refuses', async () => {
    const endpoint = await ingestion(401);
    servers.push(endpoint.server);
    const { telemetry, logger } = await recordAndFlush(endpoint.url);
    expect(endpoint.bodies.join('')).toContain('DefenderAlertsSchedule');
    const [warning, ...more] = warnings(logger);
    expect(more).toEqual([]);
    expect(warning).toMatch(
      new RegExp(
        `^Application Insights telemetry could not be sent: \\d+ send\\(s\\) failed since the last report, the first with HTTP 401 from ${endpoint.url.slice(0, -1)}\\.`,
      ),
    );
    expect(warning).toContain('APPLICATIONINSIGHTS_CONNECTION_STRING');
    // Reported once: a later flush with nothing new to send says nothing more.
    await flushQuietly(telemetry, logger);
    expect(warnings(logger)).toHaveLength(1);
  });

  it('names the network error when the endpoint cannot be reached', async () => {
    const endpoint = await ingestion(200);
    const url = endpoint.url;
    await new Promise((resolve) => endpoint.server.close(resolve));
    const { logger } = await recordAndFlush(url);
    expect(warnings(logger)).toEqual([
      expect.stringMatching(/the first with .*ECONNREFUSED.*\(https:\/\/127\.0\.0\.1:\d+\)/),
    ]);
  });

  it('says nothing when ingestion accepts', async () => {
    const endpoint = await ingestion(200);
    servers.push(endpoint.server);
    const { logger } = await recordAndFlush(endpoint.url);
    expect(endpoint.bodies.join('')).toContain('DefenderAlertsSchedule');
    expect(warnings(logger)).toEqual([]);
  });
});
