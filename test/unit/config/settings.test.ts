import { AZURE_CLOUD_NAMES, AZURE_CLOUDS } from '../../../src/config/clouds';
import { SECRET_SETTING_NAMES, SETTING_NAMES } from '../../../src/config/settingNames';
import {
  choiceSetting,
  guidSetting,
  httpsUrlSetting,
  integerSetting,
  optionalSetting,
  requiredSetting,
  storageNameSetting,
  type SettingsSource,
} from '../../../src/config/settingReaders';
import {
  DEFAULT_MAX_ALERTS_PER_RUN,
  indexBlobName,
  loadSettings,
  type CollectorSettings,
} from '../../../src/config/settings';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SUBSCRIPTION = '3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b';
const CLIENT = '0e4a1c2d-3b5f-4a6e-9d8c-7b6a5f4e3d2c';
const STORAGE_CLIENT = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

/** The smallest valid configuration: everything else takes its default. */
const BASE: SettingsSource = {
  tenant_id: TENANT,
  subscription_id: SUBSCRIPTION,
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
};

function load(overrides: Record<string, string | undefined> = {}): CollectorSettings {
  return loadSettings({ ...BASE, ...overrides });
}

const HINT = {
  tenant: 'Set it to the Directory (tenant) ID from the Entra ID overview page.',
  subscription: 'Set it to the ID of the subscription whose Defender for Cloud alerts are collected.',
  client: 'Set it to the Application (client) ID of the app registration or of the managed identity.',
};
const GUID_EXAMPLE = 'It looks like 00000000-0000-0000-0000-000000000000.';
/** A value with other characters than a GUID's may be a secret in the wrong setting, so it is not echoed. */
const notGuid = (name: string, value: string, hint: string): string =>
  `Invalid setting '${name}': ${
    /^[0-9a-f{}-]*$/i.test(value)
      ? `"${value}"`
      : 'The value (not shown: it is not GUID-shaped, and may be a secret pasted into the wrong setting)'
  } is not a GUID. ${hint} ${GUID_EXAMPLE}`;
/**
 * A value with a query, fragment or user info may hold a SAS token or password, and one that is no URL
 * at all may be a connection string, so neither is echoed.
 */
const notHttps = (name: string, value: string, example: string): string =>
  `Invalid setting '${name}': ${
    /[?#@]/.test(value)
      ? 'The value (not shown: it has a query, fragment or credentials)'
      : URL.canParse(value)
        ? `"${value}"`
        : 'The value (not shown: it is not a URL, and may be a secret pasted into the wrong setting)'
  } is not an https URL without query or credentials. Example: "${example}".`;
const notWhole = (name: string, value: string, min: number, max: number, fallback: number): string =>
  `Invalid setting '${name}': "${value}" is not a whole number from ${min} to ${max}. Remove it to use ${fallback}.`;
const CONTAINER_RULE = '3-63 lowercase letters, digits and single hyphens';
const BLOB_RULE = 'a relative path of at most 1024 characters without "..", "?", "#" or "\\"';
const EVENTHUB_RULE = 'letters, digits, ".", "_" and "-" (at most 256)';
const CONNECTION_RULE = 'the name of an app setting (letters, digits and "_")';
const badName = (name: string, value: string, rule: string): string =>
  `Invalid setting '${name}': "${value}" must be ${rule}.`;
const MISSING_STORAGE =
  `Missing setting 'AzureWebJobsStorage': the hash index is kept in the Functions storage account. ` +
  `Set 'AzureWebJobsStorage__blobServiceUri' (identity-based, recommended in Azure) or 'AzureWebJobsStorage' ` +
  `(a connection string; "UseDevelopmentStorage=true" for Azurite).`;
const SECRET_WITHOUT_ID =
  `Missing setting 'client_id': 'client_secret' is set, so 'client_id' must name the app registration ` +
  `it belongs to. Set 'client_id', or remove 'client_secret' to use a managed identity.`;

