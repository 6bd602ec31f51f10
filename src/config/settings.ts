import { readAlertFilter, type AlertFilter } from './alertFilter';
import { AZURE_CLOUD_NAMES, AZURE_CLOUDS, type AzureCloudName } from './clouds';
import {
  unresolvedKeyVaultReferences,
  unresolvedReferenceProblem,
  withoutSettings,
} from './keyVaultReferences';
import { parseTimerSchedule } from './schedule';
import { SETTING_NAMES as S } from './settingNames';
import {
  needsDiscovery,
  readSubscriptionSelection,
  type SubscriptionSelection,
} from './subscriptionSelection';
import {
  choiceSetting,
  guidSetting,
  httpsUrlSetting,
  integerSetting,
  optionalSetting,
  storageNameSetting,
  type SettingsSource,
} from './settingReaders';

export type DedupeMode = 'content' | 'id';
export type RecordFormat = 'raw' | 'envelope';
export type OutputTarget = 'blob' | 'eventhub' | 'queue';

export type CredentialSettings =
  | { kind: 'clientSecret'; clientId: string; clientSecret: string }
  | { kind: 'managedIdentity'; clientId: string }
  | { kind: 'defaultChain' };

/**
 * The Functions storage account (index, outbox, work and forward queues), by connection string or by
 * identity. With identity, the queue endpoint is `AzureWebJobsStorage__queueServiceUri`, or the blob
 * endpoint's account with `.queue.` in place of `.blob.`.
 */
export type StorageSettings =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri: string; queueServiceUri: string; clientId: string | undefined };

/** Everything the collector reads, validated once and frozen. */
export interface CollectorSettings {
  readonly tenantId: string;
  readonly subscriptions: SubscriptionSelection;
  /** Subscriptions the local runner collects at once. */
  readonly maxConcurrentSubscriptions: number;
  readonly credential: CredentialSettings;
  readonly cloud: {
    readonly name: AzureCloudName;
    readonly resourceManagerEndpoint: string;
    readonly authorityHost: string;
    /** True when `authority_host` points somewhere other than the cloud's own Entra ID endpoint. */
    readonly customAuthorityHost: boolean;
  };
  readonly storage: StorageSettings;
  readonly index: {
    readonly container: string;
    /** `index_blob`, allowed only with one subscription; `undefined`: `<subscription>.index`. */
    readonly blobName: string | undefined;
  };
  /**
   * The delivery pipeline's own storage, in the Functions account (docs/delivery.md): the work queue the
   * timer feeds and the workers take from, the outbox container the workers' batches land in, and the
   * queue Event Grid fills with the outbox's blob-created events for the forwarder.
   */
  readonly delivery: {
    readonly outboxContainer: string;
    readonly workQueue: string;
    readonly forwardQueue: string;
  };
  readonly dedupeMode: DedupeMode;
  readonly recordFormat: RecordFormat;
  readonly maxAlertsPerRun: number;
  /** Pages after which a listing is taken for endless. */
  readonly maxPagesPerListing: number;
  /** Which alerts are delivered at all (severity, status, type, incidents). */
  readonly filter: AlertFilter;
  readonly output: {
    readonly target: OutputTarget;
    readonly connection: string;
    readonly blobContainer: string;
    readonly eventHubName: string;
    readonly queueName: string;
    /** Largest record the target takes, in UTF-8 bytes; `undefined` for the blob target (no limit). */
    readonly maxRecordBytes: number | undefined;
  };
  readonly telemetry: {
    readonly connectionString: string | undefined;
    readonly authenticationString: string | undefined;
  };
}

export const DEFAULT_MAX_ALERTS_PER_RUN = 10_000;
/** Far more pages than any subscription's 90 days of alerts fill; more looks like a listing that never ends. */
export const DEFAULT_MAX_PAGES_PER_LISTING = 100_000;
const GUID_HINT = {
  tenant: 'Set it to the Directory (tenant) ID from the Entra ID overview page.',
  client: 'Set it to the Application (client) ID of the app registration or of the managed identity.',
};

/**
 * Reads and validates the collector's settings.
 * @throws Error naming every bad setting, the value received (never a secret's) and how to fix it.
 */
