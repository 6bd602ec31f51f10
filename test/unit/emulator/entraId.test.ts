import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import { IDS, credentialFor, jsonBody, rawRequest, startTestEmulator } from './harness';

let emulator: DefenderApiEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator.stop();
});

function tokenUrl(tenant: string = IDS.tenantId): string {
  return `${emulator.url}/${tenant}/oauth2/v2.0/token`;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM_HEADERS = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** What a real ClientSecretCredential throws for these credentials. */
async function tokenError(overrides: Parameters<typeof credentialFor>[1]): Promise<Error> {
  const error: unknown = await credentialFor(emulator, overrides)
    .getToken(`${emulator.url}/.default`)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof Error)) throw new Error(`expected getToken to fail, got ${String(error)}`);
  return error;
}

describe('Entra ID emulation, through the real @azure/identity ClientSecretCredential (MSAL)', () => {
  it('issues a token for the requested scope after OpenID discovery', async () => {
    const before = emulator.requests.length;
    const scope = `${emulator.url}/.default`;
    const token = await credentialFor(emulator).getToken(scope);

    expect(emulator.lastTokenScopes).toEqual([scope]);
    expect(emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /${IDS.tenantId}/v2.0/.well-known/openid-configuration 200`,
      `POST /${IDS.tenantId}/oauth2/v2.0/token 200`,
    ]);
    const [, claims] = token.token.split('.');
    expect(JSON.parse(Buffer.from(claims ?? '', 'base64url').toString('utf8'))).toMatchObject({
      aud: emulator.url,
      tid: IDS.tenantId,
      appid: IDS.clientId,
    });
    // MSAL turned expires_in (3599 s) into an absolute expiry.
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
    expect(token.expiresOnTimestamp).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('serves discovery metadata on its own origin with the tenant in every endpoint', async () => {
    const response = await rawRequest(
      'GET',
      `${emulator.url}/${IDS.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    const authority = `${emulator.url}/${IDS.tenantId}`;
    expect(jsonBody(response)).toMatchObject({
      issuer: `${authority}/v2.0`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    });
  });

  // MSAL reads AAD's error body and @azure/identity rethrows it as AuthenticationRequiredError whose
  // message starts with the AAD error and codes: the shape collector code will see in production.
  it('rejects a wrong client secret with 401 invalid_client AADSTS7000215', async () => {
    const error = await tokenError({ clientSecret: 'not-the-secret' });
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect(error.message).toMatch(
      new RegExp(
        `^invalid_client: Error\\(s\\): 7000215 - .* Description: AADSTS7000215: Invalid client secret provided\\. .*for a secret added to app '${IDS.clientId}'\\.`,
      ),
    );
    expect(error.message).not.toContain('not-the-secret');
    expect(emulator.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/${IDS.tenantId}/oauth2/v2.0/token`,
      query: expect.any(Object) as unknown,
      status: 401,
    });
  });

  it('rejects an unknown client id with 400 unauthorized_client AADSTS700016', async () => {
    const error = await tokenError({ clientId: '99999999-9999-4999-8999-999999999999' });
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect(error.message).toMatch(
      /^unauthorized_client: Error\(s\): 700016 - .* Description: AADSTS700016: Application with identifier '99999999-9999-4999-8999-999999999999' was not found in the directory/,
    );
    expect(emulator.requests.at(-1)?.status).toBe(400);
  });

  it('fails discovery for an unknown tenant with 400 AADSTS90002, and MSAL gives up before asking for a token', async () => {
    const otherTenant = '12345678-1234-4234-8234-123456789abc';
    const before = emulator.requests.length;
    const error = await tokenError({ tenantId: otherTenant });
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect(error.message).toMatch(/^endpoints_resolution_error: /);
    expect(emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /${otherTenant}/v2.0/.well-known/openid-configuration 400`,
    ]);
    const response = await rawRequest(
      'GET',
      `${emulator.url}/${otherTenant}/v2.0/.well-known/openid-configuration`,
    );
    expect(jsonBody(response)).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    expect(jsonBody(response).error_description).toMatch(
      new RegExp(`^AADSTS90002: Tenant '${otherTenant}' not found\\.`),
    );
  });

  it('answers a token request for an unknown tenant with 400 AADSTS90002', async () => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: IDS.clientId,
      client_secret: IDS.clientSecret,
      scope: 'x/.default',
    });
    const response = await rawRequest('POST', tokenUrl('not-a-tenant'), FORM_HEADERS, body);
    expect(response.status).toBe(400);
    expect(jsonBody(response)).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });

  it('requires a /.default scope and records what was asked for', async () => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: IDS.clientId,
      client_secret: IDS.clientSecret,
      scope: 'https://management.azure.com/user_impersonation',
    });
    const response = await rawRequest('POST', tokenUrl(), FORM_HEADERS, body);
    expect(response.status).toBe(400);
    expect(jsonBody(response)).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    expect(emulator.lastTokenScopes).toEqual(['https://management.azure.com/user_impersonation']);
  });

  it('answers the token request with exactly the members Entra ID returns for client credentials', async () => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: IDS.clientId,
      client_secret: IDS.clientSecret,
      scope: 'https://management.azure.com/.default',
    });
    const response = await rawRequest('POST', tokenUrl(), FORM_HEADERS, body);
    expect(response.status).toBe(200);
    const token = jsonBody(response);
    expect(Object.keys(token).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
  });

  it('rejects other grant types with AADSTS70003', async () => {
    const body = form({ grant_type: 'password', client_id: IDS.clientId, scope: 'x/.default' });
    const response = await rawRequest('POST', tokenUrl(), FORM_HEADERS, body);
    expect(response.status).toBe(400);
    expect(jsonBody(response)).toMatchObject({ error: 'unsupported_grant_type', error_codes: [70003] });
  });
});