describe('loadSettings defaults', () => {
  it('fills every optional setting with its documented default', () => {
    expect(load()).toStrictEqual({
      tenantId: TENANT,
      subscriptions: {
        listed: [SUBSCRIPTION],
        allVisible: false,
        managementGroupId: undefined,
        excluded: [],
      },
      maxConcurrentSubscriptions: 8,
      credential: { kind: 'defaultChain' },
      cloud: {
        name: 'AzurePublicCloud',
        resourceManagerEndpoint: 'https://management.azure.com',
        authorityHost: 'https://login.microsoftonline.com',
        customAuthorityHost: false,
      },
      storage: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
      index: { container: 'defender-alerts-index', blobName: undefined },
      delivery: {
        outboxContainer: 'defender-alerts-outbox',
        workQueue: 'defender-alerts-work',
        forwardQueue: 'defender-alerts-forward',
      },
      dedupeMode: 'content',
      recordFormat: 'raw',
      maxAlertsPerRun: 10000,
      maxPagesPerListing: 100000,
      filter: {
        minSeverity: undefined,
        statuses: undefined,
        alertTypes: undefined,
        excludeAlertTypes: [],
        includeIncidents: true,
      },
      output: {
        target: 'blob',
        connection: 'AzureWebJobsStorage',
        blobContainer: 'defender-alerts',
        eventHubName: 'defender-alerts',
        queueName: 'defender-alerts',
        maxRecordBytes: undefined,
      },
      telemetry: { connectionString: undefined, authenticationString: undefined },
    });
  });

  it('exports the default alert limit as 10000', () => {
    expect(DEFAULT_MAX_ALERTS_PER_RUN).toBe(10000);
  });

  it('treats blank and whitespace-only optional settings as absent', () => {
    const settings = load({
      dedupe_mode: '',
      record_format: '   ',
      max_alerts_per_run: '\t',
      output_target: ' ',
      index_container: '',
      index_blob: '  ',
      azure_cloud: '',
      authority_host: ' ',
      resource_manager_endpoint: '',
      client_id: ' ',
      client_secret: '  ',
      APPLICATIONINSIGHTS_CONNECTION_STRING: ' ',
    });
    expect(settings).toStrictEqual(load());
  });

  it('lower-cases GUIDs and names the default index blob after the lower-cased subscription id', () => {
    const settings = load({
      tenant_id: TENANT.toUpperCase(),
      subscription_id: ` ${SUBSCRIPTION.toUpperCase()} `,
    });
    expect(settings.tenantId).toBe(TENANT);
    expect(settings.subscriptions.listed).toEqual([SUBSCRIPTION]);
    expect(indexBlobName(settings.index, SUBSCRIPTION)).toBe(`${SUBSCRIPTION}.index`);
  });

  it('keeps configured index container and blob names', () => {
    const settings = load({ index_container: 'my-index', index_blob: 'tenants/contoso/alerts.bin' });
    expect(settings.index).toStrictEqual({ container: 'my-index', blobName: 'tenants/contoso/alerts.bin' });
  });

  it('passes the Application Insights settings through, trimmed', () => {
    const settings = load({
      APPLICATIONINSIGHTS_CONNECTION_STRING: ' InstrumentationKey=abc;IngestionEndpoint=https://x/ ',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
    });
    expect(settings.telemetry).toStrictEqual({
      connectionString: 'InstrumentationKey=abc;IngestionEndpoint=https://x/',
      authenticationString: 'Authorization=AAD',
    });
  });
});

describe('loadSettings accepted values', () => {
  it.each<[string, Record<string, string>, (s: CollectorSettings) => unknown, unknown]>([
    ['dedupe_mode "id"', { dedupe_mode: 'id' }, (s) => s.dedupeMode, 'id'],
    ['dedupe_mode "ID" (case-insensitive)', { dedupe_mode: 'ID' }, (s) => s.dedupeMode, 'id'],
    ['dedupe_mode " Content "', { dedupe_mode: ' Content ' }, (s) => s.dedupeMode, 'content'],
    ['record_format "ENVELOPE"', { record_format: 'ENVELOPE' }, (s) => s.recordFormat, 'envelope'],
    ['record_format "raw"', { record_format: 'raw' }, (s) => s.recordFormat, 'raw'],
    ['max_alerts_per_run "1" (minimum)', { max_alerts_per_run: '1' }, (s) => s.maxAlertsPerRun, 1],
    [
      'max_alerts_per_run "1000000" (maximum)',
      { max_alerts_per_run: '1000000' },
      (s) => s.maxAlertsPerRun,
      1_000_000,
    ],
    ['max_alerts_per_run " 250 "', { max_alerts_per_run: ' 250 ' }, (s) => s.maxAlertsPerRun, 250],
    ['max_alerts_per_run "0042"', { max_alerts_per_run: '0042' }, (s) => s.maxAlertsPerRun, 42],
    ['output_target "EventHub"', { output_target: 'EventHub' }, (s) => s.output.target, 'eventhub'],
    ['output_target "QUEUE"', { output_target: 'QUEUE' }, (s) => s.output.target, 'queue'],
    [
      'azure_cloud "azureusgovernment"',
      { azure_cloud: 'azureusgovernment' },
      (s) => s.cloud.name,
      'AzureUSGovernment',
    ],
    [
      'output_connection "My_Conn_1"',
      { output_connection: 'My_Conn_1', My_Conn_1: 'UseDevelopmentStorage=true' },
      (s) => s.output.connection,
      'My_Conn_1',
    ],
    [
      'output_eventhub_name "hub.v2_a-b"',
      { output_eventhub_name: 'hub.v2_a-b' },
      (s) => s.output.eventHubName,
      'hub.v2_a-b',
    ],
    ['output_queue_name "q-1"', { output_queue_name: 'q-1' }, (s) => s.output.queueName, 'q-1'],
    ['output_blob_container "abc"', { output_blob_container: 'abc' }, (s) => s.output.blobContainer, 'abc'],
    [
      'index_container of 63 characters',
      { index_container: 'a'.repeat(63) },
      (s) => s.index.container,
      'a'.repeat(63),
    ],
    [
      'index_blob of 1024 characters',
      { index_blob: 'b'.repeat(1024) },
      (s) => s.index.blobName,
      'b'.repeat(1024),
    ],
  ])('accepts %s', (_name, overrides, pick, expected) => {
    expect(pick(load(overrides))).toStrictEqual(expected);
  });
});

