/**
 * The least possible work of a collection, the benchmark's yardstick: a minimal client with nothing but
 * Node's built-ins (no SDK, no index, no fingerprint). One keep-alive HTTPS agent, one token request to the
 * Entra ID token endpoint (client credentials), then for each subscription the alerts list page by page,
 * following `nextLink` as the collector does; `JSON.parse` of each page, one `JSON.stringify` per alert,
 * the page's lines appended to an NDJSON file, which is flushed to disk (`fsync`) once at the end.
 *
 * Reads the collector's settings from the environment: `tenant_id`, `client_id`, `client_secret`,
 * `authority_host`, `resource_manager_endpoint`, `subscription_id` or `subscription_ids` (a list, or `*`:
 * the subscription listing, Enabled/Warned/PastDue ones of the tenant, as discovery reads it), and
 * `max_concurrent_subscriptions` (default 8). Usage: node leastWork.js <output.ndjson>
 * Prints `durationInMs=<n> alerts=<n> requests=<n> subscriptions=<n> bytes=<n>` on stdout.
 *
 * With `LEAST_WORK_MODE=fetch` it measures the floor the server and the transport set instead: every alerts
 * page is read to its last byte, its nextLink found at its end (the emulator writes it last), and nothing
 * parsed, serialised or written.
 */
import { open, type FileHandle } from 'node:fs/promises';
import https from 'node:https';

const agent = new https.Agent({ keepAlive: true });
const COLLECTED_STATES = new Set(['Enabled', 'Warned', 'PastDue']);
let requests = 0;

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`leastWork: set ${name}`);
  return value;
}

function request(url: string, options: https.RequestOptions, body?: string): Promise<string> {
  requests += 1;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`leastWork: HTTP ${res.statusCode ?? '?'} from ${url}: ${text.slice(0, 300)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function token(): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: setting('client_id'),
    client_secret: setting('client_secret'),
    scope: `${setting('resource_manager_endpoint').replace(/\/$/, '')}/.default`,
  }).toString();
  const url = `${setting('authority_host').replace(/\/$/, '')}/${setting('tenant_id')}/oauth2/v2.0/token`;
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  return (JSON.parse(await request(url, { method: 'POST', headers }, form)) as { access_token: string })
    .access_token;
}

/** Every page of an ARM list, following `nextLink`; with `parse` false, pages are read and not parsed. */
async function* pages(firstUrl: string, bearer: string, parse = true): AsyncIterable<unknown[]> {
  for (let url: string | undefined = firstUrl; url !== undefined;) {
    const text = await request(url, { headers: { authorization: `Bearer ${bearer}` } });
    if (!parse) {
      url = /"nextLink":"([^"]+)"\}$/.exec(text.slice(-2000))?.[1];
      yield [];
      continue;
    }
    const page = JSON.parse(text) as { value: unknown[]; nextLink?: string };
    yield page.value;
    url = page.nextLink || undefined;
  }
}

async function subscriptions(arm: string, bearer: string): Promise<string[]> {
  const listed = (process.env.subscription_ids ?? process.env.subscription_id ?? '').trim();
  if (listed !== '*') return listed.split(',').map((id) => id.trim().toLowerCase());
  const found: string[] = [];
  for await (const value of pages(`${arm}/subscriptions?api-version=2022-12-01`, bearer))
    for (const item of value as { subscriptionId: string; state: string }[])
      if (COLLECTED_STATES.has(item.state)) found.push(item.subscriptionId.toLowerCase());
  return found;
}

async function collect(subscriptionId: string, arm: string, bearer: string, file: FileHandle) {
  let alerts = 0;
  let bytes = 0;
  const url = `${arm}/subscriptions/${subscriptionId}/providers/Microsoft.Security/alerts?api-version=2022-01-01`;
  for await (const value of pages(url, bearer, process.env.LEAST_WORK_MODE !== 'fetch')) {
    if (value.length === 0) continue;
    const text = value.map((alert) => JSON.stringify(alert)).join('\n') + '\n';
    alerts += value.length;
    bytes += Buffer.byteLength(text);
    await file.write(text);
  }
  return { alerts, bytes };
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const output = process.argv[2];
  if (output === undefined) throw new Error('Usage: node leastWork.js <output.ndjson>');
  const arm = setting('resource_manager_endpoint').replace(/\/$/, '');
  const concurrency = Number(process.env.max_concurrent_subscriptions ?? 8);
  const bearer = await token();
  const ids = await subscriptions(arm, bearer);
  const file = await open(output, 'a');
  const totals = { alerts: 0, bytes: 0 };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ids.length) {
      const done = await collect(ids[next++]!, arm, bearer, file);
      totals.alerts += done.alerts;
      totals.bytes += done.bytes;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  await file.sync();
  await file.close();
  agent.destroy();
  const durationInMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `durationInMs=${durationInMs.toFixed(0)} alerts=${totals.alerts} requests=${requests} ` +
      `subscriptions=${ids.length} bytes=${totals.bytes}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