export function loadSettings(given: SettingsSource): CollectorSettings {
  // A setting still holding its Key Vault reference is reported as such, and only as such.
  const unresolved = unresolvedKeyVaultReferences(given);
  const source = withoutSettings(given, unresolved);
  // Every setting is read even after one fails, so that all problems are reported at once.
  const problems: string[] = unresolved.map(unresolvedReferenceProblem);
  const read = <T>(reader: () => T, fallback: T): T => {
    try {
      return reader();
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      if (!unresolved.some((name) => problem.includes(`'${name}'`))) problems.push(problem);
      return fallback;
    }
  };
  const noSubscriptions: SubscriptionSelection = {
    listed: [],
    allVisible: false,
    managementGroupId: undefined,
    excluded: [],
  };
  const tenantId = read(() => guidSetting(source, S.tenantId, GUID_HINT.tenant), '');
  const subscriptions = read(() => readSubscriptionSelection(source), noSubscriptions);
  const settings: CollectorSettings = {
    tenantId,
    subscriptions,
    maxConcurrentSubscriptions: read(
      () => integerSetting(source, S.maxConcurrentSubscriptions, { min: 1, max: 256 }, 8),
      8,
    ),
    credential: read(() => readCredential(source), { kind: 'defaultChain' }),
    cloud: read(() => readCloud(source), {
      ...AZURE_CLOUDS.AzurePublicCloud,
      name: 'AzurePublicCloud',
      customAuthorityHost: false,
    }),
    storage: read(
      () =>
        readStorage(source, S.storageConnection, 'the hash index is kept in the Functions storage account'),
      { kind: 'connectionString', connectionString: '' },
    ),
    index: {
      container: read(
        () => storageNameSetting(source, S.indexContainer, 'container', 'defender-alerts-index')!,
        '',
      ),
      blobName: read(() => readIndexBlob(source, subscriptions), undefined),
    },
    delivery: {
      outboxContainer: read(
        () => storageNameSetting(source, S.outboxContainer, 'container', 'defender-alerts-outbox')!,
        '',
      ),
      workQueue: read(() => storageNameSetting(source, S.workQueue, 'queue', 'defender-alerts-work')!, ''),
      forwardQueue: read(
        () => storageNameSetting(source, S.forwardQueue, 'queue', 'defender-alerts-forward')!,
        '',
      ),
    },
    dedupeMode: read(
      () => choiceSetting<DedupeMode>(source, S.dedupeMode, ['content', 'id'], 'content'),
      'content',
    ),
    recordFormat: read(
      () => choiceSetting<RecordFormat>(source, S.recordFormat, ['raw', 'envelope'], 'raw'),
      'raw',
    ),
    maxAlertsPerRun: read(
      () => integerSetting(source, S.maxAlertsPerRun, { min: 1, max: 1_000_000 }, DEFAULT_MAX_ALERTS_PER_RUN),
      DEFAULT_MAX_ALERTS_PER_RUN,
    ),
    maxPagesPerListing: read(
      () =>
        integerSetting(
          source,
          S.maxPagesPerListing,
          { min: 10, max: 10_000_000 },
          DEFAULT_MAX_PAGES_PER_LISTING,
        ),
      DEFAULT_MAX_PAGES_PER_LISTING,
    ),
    filter: read(() => readAlertFilter(source), readAlertFilter({})),
    output: read(() => readOutput(source), readOutput({})),
    telemetry: {
      connectionString: optionalSetting(source, S.appInsightsConnectionString),
      authenticationString: optionalSetting(source, S.appInsightsAuthenticationString),
    },
  };
  // The function cannot start without a valid schedule; the local runner, which needs none, checks it too.
  if (optionalSetting(source, S.cron) !== undefined) read(() => parseTimerSchedule(source.cron), undefined);
  if (problems.length === 1) throw new Error(problems[0]);
  if (problems.length > 1)
    throw new Error(
      `${problems.length} settings need fixing: ${problems.map((problem, n) => `(${n + 1}) ${problem}`).join(' ')}`,
    );
  return deepFreeze(settings);
}

/** `index_blob` names one blob: it cannot hold the indexes of several subscriptions. */
function readIndexBlob(source: SettingsSource, subscriptions: SubscriptionSelection): string | undefined {
  const blobName = storageNameSetting(source, S.indexBlob, 'blob', undefined);
  if (blobName !== undefined && (subscriptions.listed.length !== 1 || needsDiscovery(subscriptions))) {
    throw new Error(
      `Invalid setting '${S.indexBlob}': "${blobName}" names one blob, but more than one subscription is ` +
        `collected, each with its own index. Remove it to use '<subscription id>.index' for each.`,
    );
  }
  return blobName;
}