describe('loadSettings rejects bad values with a message naming the setting', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['missing tenant_id', { tenant_id: undefined }, `Missing setting 'tenant_id': ${HINT.tenant}`],
    ['blank tenant_id', { tenant_id: '   ' }, `Missing setting 'tenant_id': ${HINT.tenant}`],
    [
      'a domain name as tenant_id',
      { tenant_id: 'contoso.onmicrosoft.com' },
      notGuid('tenant_id', 'contoso.onmicrosoft.com', HINT.tenant),
    ],
    [
      'no subscription setting at all',
      { subscription_id: undefined },
      "Missing setting 'subscription_id': say which subscriptions to collect with 'subscription_id' (one), " +
        "'subscription_ids' (a comma-separated list, or * for every subscription the identity can see) or " +
        "'management_group_id' (every subscription under a management group).",
    ],
    [
      'a subscription_ids item that is not a GUID',
      { subscription_ids: `${SUBSCRIPTION}, prod-subscription` },
      'Invalid setting \'subscription_ids\': item 2, "prod-subscription", is not a subscription ID. Give ' +
        'subscription IDs separated by commas, e.g. "00000000-0000-0000-0000-000000000000,11111111-1111-1111-1111-111111111111".',
    ],
    [
      'a management_group_id with spaces',
      { management_group_id: 'Contoso Root' },
      'Invalid setting \'management_group_id\': "Contoso Root" is not a management group ID (up to 90 letters, ' +
        "digits, '-', '_', '.', '(' and ')'). Use the group's ID, not its display name.",
    ],
    [
      'index_blob with several subscriptions',
      { subscription_ids: SUBSCRIPTION, management_group_id: 'contoso', index_blob: 'one.index' },
      'Invalid setting \'index_blob\': "one.index" names one blob, but more than one subscription is collected, ' +
        "each with its own index. Remove it to use '<subscription id>.index' for each.",
    ],
    ['an invalid client_id', { client_id: 'my-app' }, notGuid('client_id', 'my-app', HINT.client)],
    ['client_secret without client_id', { client_secret: 'x' }, SECRET_WITHOUT_ID],
    [
      'an unknown azure_cloud',
      { azure_cloud: 'AzureGermanCloud' },
      `Invalid setting 'azure_cloud': "AzureGermanCloud" is not one of 'AzurePublicCloud', 'AzureUSGovernment', ` +
        `'AzureChinaCloud'. Remove it to use 'AzurePublicCloud'.`,
    ],
    [
      'an http resource_manager_endpoint',
      { resource_manager_endpoint: 'http://management.azure.com' },
      notHttps('resource_manager_endpoint', 'http://management.azure.com', 'https://management.azure.com'),
    ],
    [
      'a resource_manager_endpoint without scheme',
      { resource_manager_endpoint: 'management.azure.com' },
      notHttps('resource_manager_endpoint', 'management.azure.com', 'https://management.azure.com'),
    ],
    [
      'a resource_manager_endpoint with a query',
      { resource_manager_endpoint: 'https://management.azure.com/?api-version=1' },
      notHttps(
        'resource_manager_endpoint',
        'https://management.azure.com/?api-version=1',
        'https://management.azure.com',
      ),
    ],
    [
      'a resource_manager_endpoint with a fragment',
      { resource_manager_endpoint: 'https://management.azure.com/#x' },
      notHttps(
        'resource_manager_endpoint',
        'https://management.azure.com/#x',
        'https://management.azure.com',
      ),
    ],
    [
      'a resource_manager_endpoint with a user name',
      { resource_manager_endpoint: 'https://admin@management.azure.com' },
      notHttps(
        'resource_manager_endpoint',
        'https://admin@management.azure.com',
        'https://management.azure.com',
      ),
    ],
    [
      'a bad resource_manager_endpoint, with the example of the chosen cloud',
      { azure_cloud: 'AzureChinaCloud', resource_manager_endpoint: 'ftp://management.chinacloudapi.cn' },
      notHttps(
        'resource_manager_endpoint',
        'ftp://management.chinacloudapi.cn',
        'https://management.chinacloudapi.cn',
      ),
    ],
    [
      'an http authority_host',
      { authority_host: 'http://login.microsoftonline.com' },
      notHttps('authority_host', 'http://login.microsoftonline.com', 'https://login.microsoftonline.com'),
    ],
    [
      'a bad authority_host, with the example of the chosen cloud',
      { azure_cloud: 'AzureUSGovernment', authority_host: 'login.microsoftonline.us' },
      notHttps('authority_host', 'login.microsoftonline.us', 'https://login.microsoftonline.us'),
    ],
    ['missing storage settings', { AzureWebJobsStorage: undefined }, MISSING_STORAGE],
    [
      'blank storage settings',
      { AzureWebJobsStorage: ' ', AzureWebJobsStorage__blobServiceUri: ' ' },
      MISSING_STORAGE,
    ],
    [
      'an http AzureWebJobsStorage__blobServiceUri',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'http://acct.blob.core.windows.net',
      },
      notHttps(
        'AzureWebJobsStorage__blobServiceUri',
        'http://acct.blob.core.windows.net',
        'https://<account>.blob.core.windows.net',
      ),
    ],
    [
      'an invalid AzureWebJobsStorage__clientId',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
        AzureWebJobsStorage__clientId: 'storage-identity',
      },
      notGuid('AzureWebJobsStorage__clientId', 'storage-identity', HINT.client),
    ],
    [
      'an outbox_container with upper case',
      { outbox_container: 'Outbox' },
      badName('outbox_container', 'Outbox', CONTAINER_RULE),
    ],
    [
      'a work_queue with "_"',
      { work_queue: 'work_items' },
      badName('work_queue', 'work_items', CONTAINER_RULE),
    ],
    ['a 2-character forward_queue', { forward_queue: 'fw' }, badName('forward_queue', 'fw', CONTAINER_RULE)],
    [
      'an index_container with upper case and "_"',
      { index_container: 'Defender_Index' },
      badName('index_container', 'Defender_Index', CONTAINER_RULE),
    ],
    [
      'a 2-character index_container',
      { index_container: 'ab' },
      badName('index_container', 'ab', CONTAINER_RULE),
    ],
    [
      'a 64-character index_container',
      { index_container: 'a'.repeat(64) },
      badName('index_container', 'a'.repeat(64), CONTAINER_RULE),
    ],
    [
      'an index_container with "--"',
      { index_container: 'a--b' },
      badName('index_container', 'a--b', CONTAINER_RULE),
    ],
    [
      'an index_container starting with "-"',
      { index_container: '-abc' },
      badName('index_container', '-abc', CONTAINER_RULE),
    ],
    [
      'an index_container ending with "-"',
      { index_container: 'abc-' },
      badName('index_container', 'abc-', CONTAINER_RULE),
    ],
    [
      'an index_blob with ".."',
      { index_blob: '../other.index' },
      badName('index_blob', '../other.index', BLOB_RULE),
    ],
    [
      'an index_blob with a leading "/"',
      { index_blob: '/abs.index' },
      badName('index_blob', '/abs.index', BLOB_RULE),
    ],
    ['an index_blob with "//"', { index_blob: 'a//b.index' }, badName('index_blob', 'a//b.index', BLOB_RULE)],
    [
      'an index_blob with "?"',
      { index_blob: 'a.index?comp=x' },
      badName('index_blob', 'a.index?comp=x', BLOB_RULE),
    ],
    ['an index_blob with "#"', { index_blob: 'a#b' }, badName('index_blob', 'a#b', BLOB_RULE)],
    ['an index_blob with "\\"', { index_blob: 'a\\b' }, badName('index_blob', 'a\\b', BLOB_RULE)],
    [
      'an index_blob of 1025 characters',
      { index_blob: 'b'.repeat(1025) },
      badName('index_blob', 'b'.repeat(1025), BLOB_RULE),
    ],
    [
      'an unknown dedupe_mode',
      { dedupe_mode: 'hash' },
      `Invalid setting 'dedupe_mode': "hash" is not one of 'content', 'id'. Remove it to use 'content'.`,
    ],
    [
      'an unknown record_format',
      { record_format: 'json' },
      `Invalid setting 'record_format': "json" is not one of 'raw', 'envelope'. Remove it to use 'raw'.`,
    ],
    ...['0', '1000001', '-5', '1.5', '1e3', '10k', '0x10', '+7', '1 000', '99999999999999999999'].map(
      (value): [string, Record<string, string>, string] => [
        `max_alerts_per_run "${value}"`,
        { max_alerts_per_run: value },
        notWhole('max_alerts_per_run', value, 1, 1_000_000, 10000),
      ],
    ),
    [
      'an unknown output_target',
      { output_target: 'servicebus' },
      `Invalid setting 'output_target': "servicebus" is not one of 'blob', 'eventhub', 'queue'. ` +
        `Remove it to use 'blob'.`,
    ],
    [
      'an output_connection with "-"',
      { output_connection: 'my-conn' },
      badName('output_connection', 'my-conn', CONNECTION_RULE),
    ],
    [
      'an output_connection starting with a digit',
      { output_connection: '1conn' },
      badName('output_connection', '1conn', CONNECTION_RULE),
    ],
    [
      'an output_blob_container with upper case',
      { output_blob_container: 'Alerts' },
      badName('output_blob_container', 'Alerts', CONTAINER_RULE),
    ],
    [
      'an output_queue_name with "_"',
      { output_queue_name: 'my_queue' },
      badName('output_queue_name', 'my_queue', CONTAINER_RULE),
    ],
    [
      'an output_eventhub_name starting with "-"',
      { output_eventhub_name: '-hub' },
      badName('output_eventhub_name', '-hub', EVENTHUB_RULE),
    ],
    [
      'an output_eventhub_name with "/"',
      { output_eventhub_name: 'hub/x' },
      badName('output_eventhub_name', 'hub/x', EVENTHUB_RULE),
    ],
    [
      'an output_eventhub_name of 257 characters',
      { output_eventhub_name: 'h'.repeat(257) },
      badName('output_eventhub_name', 'h'.repeat(257), EVENTHUB_RULE),
    ],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => load(overrides)).toThrow(new Error(message));
  });

  it('quotes the trimmed value in the message', () => {
    expect(() => load({ dedupe_mode: '  hash \n' })).toThrow(
      new Error(
        `Invalid setting 'dedupe_mode': "hash" is not one of 'content', 'id'. Remove it to use 'content'.`,
      ),
    );
  });

  it('reports the subscription and the tenant together when both are missing', () => {
    let message = '';
    try {
      loadSettings({ AzureWebJobsStorage: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^2 settings need fixing: \(1\) Missing setting 'tenant_id': .* \(2\) Missing setting /,
    );
    expect(message).toContain(`Missing setting 'tenant_id': ${HINT.tenant}`);
  });
});

