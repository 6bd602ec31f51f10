import { randomBytes, randomUUID } from 'node:crypto';
import { jsonReply, type Reply } from './reply';

/** The one app registration the emulated directory knows. */
export interface EntraIdConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Object id of the app's service principal; appears in tokens and ARM errors. */
  objectId: string;
}

/** An access token this directory issued. */
export interface IssuedToken {
  /** The resource the token is for: the requested scope without `/.default`. */
  audience: string;
  expiresAtMs: number;
}

/** Lifetime Entra ID gives app-only tokens (an hour, less a second of clock skew allowance). */
const TOKEN_LIFETIME_SECONDS = 3599;
const DEFAULT_SUFFIX = '/.default';

/**
 * The Entra ID endpoints MSAL (inside `@azure/identity`'s ClientSecretCredential) calls for the client
 * credentials flow: OpenID discovery and the v2.0 token endpoint, with AAD's error shapes.
 */
export class EntraIdEmulator {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Scopes of the most recent token request, whatever its outcome. */
  lastScopes: string[] = [];

  constructor(
    private readonly config: EntraIdConfig,
    private readonly baseUrl: () => string,
  ) {}

  /** `GET /{tenant}/v2.0/.well-known/openid-configuration`. */
  discovery(tenant: string, requestId: string | undefined): Reply {
    if (!this.isTenant(tenant)) {
      return aadError(400, 'invalid_tenant', 90002, tenantNotFound(tenant), requestId);
    }
    const authority = `${this.baseUrl()}/${this.config.tenantId}`;
    // MSAL requires authorization_endpoint, token_endpoint, issuer and jwks_uri, and (since msal-common
    // 15) an issuer on the authority's own scheme, host and port. It reads the tenant from the first path
    // segment of authorization_endpoint, so the endpoints carry the tenant id, as Entra ID's do.
    return jsonReply(200, {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${authority}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    });
  }

  /** `GET /{tenant}/discovery/v2.0/keys`: no keys, tokens here are opaque to their consumers. */
  keys(tenant: string, requestId: string | undefined): Reply {
    if (!this.isTenant(tenant))
      return aadError(400, 'invalid_tenant', 90002, tenantNotFound(tenant), requestId);
    return jsonReply(200, { keys: [] });
  }

  /** `POST /{tenant}/oauth2/v2.0/token` with a form-encoded client credentials request. */
  token(tenant: string, formBody: string, requestId: string | undefined): Reply {
    const form = new URLSearchParams(formBody);
    const scope = form.get('scope');
    this.lastScopes = scope ? scope.split(' ').filter(Boolean) : [];
    const fail = (status: number, error: string, code: number, description: string): Reply =>
      aadError(status, error, code, description, requestId);

    if (!this.isTenant(tenant)) return fail(400, 'invalid_request', 90002, tenantNotFound(tenant));
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType ?? ''}'.`,
      );
    }
    const clientId = form.get('client_id');
    if (!clientId) return fail(400, 'invalid_request', 900144, missingParameter('client_id'));
    if (clientId.toLowerCase() !== this.config.clientId.toLowerCase()) {
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.config.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    const secret = form.get('client_secret');
    if (!secret) {
      return fail(401, 'invalid_client', 7000218, missingParameter("client_assertion' or 'client_secret"));
    }
    if (secret !== this.config.clientSecret) {
      return fail(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${this.config.clientId}'.`,
      );
    }
    if (!scope) return fail(400, 'invalid_request', 900144, missingParameter('scope'));
    const resourceScope = this.lastScopes[0] ?? '';
    if (this.lastScopes.length !== 1 || !resourceScope.endsWith(DEFAULT_SUFFIX)) {
      return fail(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }

    const audience = resourceScope.slice(0, -DEFAULT_SUFFIX.length);
    const accessToken = this.jwtShapedToken(audience);
    this.tokens.set(accessToken, { audience, expiresAtMs: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    // Exactly the members Entra ID returns for client credentials: no client_info, no id_token, and
    // MSAL needs neither for an app-only token.
    return jsonReply(
      200,
      {
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: accessToken,
      },
      { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    );
  }

  /** The token's record if this directory issued it (expired or not), else undefined. */
  lookup(accessToken: string): IssuedToken | undefined {
    return this.tokens.get(accessToken);
  }

  /** Forgets every issued token, as if they had been revoked. */
  revokeAll(): void {
    this.tokens.clear();
  }

  private isTenant(tenant: string): boolean {
    return tenant.toLowerCase() === this.config.tenantId.toLowerCase();
  }

  /**
   * A token shaped like Entra ID's (header.claims.signature) so code that peeks at claims works, but
   * signed with random bytes: only this emulator's memory makes it valid.
   */
  private jwtShapedToken(audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = { typ: 'JWT', alg: 'RS256', kid: 'emulator' };
    const claims = {
      aud: audience,
      iss: `${this.baseUrl()}/${this.config.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      appid: this.config.clientId,
      appidacr: '1',
      idtyp: 'app',
      oid: this.config.objectId,
      sub: this.config.objectId,
      tid: this.config.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    };
    return `${encode(header)}.${encode(claims)}.${randomBytes(64).toString('base64url')}`;
  }
}

function tenantNotFound(tenant: string): string {
  return `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

function missingParameter(name: string): string {
  return `The request body must contain the following parameter: '${name}'.`;
}

/** An error in Entra ID's format: `AADSTSnnnn: text` followed by trace, correlation id and time. */
function aadError(
  status: number,
  error: string,
  code: number,
  text: string,
  requestId: string | undefined,
): Reply {
  const traceId = randomUUID();
  const correlationId = requestId ?? randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return jsonReply(status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
