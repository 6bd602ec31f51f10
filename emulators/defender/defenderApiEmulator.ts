import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { arraySource, type AlertSource } from './alertStore';
import {
  armError,
  authorizationFailed,
  faultError,
  managementGroupForbidden,
  missingSubscriptionRegistration,
  subscriptionNotFound,
  unauthorized,
  type FaultStatus,
} from './armErrors';
import { TokenBucket } from './tokenBucket';
import {
  EmulatedTenant,
  type EmulatedSubscription,
  type ManagementGroup,
  type SubscriptionAccess,
  type SubscriptionState,
} from './tenant';
import { EntraIdEmulator } from './entraId';
import type { Reply } from './reply';
import type { TlsKeyPair } from './tls';

/** The only api-version of the alerts list the emulator serves (the one the collector uses). */
export const ALERTS_API_VERSION = '2022-01-01';

export interface DefenderApiEmulatorOptions {
  /** Key and certificate the HTTPS server presents; clients must trust the certificate. */
  tls: TlsKeyPair;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  /** Alerts per page of the list. Default 50. */
  pageSize?: number;
  /** Initial alerts, served as given. A {@link AlertSource} produces them lazily (large lists). */
  alerts?: readonly unknown[] | AlertSource;
  /** Port on 127.0.0.1; default 0, a free one. */
  port?: number;
  /** Items per page of the subscription and management group lists. Default 100. */
  listPageSize?: number;
  /**
   * ARM's read limits: token buckets per subscription and per tenant (capacity, refill per second).
   * Default ARM's 250 and 25; an empty bucket answers 429 with Retry-After.
   */
  readLimit?: { capacity: number; refillPerSecond: number };
}

/** The api-versions of the tenant-level lists the emulator serves. */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
export const MANAGEMENT_GROUPS_API_VERSION = '2020-05-01';

/**
 * A failure the next alerts list request meets, instead of (or before) its normal answer.
 * - `status`: an ARM error with that status, and `Retry-After` when `retryAfterSeconds` is given;
 * - `reset`: the connection is destroyed without an answer;
 * - `slow`: the answer comes after `delayMs`;
 * - `malformedPage`: status 200 with the page's JSON cut in half;
 * - `redirect`: 307 to the same URL on the same origin, as a gateway in front of ARM might answer; a client
 *   that follows it without the bearer token (the Azure SDK drops it on every redirect) meets a 401.
 */