describe('loadSettings GUID settings refuse values that would reshape a URL', () => {
  const guidSettings: [string, string][] = [
    ['tenant_id', HINT.tenant],
    ['subscription_id', HINT.subscription],
    ['client_id', HINT.client],
  ];
  const values = [
    '../x',
    '..',
    '00000000-0000-0000-0000-000000000000/resourceGroups',
    '00000000-0000-0000-0000-000000000000/../../providers',
    '?api-version=',
    '00000000-0000-0000-0000-000000000000?api-version=2015-01-01',
    '00000000-0000-0000-0000-000000000000#',
    '00000000-0000-0000-0000-000000000000%2F..',
    '00000000-0000-0000-0000-000000000000\n/x',
    '{00000000-0000-0000-0000-000000000000}',
    '00000000000000000000000000000000',
    '00000000-0000-0000-0000-00000000000g',
    '00000000-0000-0000-0000-0000000000000',
    'subscriptions/00000000-0000-0000-0000-000000000000',
  ];
  const cases = guidSettings.flatMap(([name, hint]) =>
    values.map((value): [string, string, string] => [name, value, hint]),
  );

  it.each(cases)('rejects %s = %j', (name, value, hint) => {
    expect(() => load({ [name]: value })).toThrow(new Error(notGuid(name, value, hint)));
  });

  it.each(['00000000-0000-0000-0000-000000000000', 'ABCDEF01-2345-6789-ABCD-EF0123456789'])(
    'accepts the GUID %s as subscription_id',
    (value) => {
      expect(load({ subscription_id: value }).subscriptions.listed).toEqual([value.toLowerCase()]);
    },
  );
});

