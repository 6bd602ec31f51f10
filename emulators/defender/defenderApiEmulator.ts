import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { AlertStore, arraySource, type AlertSource } from './alertStore';
import {
  armError,
  authorizationFailed,
  faultError,
  subscriptionNotFound,
  unauthorized,
  type FaultStatus,
} from './armErrors';
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
}

/**
 * A failure the next alerts list request meets, instead of (or before) its normal answer.
 * - `status`: an ARM error with that status, and `Retry-After` when `retryAfterSeconds` is given;
 * - `reset`: the connection is destroyed without an answer;
 * - `slow`: the answer comes after `delayMs`;
 * - `malformedPage`: status 200 with the page's JSON cut in half.
 */
export type Fault =
  | { kind: 'status'; status: FaultStatus; retryAfterSeconds?: number }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformedPage' };

/** One request the emulator answered, for tests that count calls. `status` is 0 for a reset. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Readonly<Record<string, string>>;
  status: number;
}

const ALERTS_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Security\/alerts$/i;
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
  private readonly store = new AlertStore();
  private readonly entraId: EntraIdEmulator;
  /** Object id of the app's service principal, derived from the client id so it is stable. */
  private readonly objectId: string;
  private readonly log: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private denied: 'forbidden' | 'notFound' | null = null;
  private server: https.Server | undefined;
  private baseUrl: string | undefined;

  constructor(options: DefenderApiEmulatorOptions) {
    this.options = options;
    this.pageSize = options.pageSize ?? 50;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new Error(`pageSize must be a positive integer, got ${this.pageSize}`);
    }
    this.objectId = guidFrom(`service-principal:${options.clientId}`);
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
    this.store.reset(isAlertSource(alerts) ? alerts : arraySource(alerts));
  }

  /** Replaces the alert with the same `id`, or adds it at the end of the list. */
  upsertAlert(alert: unknown): void {
    this.store.upsert(alert);
  }

  /**
   * Replaces alert `id` by a copy whose `properties` are merged with `patch`, e.g. `{ status: 'Resolved' }`.
   * The stored object is not mutated, so the caller's copy keeps its old values.
   */
  patchAlertProperties(id: string, patch: Record<string, unknown>): void {
    const index = this.store.indexOf(id);
    if (index < 0) throw new Error(`No alert with id '${id}'`);
    const alert = this.store.at(index) as { properties?: unknown };
    const properties =
      typeof alert.properties === 'object' && alert.properties !== null ? alert.properties : {};
    this.store.set(index, { ...alert, properties: { ...properties, ...patch } });
  }

  /** Makes the alerts list answer 403 AuthorizationFailed, 404 SubscriptionNotFound, or normally (null). */
  denyAccess(kind: 'forbidden' | 'notFound' | null): void {
    this.denied = kind;
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
    const fault = this.faults.shift();
    if (fault?.kind === 'reset') return { kind: 'reset' };
    if (fault?.kind === 'status') {
      return faultError(fault.status, this.options.subscriptionId, this.objectId, fault.retryAfterSeconds);
    }
    if (fault?.kind === 'slow') await this.delay(fault.delayMs);

    const authFailure = this.authenticate(header(req, 'authorization'));
    if (authFailure) return authFailure;

    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion === null) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    if (apiVersion !== ALERTS_API_VERSION) {
      return armError(
        400,
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions are '${ALERTS_API_VERSION}'.`,
      );
    }
    if (
      subscriptionId.toLowerCase() !== this.options.subscriptionId.toLowerCase() ||
      this.denied === 'notFound'
    ) {
      return subscriptionNotFound(subscriptionId);
    }
    if (this.denied === 'forbidden') {
      return authorizationFailed(this.options.clientId, this.objectId, this.options.subscriptionId);
    }

    const skipToken = url.searchParams.get('$skipToken') ?? url.searchParams.get('$skiptoken');
    const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
    if (offset === undefined) return armError(400, 'InvalidSkipToken', 'The provided $skipToken is invalid.');

    const end = offset + this.pageSize;
    const nextLink =
      end < this.store.length
        ? `${this.url}/subscriptions/${subscriptionId}/providers/Microsoft.Security/alerts?api-version=${ALERTS_API_VERSION}&$skipToken=${encodeSkipToken(end)}`
        : undefined;
    // One page serialised per request: cost is independent of the list's length.
    const body = Buffer.from(JSON.stringify({ value: this.store.slice(offset, end), nextLink }));
    return {
      kind: 'respond',
      status: 200,
      body: fault?.kind === 'malformedPage' ? body.subarray(0, Math.floor(body.length / 2)) : body,
      headers: { 'x-ms-ratelimit-remaining-subscription-reads': '11999' },
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