/** The index blob of one subscription. */
export function indexBlobName(index: CollectorSettings['index'], subscriptionId: string): string {
  return index.blobName ?? `${subscriptionId}.index`;
}

function readCredential(source: SettingsSource): CredentialSettings {
  const clientId = guidSetting(source, S.clientId, GUID_HINT.client, false);
  const clientSecret = optionalSetting(source, S.clientSecret);
  if (clientSecret !== undefined && clientId === undefined) {
    throw new Error(
      `Missing setting '${S.clientId}': '${S.clientSecret}' is set, so '${S.clientId}' must name the app ` +
        `registration it belongs to. Set '${S.clientId}', or remove '${S.clientSecret}' to use a managed identity.`,
    );
  }
  if (clientId !== undefined && clientSecret !== undefined)
    return { kind: 'clientSecret', clientId, clientSecret };
  if (clientId !== undefined) return { kind: 'managedIdentity', clientId };
  return { kind: 'defaultChain' };
}

function readCloud(source: SettingsSource): CollectorSettings['cloud'] {
  const name = choiceSetting<AzureCloudName>(source, S.azureCloud, AZURE_CLOUD_NAMES, 'AzurePublicCloud');
  const defaults = AZURE_CLOUDS[name];
  const authorityHost =
    httpsUrlSetting(source, S.authorityHost, defaults.authorityHost) ?? defaults.authorityHost;
  return {
    name,
    resourceManagerEndpoint:
      httpsUrlSetting(source, S.resourceManagerEndpoint, defaults.resourceManagerEndpoint) ??
      defaults.resourceManagerEndpoint,
    authorityHost,
    customAuthorityHost: authorityHost !== defaults.authorityHost,
  };
}

/**
 * A storage account named by a Functions connection: `<connection>` (a connection string) or the
 * identity-based `<connection>__blobServiceUri` with an optional `<connection>__clientId`.
 */
function readStorage(source: SettingsSource, connection: string, purpose: string): StorageSettings {
  const connectionString = optionalSetting(source, connection);
  if (connectionString !== undefined) return { kind: 'connectionString', connectionString };
  const uriSetting = `${connection}__blobServiceUri`;
  const blobServiceUri = httpsUrlSetting(source, uriSetting, 'https://<account>.blob.core.windows.net');
  if (blobServiceUri === undefined) {
    throw new Error(
      `Missing setting '${connection}': ${purpose}. Set '${uriSetting}' (identity-based, recommended in Azure) ` +
        `or '${connection}' (a connection string; "UseDevelopmentStorage=true" for Azurite).`,
    );
  }
  const queueServiceUri =
    httpsUrlSetting(source, `${connection}__queueServiceUri`, 'https://<account>.queue.core.windows.net') ??
    blobServiceUri.replace('.blob.', '.queue.');
  return {
    kind: 'identity',
    blobServiceUri,
    queueServiceUri,
    clientId: guidSetting(source, `${connection}__clientId`, GUID_HINT.client, false),
  };
}

function readOutput(source: SettingsSource): CollectorSettings['output'] {
  const target = choiceSetting<OutputTarget>(source, S.outputTarget, ['blob', 'eventhub', 'queue'], 'blob');
  const defaultConnection = target === 'eventhub' ? 'EventHubConnection' : 'AzureWebJobsStorage';
  const limit = RECORD_LIMITS[target];
  const connection = storageNameSetting(source, S.outputConnection, 'connection', defaultConnection)!;
  return {
    target,
    connection,
    blobContainer: storageNameSetting(source, S.outputBlobContainer, 'container', 'defender-alerts')!,
    eventHubName: storageNameSetting(source, S.outputEventHubName, 'eventhub', 'defender-alerts')!,
    queueName: storageNameSetting(source, S.outputQueueName, 'queue', 'defender-alerts')!,
    maxRecordBytes:
      limit === undefined
        ? undefined
        : integerSetting(source, S.outputMaxRecordBytes, { min: 1024, max: limit }, limit),
  };
}

/**
 * Largest record each target accepts. Event Hubs takes 1 MB per event on Standard and above (set
 * `output_max_record_bytes` to 250000 on Basic, 256 KB); a queue message is 64 KB after the host's base64,
 * which leaves 48 KB of JSON. A blob has no practical limit.
 */
const RECORD_LIMITS: Record<OutputTarget, number | undefined> = {
  blob: undefined,
  eventhub: 1_000_000,
  queue: 48_000,
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