describe('loadSettings credential selection', () => {
  it('uses a client secret when client_id and client_secret are both set', () => {
    expect(load({ client_id: CLIENT, client_secret: 'p@ss~word' }).credential).toStrictEqual({
      kind: 'clientSecret',
      clientId: CLIENT,
      clientSecret: 'p@ss~word',
    });
  });

  it('uses the user-assigned managed identity when only client_id is set', () => {
    expect(load({ client_id: CLIENT.toUpperCase() }).credential).toStrictEqual({
      kind: 'managedIdentity',
      clientId: CLIENT,
    });
  });

  it('uses the managed identity when client_secret is blank', () => {
    expect(load({ client_id: CLIENT, client_secret: '   ' }).credential).toStrictEqual({
      kind: 'managedIdentity',
      clientId: CLIENT,
    });
  });

  it('uses the default credential chain when neither is set', () => {
    expect(load().credential).toStrictEqual({ kind: 'defaultChain' });
  });

  it('refuses a client_secret without client_id', () => {
    expect(() => load({ client_secret: 'p@ss~word' })).toThrow(new Error(SECRET_WITHOUT_ID));
  });
});

describe('loadSettings clouds', () => {
  it.each(AZURE_CLOUD_NAMES)('uses the endpoints of %s', (name) => {
    expect(load({ azure_cloud: name }).cloud).toStrictEqual({
      name,
      resourceManagerEndpoint: AZURE_CLOUDS[name].resourceManagerEndpoint,
      authorityHost: AZURE_CLOUDS[name].authorityHost,
      customAuthorityHost: false,
    });
  });

  it('knows the US Government and China endpoints', () => {
    expect(load({ azure_cloud: 'AzureUSGovernment' }).cloud).toStrictEqual({
      name: 'AzureUSGovernment',
      resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
      customAuthorityHost: false,
    });
    expect(load({ azure_cloud: 'AzureChinaCloud' }).cloud).toStrictEqual({
      name: 'AzureChinaCloud',
      resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
      authorityHost: 'https://login.chinacloudapi.cn',
      customAuthorityHost: false,
    });
  });

  it('overrides the resource manager endpoint without marking the authority as custom', () => {
    expect(load({ resource_manager_endpoint: 'https://arm.contoso.example/' }).cloud).toStrictEqual({
      name: 'AzurePublicCloud',
      resourceManagerEndpoint: 'https://arm.contoso.example',
      authorityHost: 'https://login.microsoftonline.com',
      customAuthorityHost: false,
    });
  });

  it('keeps a path in an overridden endpoint but drops trailing slashes', () => {
    expect(
      load({ resource_manager_endpoint: 'https://proxy.example/arm//' }).cloud.resourceManagerEndpoint,
    ).toBe('https://proxy.example/arm');
  });

  it.each<{ name: string; overrides: Record<string, string>; host: string; custom: boolean }>(
    (
      [
        [
          'a different host',
          { authority_host: 'https://login.contoso.example/' },
          'https://login.contoso.example',
          true,
        ],
        [
          "the public cloud's own host with a trailing slash",
          { authority_host: 'https://login.microsoftonline.com/' },
          'https://login.microsoftonline.com',
          false,
        ],
        [
          "the public cloud's own host in upper case with the default port",
          { authority_host: 'HTTPS://LOGIN.MICROSOFTONLINE.COM:443' },
          'https://login.microsoftonline.com',
          false,
        ],
        [
          "the public cloud's host while the cloud is US Government",
          { azure_cloud: 'AzureUSGovernment', authority_host: 'https://login.microsoftonline.com' },
          'https://login.microsoftonline.com',
          true,
        ],
        [
          "US Government's own host",
          { azure_cloud: 'AzureUSGovernment', authority_host: 'https://login.microsoftonline.us' },
          'https://login.microsoftonline.us',
          false,
        ],
        [
          "China's own host",
          { azure_cloud: 'AzureChinaCloud', authority_host: 'https://login.chinacloudapi.cn/' },
          'https://login.chinacloudapi.cn',
          false,
        ],
        [
          'the right host on another port',
          { authority_host: 'https://login.microsoftonline.com:8443' },
          'https://login.microsoftonline.com:8443',
          true,
        ],
      ] as [string, Record<string, string>, string, boolean][]
    ).map(([name, overrides, host, custom]) => ({ name, overrides, host, custom })),
  )('authority_host set to $name gives customAuthorityHost $custom', ({ overrides, host, custom }) => {
    const { cloud } = load(overrides);
    expect(cloud.authorityHost).toBe(host);
    expect(cloud.customAuthorityHost).toBe(custom);
  });

  it.each(['https://management.azure.com?', 'https://management.azure.com/#'])(
    'refuses the resource manager endpoint %j with an empty query or fragment',
    (value) => {
      expect(() => load({ resource_manager_endpoint: value })).toThrow(
        new Error(notHttps('resource_manager_endpoint', value, 'https://management.azure.com')),
      );
    },
  );
});

