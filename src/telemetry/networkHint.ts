/** Node's codes for a request that got no HTTP answer at all. */
const NO_ANSWER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Azurite's default ports: blob, queue. */
const AZURITE_PORTS = new Set(['10000', '10001']);

/**
 * What to do about a request that got no answer, for an error of the Azure SDK (a `RestError`, which
 * carries the request) or undefined for any other error. Node's own words ("socket hang up",
 * "connect ECONNREFUSED 127.0.0.1:10000") name neither the service nor a cause to look at.
 */
export function networkHint(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  const url = (error as { request?: { url?: unknown } }).request?.url;
  if (typeof code !== 'string' || !NO_ANSWER_CODES.has(code) || typeof url !== 'string' || !URL.canParse(url))
    return undefined;
  // The origin only: a query may hold a SAS signature.
  const { origin, hostname, port, pathname } = new URL(url);
  if (
    code === 'ECONNREFUSED' &&
    LOOPBACK_HOSTS.has(hostname) &&
    (AZURITE_PORTS.has(port) || pathname.startsWith('/devstoreaccount1'))
  )
    return (
      `Nothing answers at ${origin}, the local storage emulator's address (UseDevelopmentStorage=true). ` +
      'Start Azurite first (npx azurite --silent --inMemoryPersistence --skipApiVersionCheck), or point ' +
      "'AzureWebJobsStorage' at a storage account."
    );
  return (
    `No answer from ${origin} (${code}) after the SDK's retries: check the network path to it, a firewall ` +
    'rule, a private endpoint or DNS name, or a proxy in between (HTTPS_PROXY).'
  );
}
