import { SecurityCenter } from '@azure/arm-security';
import { RestError } from '@azure/core-rest-pipeline';
import {
  generateAlerts,
  microsoftExampleAlerts,
  sampleRecord,
} from '../../../emulators/defender/alertFactory';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import {
  IDS,
  alertsListUrl,
  credentialFor,
  get,
  jsonBody,
  listAllPages,
  rawRequest,
  securityCenterFor,
  startTestEmulator,
} from './harness';

const PAGE_SIZE = 4;
let emulator: DefenderApiEmulator;
let client: SecurityCenter;

beforeAll(async () => {
  emulator = await startTestEmulator({ pageSize: PAGE_SIZE });
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.denyAccess(null);
  emulator.setAlerts([]);
  // A client (and so a token cache) per test: one test revokes every token.
  client = securityCenterFor(emulator, { maxRetries: 0 });
});

function tenAlerts(): Record<string, unknown>[] {
  return [
    sampleRecord(),
    ...microsoftExampleAlerts(),
    ...generateAlerts({ count: 7, seed: 11, subscriptionId: IDS.subscriptionId }),
  ];
}

function armErrorOf(response: { status: number; bodyAsText?: string | null }): {
  code: string;
  message: string;
} {
  return (JSON.parse(response.bodyAsText ?? '') as { error: { code: string; message: string } }).error;
}