describe('loadSettings storage', () => {
  it('prefers the connection string, without checking the identity settings', () => {
    expect(
      load({
        AzureWebJobsStorage: ' DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k== ',
        AzureWebJobsStorage__blobServiceUri: 'not a url',
        AzureWebJobsStorage__clientId: 'not a guid',
      }).storage,
    ).toStrictEqual({
      kind: 'connectionString',
      connectionString: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k==',
    });
  });

  it('uses the identity-based blob service URI when there is no connection string', () => {
    expect(
      load({
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net/',
      }).storage,
    ).toStrictEqual({
      kind: 'identity',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      queueServiceUri: 'https://acct.queue.core.windows.net',
      clientId: undefined,
    });
  });

  it('takes the queue service URI of the identity-based connection when it is set', () => {
    expect(
      load({
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
        AzureWebJobsStorage__queueServiceUri: 'https://acct-queues.privatelink.example/',
      }).storage,
    ).toMatchObject({ kind: 'identity', queueServiceUri: 'https://acct-queues.privatelink.example' });
  });

  it('takes the storage identity client id, lower-cased', () => {
    expect(
      load({
        AzureWebJobsStorage: '',
        AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
        AzureWebJobsStorage__clientId: STORAGE_CLIENT.toUpperCase(),
      }).storage,
    ).toStrictEqual({
      kind: 'identity',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      queueServiceUri: 'https://acct.queue.core.windows.net',
      clientId: STORAGE_CLIENT,
    });
  });
});

describe('loadSettings output limits per target', () => {
  it.each<[string, number | undefined, string]>([
    ['blob', undefined, 'AzureWebJobsStorage'],
    ['eventhub', 1_000_000, 'EventHubConnection'],
    ['queue', 48_000, 'AzureWebJobsStorage'],
  ])('target %s defaults to a record limit of %p and connection %s', (target, maxRecordBytes, connection) => {
    const { output } = load({ output_target: target });
    expect(output.target).toBe(target);
    expect(output.maxRecordBytes).toBe(maxRecordBytes);
    expect(output.connection).toBe(connection);
  });

  it.each<[string, string, number]>([
    ['eventhub', '250000', 250_000],
    ['eventhub', '1024', 1024],
    ['eventhub', '1000000', 1_000_000],
    ['queue', '1024', 1024],
    ['queue', '48000', 48_000],
    ['queue', '30000', 30_000],
  ])('target %s accepts output_max_record_bytes %s', (target, value, expected) => {
    expect(load({ output_target: target, output_max_record_bytes: value }).output.maxRecordBytes).toBe(
      expected,
    );
  });

  it.each<[string, string, string]>([
    ['eventhub', '1023', notWhole('output_max_record_bytes', '1023', 1024, 1_000_000, 1_000_000)],
    ['eventhub', '1000001', notWhole('output_max_record_bytes', '1000001', 1024, 1_000_000, 1_000_000)],
    ['eventhub', '256KB', notWhole('output_max_record_bytes', '256KB', 1024, 1_000_000, 1_000_000)],
    ['queue', '48001', notWhole('output_max_record_bytes', '48001', 1024, 48_000, 48_000)],
    ['queue', '65536', notWhole('output_max_record_bytes', '65536', 1024, 48_000, 48_000)],
    ['queue', '0', notWhole('output_max_record_bytes', '0', 1024, 48_000, 48_000)],
  ])('target %s rejects output_max_record_bytes %s', (target, value, message) => {
    expect(() => load({ output_target: target, output_max_record_bytes: value })).toThrow(new Error(message));
  });

  it('ignores output_max_record_bytes for the blob target, which has no limit', () => {
    expect(
      load({ output_target: 'blob', output_max_record_bytes: '5000' }).output.maxRecordBytes,
    ).toBeUndefined();
  });

  it('uses an explicit output_connection for any target', () => {
    expect(load({ output_target: 'eventhub', output_connection: 'HubConn' }).output.connection).toBe(
      'HubConn',
    );
  });
});

describe('loadSettings result is deeply frozen', () => {
  function objectsIn(value: unknown, path = 'settings'): [string, object][] {
    if (value === null || typeof value !== 'object') return [];
    return [
      [path, value],
      ...Object.entries(value).flatMap(([key, child]) => objectsIn(child, `${path}.${key}`)),
    ];
  }

  it.each<[string, Record<string, string | undefined>]>([
    ['with defaults', {}],
    ['with a client secret', { client_id: CLIENT, client_secret: 's' }],
    [
      'with identity storage',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://a.blob.core.windows.net',
      },
    ],
  ])('freezes every nested object %s', (_name, overrides) => {
    const objects = objectsIn(load(overrides));
    expect(objects.map(([path]) => path)).toEqual(
      expect.arrayContaining([
        'settings.credential',
        'settings.cloud',
        'settings.storage',
        'settings.index',
        'settings.output',
        'settings.telemetry',
      ]),
    );
    expect(objects.filter(([, object]) => !Object.isFrozen(object)).map(([path]) => path)).toEqual([]);
  });

  it('throws on writes to nested values', () => {
    const settings = load({ client_id: CLIENT, client_secret: 's' });
    expect(() => {
      (settings.output as { target: string }).target = 'queue';
    }).toThrow(TypeError);
    expect(() => {
      (settings.credential as { clientSecret: string }).clientSecret = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (settings as { dedupeMode: string }).dedupeMode = 'id';
    }).toThrow(TypeError);
    expect(settings.output.target).toBe('blob');
    expect(settings.dedupeMode).toBe('content');
  });

  it('does not freeze or change the settings source', () => {
    const source = { ...BASE, dedupe_mode: 'ID' };
    load(source);
    expect(Object.isFrozen(source)).toBe(false);
    expect(source).toStrictEqual({ ...BASE, dedupe_mode: 'ID' });
  });
});

