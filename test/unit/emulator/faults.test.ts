import type { SecurityCenter } from '@azure/arm-security';
import { RestError } from '@azure/core-rest-pipeline';
import { generateAlerts } from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { IDS, alertsListUrl, get, securityCenterFor, startTestEmulator } from './harness';

let emulator: DefenderApiEmulator;
const alerts = generateAlerts({ count: 6, seed: 21, subscriptionId: IDS.subscriptionId });

beforeAll(async () => {
  emulator = await startTestEmulator({ pageSize: 4, alerts });
});

afterAll(async () => {
  await emulator.stop();
});

/** Statuses of the alerts list requests made while `action` ran (0 = connection reset). */
async function listStatusesDuring(action: () => Promise<unknown>): Promise<number[]> {
  const before = emulator.requests.length;
  await action();
  return emulator.requests
    .slice(before)
    .filter((request) => request.path.endsWith('/providers/Microsoft.Security/alerts'))
    .map((request) => request.status);
}

function errorCode(bodyAsText: string | undefined | null): string {
  return (JSON.parse(bodyAsText ?? '') as { error: { code: string } }).error.code;
}

describe('injected faults on the alerts list, as the real client pipeline meets them', () => {
  let noRetries: SecurityCenter;
  let retrying: SecurityCenter;

  beforeAll(() => {
    noRetries = securityCenterFor(emulator, { maxRetries: 0 });
    retrying = securityCenterFor(emulator, { maxRetries: 3 });
  });

  it.each([
    [429, 'SubscriptionRequestsThrottled'],
    [500, 'InternalServerError'],
    [502, 'BadGateway'],
    [503, 'ServiceUnavailable'],
    [504, 'GatewayTimeout'],
  ] as const)('status %i answers with ARM error %s', async (status, code) => {
    emulator.injectFaults({ kind: 'status', status });
    const response = await get(noRetries, alertsListUrl(emulator));
    expect(response.status).toBe(status);
    expect(errorCode(response.bodyAsText)).toBe(code);
    expect(response.headers.get('retry-after')).toBeUndefined();
  });

  it('sends Retry-After when asked, and the pipeline waits that long before retrying', async () => {
    emulator.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    let body = '';
    const statuses = await listStatusesDuring(async () => {
      body = (await get(retrying, alertsListUrl(emulator))).bodyAsText ?? '';
    });
    expect(statuses).toEqual([429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect((JSON.parse(body) as { value: unknown[] }).value).toEqual(alerts.slice(0, 4));
  });

  it('consumes one fault per alerts list request, in order, never on token requests', async () => {
    emulator.injectFaults({ kind: 'status', status: 500 }, { kind: 'status', status: 502 });
    const fresh = securityCenterFor(emulator, { maxRetries: 0 }); // its first request also fetches a token
    const statuses = await listStatusesDuring(async () => {
      for (let i = 0; i < 3; i++) await get(fresh, alertsListUrl(emulator));
    });
    expect(statuses).toEqual([500, 502, 200]);
  });

  it('retries a 503 through the SDK exponential retry policy', async () => {
    emulator.injectFaults({ kind: 'status', status: 503 });
    const statuses = await listStatusesDuring(() => get(retrying, alertsListUrl(emulator)));
    expect(statuses).toEqual([503, 200]);
  });

  it('reset destroys the connection without an answer', async () => {
    emulator.injectFaults({ kind: 'reset' });
    await expect(get(noRetries, alertsListUrl(emulator))).rejects.toMatchObject({ code: 'ECONNRESET' });
    emulator.injectFaults({ kind: 'reset' });
    const statuses = await listStatusesDuring(() => get(retrying, alertsListUrl(emulator)));
    expect(statuses).toEqual([0, 200]);
  });

  it('slow delays the answer, which is otherwise normal', async () => {
    emulator.injectFaults({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    const response = await get(noRetries, alertsListUrl(emulator));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
    expect((JSON.parse(response.bodyAsText ?? '') as { value: unknown[] }).value).toEqual(alerts.slice(0, 4));
  });

  // ServiceClient.sendRequest parses JSON bodies, so the real client turns the truncated page into a
  // RestError PARSE_ERROR that still carries the 200 response.
  it('malformedPage answers 200 with the first half of the page', async () => {
    emulator.injectFaults({ kind: 'malformedPage' });
    const error: unknown = await get(noRetries, alertsListUrl(emulator)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ code: 'PARSE_ERROR', statusCode: 200 });
    const half = Buffer.from((error as RestError).response?.bodyAsText ?? '');
    const whole = Buffer.from((await get(noRetries, alertsListUrl(emulator))).bodyAsText ?? '');
    expect(half.length).toBe(Math.floor(whole.length / 2));
    expect(whole.subarray(0, half.length).equals(half)).toBe(true);
  });
});

describe('stop()', () => {
  it('returns promptly with keep-alive connections open and a slow request pending', async () => {
    const own = await startTestEmulator({ alerts });
    try {
      const client = securityCenterFor(own, { maxRetries: 0 });
      expect((await get(client, alertsListUrl(own))).status).toBe(200); // leaves a keep-alive socket
      own.injectFaults({ kind: 'slow', delayMs: 30_000 });
      const pending = get(client, alertsListUrl(own)).then(
        () => 'answered',
        () => 'failed',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      await own.stop();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await pending).toBe('failed');
    } finally {
      await own.stop(); // no-op when already stopped; closes the server if an assertion failed first
    }
  });
});