export type Fault =
  | { kind: 'status'; status: FaultStatus; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformedPage' }
  /** The page's nextLink points at the page itself: a client that does not notice loops for ever. */
  | { kind: 'selfNextLink' }
  | { kind: 'redirect' };

/** One request the emulator answered, for tests that count calls. `status` is 0 for a reset. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Readonly<Record<string, string>>;
  status: number;
}

const ALERTS_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/alerts$/i;
const SUBSCRIPTIONS_PATH = /^\/subscriptions$/i;
const DESCENDANTS_PATH = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i;
const DISCOVERY_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const MAX_FORM_BYTES = 64 * 1024;

/**
 * An emulator of the two services the collector talks to, over real HTTPS on 127.0.0.1:
 * Entra ID (OpenID discovery and the client credentials token endpoint, as MSAL calls them) and the
 * Azure Resource Manager alerts list of Microsoft Defender for Cloud (api-version 2022-01-01, paged with
 * `nextLink`). Point both `authority_host` and `resource_manager_endpoint` at {@link url}.
 *
 * Tests change its behaviour through the control methods: alerts, access, injected faults.
 */
export class DefenderApiEmulator {
  private readonly options: DefenderApiEmulatorOptions;
  private readonly pageSize: number;
  private readonly tenant: EmulatedTenant;
  /** The subscription of `options.subscriptionId`, which `setAlerts`, `denyAccess` and friends act on. */
  private readonly primary: EmulatedSubscription;
  private readonly subscriptionFaults = new Map<string, Fault[]>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly entraId: EntraIdEmulator;
  /** Object id of the app's service principal, derived from the client id so it is stable. */
  private readonly objectId: string;
  private readonly log: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private denied: 'forbidden' | 'notFound' | null = null;
  /** Every alerts page, even past the end, has a nextLink: a listing that never ends. */
  private endlessPaging = false;
  private server: https.Server | undefined;
  private baseUrl: string | undefined;

  constructor(options: DefenderApiEmulatorOptions) {
    this.options = options;
    this.pageSize = options.pageSize ?? 50;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new Error(`pageSize must be a positive integer, got ${this.pageSize}`);
    }
    this.objectId = guidFrom(`service-principal:${options.clientId}`);
    this.tenant = new EmulatedTenant(options.tenantId.toLowerCase());
    this.primary = this.tenant.add(options.subscriptionId);
    this.entraId = new EntraIdEmulator(
      {
        tenantId: options.tenantId,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        objectId: this.objectId,
      },
      () => this.url,
    );
    if (options.alerts) this.setAlerts(options.alerts);
  }

  /** `https://127.0.0.1:<port>`, without a trailing slash. Only valid once started. */
  get url(): string {
    if (!this.baseUrl) throw new Error('DefenderApiEmulator is not started');
    return this.baseUrl;
  }

  /** Every request answered so far (token, discovery and ARM), in order. */
  get requests(): ReadonlyArray<Readonly<RecordedRequest>> {
    return this.log;
  }

  /** Scopes of the most recent token request (e.g. `['https://127.0.0.1:1234/.default']`). */
  get lastTokenScopes(): string[] {
    return [...this.entraId.lastScopes];
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('DefenderApiEmulator is already started');
    const server = https.createServer(
      { key: this.options.tls.key, cert: this.options.tls.cert },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    // Tracked so stop() can close keep-alive connections, which would otherwise keep Jest alive.
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const socketsClosed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()).destroy()),
    );
    this.sockets.clear();
    await Promise.all([closed, ...socketsClosed]);
    // The server's 'close' event comes before libuv has released the listening handle (it still shows
    // in process._getActiveHandles()); one more turn of the event loop, and stop() leaves nothing open.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  /** Replaces all alerts (forgetting earlier upserts and patches). The values are served as given. */
  setAlerts(alerts: readonly unknown[] | AlertSource): void {
    this.primary.alerts.reset(isAlertSource(alerts) ? alerts : arraySource(alerts));
  }

  /** Replaces the alert with the same `id`, or adds it at the end of the list. */
  upsertAlert(alert: unknown): void {
    this.primary.alerts.upsert(alert);
  }

  /** Adds a subscription to the tenant (or replaces one), with its own alerts, state and access. */
  addSubscription(
    id: string,
    options: {
      alerts?: readonly unknown[] | AlertSource;
      state?: SubscriptionState;
      tenantId?: string;
      access?: SubscriptionAccess;
      displayName?: string;
    } = {},
  ): void {
    const subscription = this.tenant.add(id, options);
    if (options.alerts)
      subscription.alerts.reset(isAlertSource(options.alerts) ? options.alerts : arraySource(options.alerts));
  }

  /** Replaces one subscription's alerts. */
  setSubscriptionAlerts(id: string, alerts: readonly unknown[] | AlertSource): void {
    this.requireSubscription(id).alerts.reset(isAlertSource(alerts) ? alerts : arraySource(alerts));
  }

  /** Changes what one subscription's alert list answers: its alerts, 403, or 409 not registered. */
  setSubscriptionAccess(id: string, access: SubscriptionAccess): void {
    this.requireSubscription(id).access = access;
  }

  /** Queues faults for one subscription's alert list requests. */
  injectSubscriptionFaults(id: string, ...faults: Fault[]): void {
    const key = id.toLowerCase();
    this.subscriptionFaults.set(key, [...(this.subscriptionFaults.get(key) ?? []), ...faults]);
  }

  /** Defines a management group: the subscriptions directly under it and its child groups. */
  setManagementGroup(id: string, group: ManagementGroup): void {
    this.tenant.setManagementGroup(id, group);
  }

  private requireSubscription(id: string): EmulatedSubscription {
    const subscription = this.tenant.get(id);
    if (!subscription) throw new Error(`No subscription '${id}' in the emulated tenant`);
    return subscription;
  }

  /**
   * Replaces alert `id` by a copy whose `properties` are merged with `patch`, e.g. `{ status: 'Resolved' }`.
   * The stored object is not mutated, so the caller's copy keeps its old values.
   */
  patchAlertProperties(id: string, patch: Record<string, unknown>): void {
    const store = this.primary.alerts;
    const index = store.indexOf(id);
    if (index < 0) throw new Error(`No alert with id '${id}'`);
    const alert = store.at(index) as { properties?: unknown };
    const properties =
      typeof alert.properties === 'object' && alert.properties !== null ? alert.properties : {};
    store.set(index, { ...alert, properties: { ...properties, ...patch } });
  }

  /** Makes the alerts list answer 403 AuthorizationFailed, 404 SubscriptionNotFound, or normally (null). */
  denyAccess(kind: 'forbidden' | 'notFound' | null): void {
    this.denied = kind;
  }

  /** Makes every alerts page carry a nextLink, past the end too (empty pages): a listing that never ends. */
  setEndlessPaging(endless: boolean): void {
    this.endlessPaging = endless;
  }

  /** Queues faults; each alerts list request takes the first one left. */
  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Invalidates every token issued so far: the next ARM request with one gets 401. */
  revokeTokens(): void {
    this.entraId.revokeAll();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    let reply: Reply;
    try {
      reply = await this.route(req, url);
    } catch (error) {
      reply = armError(500, 'EmulatorError', `The emulator failed: ${String(error)}`);
    }
    this.send(req, res, url, reply);
  }

  private async route(req: IncomingMessage, url: URL): Promise<Reply> {
    const path = url.pathname;
    const requestId = header(req, 'client-request-id');
    let match: RegExpExecArray | null;
    if ((match = ALERTS_PATH.exec(path))) {
      return req.method === 'GET'
        ? this.listAlerts(req, url, decodeURIComponent(match[1] ?? ''))
        : methodNotAllowed(req);
    }
    if (SUBSCRIPTIONS_PATH.test(path)) {
      return req.method === 'GET' ? this.listSubscriptions(req, url) : methodNotAllowed(req);
    }
    if ((match = DESCENDANTS_PATH.exec(path))) {
      return req.method === 'GET'
        ? this.listDescendants(req, url, decodeURIComponent(match[1] ?? ''))
        : methodNotAllowed(req);
    }
    if ((match = DISCOVERY_PATH.exec(path))) {
      return req.method === 'GET' ? this.entraId.discovery(match[1] ?? '', requestId) : methodNotAllowed(req);
    }
    if ((match = KEYS_PATH.exec(path))) {
      return req.method === 'GET' ? this.entraId.keys(match[1] ?? '', requestId) : methodNotAllowed(req);
    }
    if ((match = TOKEN_PATH.exec(path))) {
      if (req.method !== 'POST') return methodNotAllowed(req);
      return this.entraId.token(match[1] ?? '', await readBody(req), requestId);
    }
    return armError(404, 'NotFound', `The emulator has no endpoint '${req.method ?? ''} ${path}'.`);
  }

  /** `GET /subscriptions/{sub}/providers/Microsoft.Security/alerts?api-version=2022-01-01[&$skipToken=…]`. */
  private async listAlerts(req: IncomingMessage, url: URL, subscriptionId: string): Promise<Reply> {
    // Faults model the network and ARM's front door, so they strike before authentication.
    const fault = this.faults.shift() ?? this.subscriptionFaults.get(subscriptionId.toLowerCase())?.shift();
    if (fault?.kind === 'reset') return { kind: 'reset' };
    if (fault?.kind === 'status') {
      return faultError(fault.status, subscriptionId, this.objectId, fault.retryAfterSeconds);
    }
    if (fault?.kind === 'slow') await this.delay(fault.delayMs);
    if (fault?.kind === 'redirect') {
      const location = new URL(`${url.pathname}${url.search}`, this.url);
      location.searchParams.set('redirected', '1');
      return { kind: 'respond', status: 307, body: '', headers: { location: location.toString() } };
    }

    const authFailure = this.authenticate(header(req, 'authorization'));
    if (authFailure) return authFailure;

    const versionProblem = checkApiVersion(url, ALERTS_API_VERSION);
    if (versionProblem) return versionProblem;
    const subscription = this.tenant.get(subscriptionId);
    if (!subscription || (subscription === this.primary && this.denied === 'notFound')) {
      return subscriptionNotFound(subscriptionId);
    }
    if (
      subscription.access === 'forbidden' ||
      (subscription === this.primary && this.denied === 'forbidden')
    ) {
      return authorizationFailed(this.options.clientId, this.objectId, subscriptionId);
    }
    if (subscription.access === 'notRegistered') return missingSubscriptionRegistration(subscriptionId);
    const limit = this.take(`subscription:${subscription.id}`, 'subscription', subscriptionId);
    if (limit.kind === 'throttled') return limit.reply;

    const offset = readOffset(url);
    if (offset === undefined) return armError(400, 'InvalidSkipToken', 'The provided $skipToken is invalid.');
    const store = subscription.alerts;
    const end = offset + this.pageSize;
    const pageLink = (at: number) =>
      `${this.url}/subscriptions/${subscriptionId}/providers/Microsoft.Security/alerts?api-version=${ALERTS_API_VERSION}&$skipToken=${encodeSkipToken(at)}`;
    const nextLink =
      fault?.kind === 'selfNextLink'
        ? pageLink(offset)
        : end < store.length || this.endlessPaging
          ? pageLink(end)
          : undefined;
    // One page serialised per request: cost is independent of the list's length.
    const body = Buffer.from(JSON.stringify({ value: store.slice(offset, end), nextLink }));
    return {
      kind: 'respond',
      status: 200,
      body: fault?.kind === 'malformedPage' ? body.subarray(0, Math.floor(body.length / 2)) : body,
      headers: { 'x-ms-ratelimit-remaining-subscription-reads': String(limit.remaining) },
    };
  }

  /** `GET /subscriptions?api-version=2022-12-01`: every subscription the identity can see, paged. */
  private listSubscriptions(req: IncomingMessage, url: URL): Reply {
    const authFailure = this.authenticate(header(req, 'authorization'));
    if (authFailure) return authFailure;
    const versionProblem = checkApiVersion(url, SUBSCRIPTIONS_API_VERSION);
    if (versionProblem) return versionProblem;
    const limit = this.take('tenant', 'tenant', this.options.tenantId);
    if (limit.kind === 'throttled') return limit.reply;
    const visible = this.tenant.all();
    return this.listPage(
      url,
      `/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`,
      visible,
      limit.remaining,
      (s) => ({
        id: `/subscriptions/${s.id}`,
        authorizationSource: 'RoleBased',
        managedByTenants: [],
        subscriptionId: s.id,
        tenantId: s.tenantId,
        displayName: s.displayName,
        state: s.state,
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'PayAsYouGo_2014-09-01',
          spendingLimit: 'Off',
        },
      }),
    );
  }

  /** `GET /providers/Microsoft.Management/managementGroups/{id}/descendants?api-version=2020-05-01`, paged. */
  private listDescendants(req: IncomingMessage, url: URL, groupId: string): Reply {
    const authFailure = this.authenticate(header(req, 'authorization'));
    if (authFailure) return authFailure;
    const versionProblem = checkApiVersion(url, MANAGEMENT_GROUPS_API_VERSION);
    if (versionProblem) return versionProblem;
    const group = this.tenant.managementGroup(groupId);
    if (!group || group.denied)
      return managementGroupForbidden(this.options.clientId, this.objectId, groupId);
    const limit = this.take('tenant', 'tenant', this.options.tenantId);
    if (limit.kind === 'throttled') return limit.reply;
    const path = `/providers/Microsoft.Management/managementGroups/${groupId}/descendants?api-version=${MANAGEMENT_GROUPS_API_VERSION}`;
    return this.listPage(url, path, this.tenant.descendants(groupId), limit.remaining, (item) =>
      item.kind === 'subscription'
        ? {
            id: `/subscriptions/${item.id}`,
            type: 'Microsoft.Management/managementGroups/subscriptions',
            name: item.id,
            properties: {
              displayName: this.tenant.get(item.id)?.displayName ?? item.id,
              parent: { id: `/providers/Microsoft.Management/managementGroups/${item.parent}` },
            },
          }
        : {
            id: `/providers/Microsoft.Management/managementGroups/${item.id}`,
            type: 'Microsoft.Management/managementGroups',
            name: item.id,
            properties: {
              displayName: item.id,
              parent: { id: `/providers/Microsoft.Management/managementGroups/${item.parent}` },
            },
          },
    );
  }

  private listPage<T>(
    url: URL,
    path: string,
    items: readonly T[],
    remaining: number,
    render: (item: T) => unknown,
  ): Reply {
    const offset = readOffset(url);
    if (offset === undefined) return armError(400, 'InvalidSkipToken', 'The provided $skipToken is invalid.');
    const size = this.options.listPageSize ?? 100;
    const end = offset + size;
    const nextLink = end < items.length ? `${this.url}${path}&$skipToken=${encodeSkipToken(end)}` : undefined;
    return {
      kind: 'respond',
      status: 200,
      body: Buffer.from(JSON.stringify({ value: items.slice(offset, end).map(render), nextLink })),
      headers: { 'x-ms-ratelimit-remaining-tenant-reads': String(remaining) },
    };
  }

  /** Takes a read from a bucket: the tokens left, or ARM's 429 with the seconds until one refills. */
  private take(
    key: string,
    scope: 'subscription' | 'tenant',
    id: string,
  ): { kind: 'ok'; remaining: number } | { kind: 'throttled'; reply: Reply } {
    const limit = this.options.readLimit ?? { capacity: 250, refillPerSecond: 25 };
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(limit.capacity, limit.refillPerSecond)));
    const taken = bucket.take(Date.now());
    if (taken.ok) return { kind: 'ok', remaining: taken.remaining };
    const retryAfterSeconds = Math.max(1, Math.ceil(taken.waitMs / 1000));
    if (scope === 'subscription')
      return { kind: 'throttled', reply: faultError(429, id, this.objectId, retryAfterSeconds) };
    return {
      kind: 'throttled',
      reply: armError(
        429,
        'TenantRequestsThrottled',
        `Number of 'read' requests for tenant '${id}' actor '${this.objectId}' exceeded. Please try again after '${retryAfterSeconds}' seconds.`,
        { 'Retry-After': String(retryAfterSeconds) },
      ),
    };
  }

  /** ARM's token checks, in ARM's order; undefined when the token is good for this endpoint. */
  private authenticate(authorization: string | undefined): Reply | undefined {
    const authorityUri = `${this.url}/${this.options.tenantId}`;
    if (!authorization) {
      return unauthorized(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        authorityUri,
      );
    }
    const token = /^Bearer (\S+)$/i.exec(authorization)?.[1];
    const issued = token === undefined ? undefined : this.entraId.lookup(token);
    if (!issued)
      return unauthorized('InvalidAuthenticationToken', 'The access token is invalid.', authorityUri);
    if (issued.expiresAtMs <= Date.now()) {
      return unauthorized(
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${new Date(issued.expiresAtMs).toISOString()}' is earlier than current UTC time '${new Date().toISOString()}'.`,
        authorityUri,
      );
    }
    // Catches clients that ask for a token for the public cloud's ARM while calling this endpoint.
    const allowed = [this.url, `${this.url}/`];
    if (!allowed.includes(issued.audience)) {
      return unauthorized(
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${issued.audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
        authorityUri,
      );
    }
    return undefined;
  }

  private send(req: IncomingMessage, res: ServerResponse, url: URL, reply: Reply): void {
    this.log.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: reply.kind === 'reset' ? 0 : reply.status,
    });
    if (reply.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(reply.body),
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': header(req, 'x-ms-client-request-id') ?? randomUUID(),
      ...reply.headers,
    });
    res.end(reply.body);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function checkApiVersion(url: URL, supported: string): Reply | undefined {
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion === null) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (apiVersion !== supported) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported}'.`,
    );
  }
  return undefined;
}

function readOffset(url: URL): number | undefined {
  const skipToken = url.searchParams.get('$skipToken') ?? url.searchParams.get('$skiptoken');
  return skipToken === null ? 0 : decodeSkipToken(skipToken);
}

function isAlertSource(value: readonly unknown[] | AlertSource): value is AlertSource {
  return !Array.isArray(value);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function methodNotAllowed(req: IncomingMessage): Reply {
  return armError(405, 'MethodNotAllowed', `The emulator does not support '${req.method ?? ''}' here.`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Opaque to clients, as ARM's are; they must follow `nextLink` as given. */
function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ emulatorOffset: offset })).toString('base64url');
}

function decodeSkipToken(token: string): number | undefined {
  try {
    const offset = (
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { emulatorOffset?: unknown }
    ).emulatorOffset;
    return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** A GUID-formatted hash: stable identifiers without randomness. */
function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