describe('loadSettings never puts the client secret into an error message', () => {
  const SECRET = 'Zq8~SECRET-VALUE.do_not_leak_7f3a';
  const bad: [string, Record<string, string | undefined>][] = [
    ['no tenant', { tenant_id: undefined }],
    ['bad tenant', { tenant_id: 'contoso' }],
    ['no subscription', { subscription_id: undefined }],
    ['path in subscription', { subscription_id: '../x' }],
    ['bad cloud', { azure_cloud: 'Mars' }],
    ['bad endpoint', { resource_manager_endpoint: 'http://x' }],
    ['bad authority', { authority_host: 'ftp://x' }],
    ['no storage', { AzureWebJobsStorage: undefined }],
    ['bad storage uri', { AzureWebJobsStorage: undefined, AzureWebJobsStorage__blobServiceUri: 'x' }],
    [
      'bad storage client id',
      {
        AzureWebJobsStorage: undefined,
        AzureWebJobsStorage__blobServiceUri: 'https://a.blob.core.windows.net',
        AzureWebJobsStorage__clientId: 'x',
      },
    ],
    ['bad index container', { index_container: 'X' }],
    ['bad index blob', { index_blob: '../x' }],
    ['bad dedupe mode', { dedupe_mode: 'x' }],
    ['bad record format', { record_format: 'x' }],
    ['bad alert limit', { max_alerts_per_run: '-1' }],
    ['bad output target', { output_target: 'x' }],
    ['bad output connection', { output_connection: 'a-b' }],
    ['bad output container', { output_blob_container: 'X' }],
    ['bad event hub name', { output_eventhub_name: '/x' }],
    ['bad queue name', { output_queue_name: 'X' }],
    ['bad record limit', { output_target: 'queue', output_max_record_bytes: '1' }],
  ];
  const clientIds: [string, string | undefined][] = [
    ['without client_id', undefined],
    ['with an invalid client_id', 'not-a-guid'],
    ['with a valid client_id', CLIENT],
  ];
  const secrets: [string, string][] = [
    ['a plain secret', SECRET],
    ['a secret padded with spaces', `  ${SECRET}\n`],
    ['a secret with quotes and a newline', `"${SECRET}"\nline2'`],
    ['a GUID-shaped secret', '0badc0de-5ec7-4e7a-b1ab-5ec7e7a1b1ab'],
  ];
  const cases = bad.flatMap(([badName, badOverrides]) =>
    clientIds.flatMap(([idName, clientId]) =>
      secrets.map(([secretName, secret]): [string, Record<string, string | undefined>, string] => [
        `${badName}, ${idName}, ${secretName}`,
        { ...badOverrides, client_id: clientId, client_secret: secret },
        secret,
      ]),
    ),
  );

  it.each(cases)('%s', (_name, overrides, secret) => {
    let message: string | undefined;
    try {
      load(overrides);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^((Missing|Invalid) setting '|\d+ settings need fixing: \(1\) )/);
    const core = secret.trim();
    expect(message).not.toContain(core);
    // Not even a recognisable part of it.
    expect(message).not.toContain(core.slice(0, 12));
    expect(message).not.toContain(core.slice(-12));
  });

  it('puts the secret nowhere in the message when it is the only problem', () => {
    expect(() => load({ client_secret: SECRET })).toThrow(new Error(SECRET_WITHOUT_ID));
    expect(SECRET_WITHOUT_ID).not.toContain(SECRET);
  });

  it('lists client_secret among the secret setting names', () => {
    expect(SECRET_SETTING_NAMES).toEqual(
      expect.arrayContaining([
        'client_secret',
        'AzureWebJobsStorage',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]),
    );
  });
});

describe('setting readers', () => {
  it('optionalSetting trims and maps blank to undefined', () => {
    expect(optionalSetting({ a: '  x  ' }, 'a')).toBe('x');
    expect(optionalSetting({ a: ' \t\n' }, 'a')).toBeUndefined();
    expect(optionalSetting({}, 'a')).toBeUndefined();
  });

  it('requiredSetting names the setting and gives the hint', () => {
    expect(() => requiredSetting({ a: ' ' }, 'a', 'Set it.')).toThrow(
      new Error(`Missing setting 'a': Set it.`),
    );
    expect(requiredSetting({ a: ' v ' }, 'a', 'Set it.')).toBe('v');
  });

  it('guidSetting returns undefined for an absent optional GUID', () => {
    expect(guidSetting({}, 'g', 'Hint.', false)).toBeUndefined();
  });

  it('choiceSetting returns the canonical spelling of a case-insensitive match', () => {
    expect(choiceSetting({ c: 'azurechinacloud' }, 'c', AZURE_CLOUD_NAMES, 'AzurePublicCloud')).toBe(
      'AzureChinaCloud',
    );
  });

  it('integerSetting returns the default when absent', () => {
    expect(integerSetting({}, 'n', { min: 1, max: 5 }, 3)).toBe(3);
  });

  it('httpsUrlSetting returns undefined when absent', () => {
    expect(httpsUrlSetting({}, 'u', 'https://example')).toBeUndefined();
  });

  it('storageNameSetting returns the default when absent, and undefined without a default', () => {
    expect(storageNameSetting({}, 'q', 'queue', 'alerts')).toBe('alerts');
    expect(storageNameSetting({}, 'q', 'queue', undefined)).toBeUndefined();
  });

  it('storageNameSetting checks the default too', () => {
    expect(() => storageNameSetting({}, 'q', 'queue', 'Bad_Default')).toThrow(
      new Error(badName('q', 'Bad_Default', CONTAINER_RULE)),
    );
  });

  it.each(['x\n/../../other-container/index', 'x\n//y', 'x\r\n..'])(
    'storageNameSetting refuses ".." or "//" after a line break in a blob name (%j)',
    (value) => {
      expect(() => storageNameSetting({ b: value }, 'b', 'blob', undefined)).toThrow(
        new Error(badName('b', value, BLOB_RULE)),
      );
    },
  );

  it('every setting name used in the tests is a known setting', () => {
    const used = [
      ...Object.keys(BASE),
      'client_id',
      'client_secret',
      'azure_cloud',
      'resource_manager_endpoint',
      'authority_host',
      'index_container',
      'index_blob',
      'dedupe_mode',
      'record_format',
      'max_alerts_per_run',
      'output_target',
      'output_connection',
      'output_blob_container',
      'output_eventhub_name',
      'output_queue_name',
      'output_max_record_bytes',
      'AzureWebJobsStorage__blobServiceUri',
      'AzureWebJobsStorage__clientId',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ];
    expect(Object.values(SETTING_NAMES)).toEqual(expect.arrayContaining(used));
  });
});

describe('loadSettings subscription selection', () => {
  const OTHER = '0f0e0d0c-0b0a-4908-8706-050403020100';
  it.each<[string, SettingsSource, CollectorSettings['subscriptions']]>([
    [
      'subscription_id alone, as always',
      {},
      { listed: [SUBSCRIPTION], allVisible: false, managementGroupId: undefined, excluded: [] },
    ],
    [
      'a list, merged with subscription_id without repeats, lower-cased',
      { subscription_ids: ` ${OTHER.toUpperCase()} ,${SUBSCRIPTION}` },
      { listed: [SUBSCRIPTION, OTHER], allVisible: false, managementGroupId: undefined, excluded: [] },
    ],
    [
      '* for every visible subscription, with exclusions',
      { subscription_id: undefined, subscription_ids: '*', exclude_subscription_ids: OTHER },
      { listed: [], allVisible: true, managementGroupId: undefined, excluded: [OTHER] },
    ],
    [
      'a management group alone',
      { subscription_id: undefined, management_group_id: 'contoso-prod(eu).1' },
      { listed: [], allVisible: false, managementGroupId: 'contoso-prod(eu).1', excluded: [] },
    ],
  ])('%s', (_case, overrides, selection) => {
    expect(load(overrides).subscriptions).toStrictEqual(selection);
  });

  it('takes max_concurrent_subscriptions from 1 to 256, default 8', () => {
    expect(load({}).maxConcurrentSubscriptions).toBe(8);
    expect(load({ max_concurrent_subscriptions: '32' }).maxConcurrentSubscriptions).toBe(32);
    expect(() => load({ max_concurrent_subscriptions: '0' })).toThrow(
      'Invalid setting \'max_concurrent_subscriptions\': "0" is not a whole number from 1 to 256. Remove it to use 8.',
    );
  });
});

describe('loadSettings reports every problem at once', () => {
  it('names each bad setting in one message, numbered', () => {
    expect(() => load({ tenant_id: '123', dedupe_mode: 'hash', max_alerts_per_run: '0' })).toThrow(
      new Error(
        '3 settings need fixing: ' +
          `(1) ${notGuid('tenant_id', '123', HINT.tenant)} ` +
          "(2) Invalid setting 'dedupe_mode': \"hash\" is not one of 'content', 'id'. Remove it to use 'content'. " +
          `(3) ${notWhole('max_alerts_per_run', '0', 1, 1_000_000, 10_000)}`,
      ),
    );
  });

  it('checks cron when it is set, as the function would, though the local runner needs none', () => {
    expect(() => load({ cron: '0 */1 * * * * *' })).toThrow(/^Invalid setting 'cron'/);
    expect(load({ cron: '0 */1 * * *' }).tenantId).toBe(TENANT);
    expect(load({ cron: undefined }).tenantId).toBe(TENANT);
  });
});

describe('loadSettings refuses Key Vault references that App Service could not resolve', () => {
  const REFERENCE =
    '@Microsoft.KeyVault(SecretUri=https://kv-collector.vault.azure.net/secrets/client-secret/)';

  function failure(overrides: Record<string, string | undefined>): string {
    try {
      load(overrides);
    } catch (error) {
      return (error as Error).message;
    }
    return 'the settings loaded';
  }

  it('names the setting and the likely cause instead of using the reference as a client secret', () => {
    const message = failure({ client_id: CLIENT, client_secret: REFERENCE });
    expect(message).toMatch(
      /^Setting 'client_secret' is a Key Vault reference that App Service could not resolve/,
    );
    expect(message).toContain("'Key Vault Secrets User' role");
    expect(message).toContain('has not propagated yet');
    expect(message).not.toContain('kv-collector');
  });

  it('reports a required setting only as an unresolved reference, not also as missing', () => {
    const message = failure({
      AzureWebJobsStorage: `  ${REFERENCE.replace('Microsoft.KeyVault', 'microsoft.keyvault')}`,
    });
    expect(message).toMatch(/^Setting 'AzureWebJobsStorage' is a Key Vault reference/);
    expect(message).not.toContain('Missing');
  });

  it('reports references beside the other problems, and in settings the host reads for a binding', () => {
    const message = failure({ tenant_id: REFERENCE, EventHubConnection: REFERENCE, dedupe_mode: 'hash' });
    expect(message).toMatch(
      /^3 settings need fixing: \(1\) Setting 'EventHubConnection' is a Key Vault reference .* \(2\) Setting 'tenant_id' is a Key Vault reference .* \(3\) Invalid setting 'dedupe_mode'/,
    );
    expect(message).not.toContain('GUID');
  });
});