describe('ARM alerts list, through the real SecurityCenter client pipeline', () => {
  it('pages through nextLink with one token for all pages, returning every alert as stored', async () => {
    const alerts = tenAlerts();
    emulator.setAlerts(alerts);
    const before = emulator.requests.length;

    const { pages, nextLinks } = await listAllPages(client, alertsListUrl(emulator));

    expect(pages.map((page) => page.length)).toEqual([4, 4, 2]);
    expect(pages.flat()).toEqual(alerts);
    for (const link of nextLinks) {
      expect(link).toMatch(
        new RegExp(
          `^${emulator.url}/subscriptions/${IDS.subscriptionId}/providers/Microsoft\\.Security/alerts\\?api-version=2022-01-01&\\$skipToken=[A-Za-z0-9_-]+$`,
        ),
      );
    }
    expect(emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /${IDS.tenantId}/v2.0/.well-known/openid-configuration 200`,
      `POST /${IDS.tenantId}/oauth2/v2.0/token 200`,
      ...Array<string>(3).fill(
        `GET /subscriptions/${IDS.subscriptionId}/providers/Microsoft.Security/alerts 200`,
      ),
    ]);
    expect(emulator.lastTokenScopes).toEqual([`${emulator.url}/.default`]);
  });

  it('serialises each page as JSON.stringify of the stored values, whatever they are', async () => {
    const odd = [
      'a string',
      null,
      { name: 'no id here' },
      42,
      { id: 'x', text: 'line\u2028sep "q" \\ \u0000 🛡️' },
    ];
    emulator.setAlerts(odd);
    const first = await get(client, alertsListUrl(emulator));
    const { nextLink } = jsonBody(first);
    expect(first.bodyAsText).toBe(JSON.stringify({ value: odd.slice(0, 4), nextLink }));
    const last = await get(client, nextLink as string);
    expect(last.bodyAsText).toBe(JSON.stringify({ value: odd.slice(4) }));
    expect(last.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('answers an empty list with {"value":[]}', async () => {
    const response = await get(client, alertsListUrl(emulator));
    expect(response.status).toBe(200);
    expect(response.bodyAsText).toBe('{"value":[]}');
  });

  it('serves patched and upserted alerts without mutating the objects it was given', async () => {
    const alerts = generateAlerts({ count: 5, seed: 12, subscriptionId: IDS.subscriptionId });
    const target = alerts[2]!;
    const originalStatus = target.properties.status;
    emulator.setAlerts(alerts);

    emulator.patchAlertProperties(target.id, { status: 'Resolved', severity: 'Low' });
    const replacement = { ...alerts[0]!, properties: { ...alerts[0]!.properties, status: 'Dismissed' } };
    emulator.upsertAlert(replacement);
    const added = generateAlerts({ count: 1, seed: 13, subscriptionId: IDS.subscriptionId })[0]!;
    emulator.upsertAlert(added);

    const served = (await listAllPages(client, alertsListUrl(emulator))).pages.flat() as typeof alerts;
    expect(served.map((alert) => alert.id)).toEqual([...alerts.map((alert) => alert.id), added.id]);
    expect(served[2]!.properties).toEqual({ ...target.properties, status: 'Resolved', severity: 'Low' });
    expect(served[0]).toEqual(replacement);
    expect(target.properties.status).toBe(originalStatus);
    expect(() => emulator.patchAlertProperties('/no/such/alert', {})).toThrow(
      "No alert with id '/no/such/alert'",
    );
  });

  it('answers 401 AuthenticationFailed with a Bearer challenge when the Authorization header is missing', async () => {
    const response = await rawRequest('GET', alertsListUrl(emulator));
    expect(response.status).toBe(401);
    expect(armErrorOf(response)).toEqual({
      code: 'AuthenticationFailed',
      message: "Authentication failed. The 'Authorization' header is missing.",
    });
    expect(response.headers.get('www-authenticate')).toMatch(
      new RegExp(`^Bearer authorization_uri="${emulator.url}/${IDS.tenantId}", error="invalid_token"`),
    );
  });

  it('answers 401 InvalidAuthenticationToken to a token it did not issue', async () => {
    const response = await rawRequest('GET', alertsListUrl(emulator), {
      Authorization: 'Bearer forged.token.value',
    });
    expect(response.status).toBe(401);
    expect(armErrorOf(response)).toEqual({
      code: 'InvalidAuthenticationToken',
      message: 'The access token is invalid.',
    });
  });

  it('answers 401 InvalidAuthenticationToken once tokens are revoked', async () => {
    expect((await get(client, alertsListUrl(emulator))).status).toBe(200);
    emulator.revokeTokens();
    const response = await get(client, alertsListUrl(emulator));
    expect(response.status).toBe(401);
    expect(armErrorOf(response).code).toBe('InvalidAuthenticationToken');
  });

  it("answers 401 InvalidAuthenticationTokenAudience to a token for public Azure's ARM (SDK default scope)", async () => {
    const misconfigured = securityCenterFor(emulator, {
      maxRetries: 0,
      credentialScopes: ['https://management.azure.com/.default'],
    });
    const response = await get(misconfigured, alertsListUrl(emulator));
    expect(emulator.lastTokenScopes).toEqual(['https://management.azure.com/.default']);
    expect(response.status).toBe(401);
    expect(armErrorOf(response)).toEqual({
      code: 'InvalidAuthenticationTokenAudience',
      message: `The access token has been obtained for wrong audience or resource 'https://management.azure.com'. It should exactly match with one of the allowed audiences '${emulator.url}','${emulator.url}/'.`,
    });
  });

  it('answers 400 InvalidApiVersionParameter to any api-version but 2022-01-01', async () => {
    const response = await get(client, alertsListUrl(emulator, IDS.subscriptionId, '2021-01-01'));
    expect(response.status).toBe(400);
    expect(armErrorOf(response)).toEqual({
      code: 'InvalidApiVersionParameter',
      message: "The api-version '2021-01-01' is invalid. The supported versions are '2022-01-01'.",
    });
  });

  it("rejects the SDK's typed alerts.list(), which asks for api-version 2021-11-01", async () => {
    const typed = new SecurityCenter(credentialFor(emulator), IDS.subscriptionId, {
      endpoint: emulator.url,
      $host: emulator.url,
      credentialScopes: [`${emulator.url}/.default`],
      retryOptions: { maxRetries: 0 },
    });
    const error: unknown = await typed.alerts
      .list()
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'InvalidApiVersionParameter' });
    expect(emulator.requests.at(-1)?.query['api-version']).toBe('2021-11-01');
  });

  it('answers 400 MissingApiVersionParameter without an api-version', async () => {
    const url = `${emulator.url}/subscriptions/${IDS.subscriptionId}/providers/Microsoft.Security/alerts`;
    const response = await get(client, url);
    expect(response.status).toBe(400);
    expect(armErrorOf(response).code).toBe('MissingApiVersionParameter');
  });

  it('answers 404 SubscriptionNotFound for another subscription', async () => {
    const other = '00000000-1111-4222-8333-444444444444';
    const response = await get(client, alertsListUrl(emulator, other));
    expect(response.status).toBe(404);
    expect(armErrorOf(response)).toEqual({
      code: 'SubscriptionNotFound',
      message: `The subscription '${other}' could not be found.`,
    });
  });

  it('denyAccess: 403 AuthorizationFailed, 404 SubscriptionNotFound, then access again', async () => {
    emulator.setAlerts(tenAlerts());
    emulator.denyAccess('forbidden');
    const forbidden = await get(client, alertsListUrl(emulator));
    expect(forbidden.status).toBe(403);
    const error = armErrorOf(forbidden);
    expect(error.code).toBe('AuthorizationFailed');
    expect(error.message).toMatch(
      new RegExp(
        `^The client '${IDS.clientId}' with object id '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}' does not have authorization to perform action 'Microsoft\\.Security/alerts/read' over scope '/subscriptions/${IDS.subscriptionId}' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`,
      ),
    );

    emulator.denyAccess('notFound');
    const notFound = await get(client, alertsListUrl(emulator));
    expect(notFound.status).toBe(404);
    expect(armErrorOf(notFound).code).toBe('SubscriptionNotFound');

    emulator.denyAccess(null);
    expect((await get(client, alertsListUrl(emulator))).status).toBe(200);
  });

  it('answers 400 InvalidSkipToken to a skip token it did not make', async () => {
    const response = await get(client, `${alertsListUrl(emulator)}&$skipToken=bm90LW91cnM`);
    expect(response.status).toBe(400);
    expect(armErrorOf(response).code).toBe('InvalidSkipToken');
  });

  it('records method, path, query and status of each request', async () => {
    await get(client, `${alertsListUrl(emulator)}&extra=1`);
    expect(emulator.requests.at(-1)).toEqual({
      method: 'GET',
      path: `/subscriptions/${IDS.subscriptionId}/providers/Microsoft.Security/alerts`,
      query: { 'api-version': '2022-01-01', extra: '1' },
      status: 200,
    });
  });
});
