import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_NAMES } from '../../../src/config/settingNames';
import {
  compiledTemplate,
  moduleAt,
  REPO_ROOT,
  stringsIn,
  type DeploymentSnapshot,
} from '../../support/bicep';
import { EXISTING_EVENT_HUB_ID, onlyResource, snapshotOf, type ScenarioName } from './scenarios';

/**
 * The app settings of the Function App (infra/app/functionApp.bicep, compiled) against src/config/settingNames.ts,
 * the single list of the settings the code reads, and against the two other places that list them:
 * local.settings.sample.json and the README.
 */
const functionApp = moduleAt(compiledTemplate(), 'functionApp');

/**
 * Every setting the compiled Function App can set, whatever the parameters: the `{ name, value }` objects of its
 * variables and the `createObject('name', '<setting>', 'value', ...)` calls that Bicep writes for the rest.
 */
const deployedNames = [
  ...new Set([
    ...Object.values(functionApp.template.variables ?? {})
      .filter(Array.isArray)
      .flatMap((items: unknown[]) => items.map((item) => (item as { name?: unknown }).name))
      .filter((name): name is string => typeof name === 'string'),
    ...stringsIn(functionApp.template).flatMap((text) =>
      [...text.matchAll(/createObject\('name', '([^']+)', 'value'/g)].map((m) => m[1]!),
    ),
  ]),
];
const codeSettings: string[] = Object.values(SETTING_NAMES);

/** Scenarios whose settings the snapshot evaluates to a list (with a client secret they stay one expression). */
const TARGET_SCENARIOS: readonly ScenarioName[] = ['blob', 'queue', 'newEventHub', 'existingEventHub'];

interface AppSetting {
  readonly name: string;
  readonly value: unknown;
}

function settingsOf(snapshot: DeploymentSnapshot): AppSetting[] {
  const site = onlyResource(snapshot, 'Microsoft.Web/sites');
  const settings = (site.properties?.siteConfig as { appSettings?: unknown } | undefined)?.appSettings;
  if (!Array.isArray(settings)) throw new Error(`app settings not evaluated: ${JSON.stringify(settings)}`);
  return settings as AppSetting[];
}

const settingValue = (scenario: ScenarioName, name: string) =>
  settingsOf(snapshotOf(scenario)).find((s) => s.name === name)?.value;

/** Read by the code, deliberately not set by the deployment. */
const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  [SETTING_NAMES.storageConnection]:
    'a connection string needs shared keys, which are off; the identity-based AzureWebJobsStorage__* settings replace it',
  [SETTING_NAMES.resourceManagerEndpoint]:
    'follows from azure_cloud; set only for Azure Stack or the local emulator',
  [SETTING_NAMES.authorityHost]: 'follows from azure_cloud; set only for Azure Stack or the local emulator',
  [SETTING_NAMES.indexBlob]: 'defaults to <subscription_id>.index, which is what a deployment wants',
  [SETTING_NAMES.minSeverity]:
    'an optional filter: set it in the app configuration when wanted; a deployment delivers every alert',
  [SETTING_NAMES.statuses]: 'an optional filter, as min_severity',
  [SETTING_NAMES.alertTypes]: 'an optional filter, as min_severity',
  [SETTING_NAMES.excludeAlertTypes]: 'an optional filter, as min_severity',
  [SETTING_NAMES.includeIncidents]: 'an optional filter, as min_severity',
  [SETTING_NAMES.maxPagesPerListing]:
    'a safety limit whose default suits every subscription; raise it locally if needed',
  [SETTING_NAMES.maxConcurrentSubscriptions]:
    "the local runner's; in Azure, workers fan out across instances (host.json and the instance cap)",
};

/**
 * Set by the deployment although the collector's code never reads them: the Functions host does. Prefixes, because
 * identity-based connections are families of `<connection>__<property>` settings.
 */
const HOST_SETTING_PREFIXES: Readonly<Record<string, string>> = {
  FUNCTIONS_:
    'host runtime settings (Flex Consumption keeps the runtime in functionAppConfig, so none are expected)',
  AzureWebJobsStorage__: 'identity-based connection of the host storage: service URIs, credential, clientId',
  APPLICATIONINSIGHTS_: "read by the host's Application Insights integration",
};

/** Locally the storage connection is an Azurite connection string and there is no managed identity. */
const AZURE_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  [SETTING_NAMES.storageBlobServiceUri]:
    'identity-based; locally AzureWebJobsStorage holds a connection string',
  [SETTING_NAMES.storageClientId]: 'identity-based; locally AzureWebJobsStorage holds a connection string',
  [SETTING_NAMES.appInsightsAuthenticationString]: 'Entra ID ingestion with the managed identity',
  [SETTING_NAMES.appInsightsConnectionString]: 'telemetry is optional when running locally',
};

/** The connection names the output_connection setting takes over the output targets. */
function outputConnectionNames(): string[] {
  return [
    ...new Set(TARGET_SCENARIOS.map((scenario) => String(settingValue(scenario, 'output_connection')))),
  ];
}

/** Setting names in the first column of the README's markdown tables, written in backticks. */
function readmeTableSettings(readme: string): Set<string> {
  return new Set(
    readme
      .split('\n')
      .map((line) => /^\s*\|\s*`([^`]+)`/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined),
  );
}

describe('app settings of the Function App', () => {
  it('set every setting the code reads, except those left unset on purpose', () => {
    const missing = codeSettings.filter(
      (name) => !(name in NOT_SET_IN_AZURE) && !deployedNames.includes(name),
    );
    expect(missing).toEqual([]);
  });

  it('leave unset the settings listed as not set in Azure', () => {
    expect(deployedNames.filter((name) => name in NOT_SET_IN_AZURE)).toEqual([]);
  });

  it('set nothing the code does not read, apart from settings the Functions host reads', () => {
    const hostPrefixes = [
      ...Object.keys(HOST_SETTING_PREFIXES),
      ...outputConnectionNames().map((c) => `${c}__`),
    ];
    const unknown = deployedNames.filter(
      (name) => !codeSettings.includes(name) && !hostPrefixes.some((prefix) => name.startsWith(prefix)),
    );
    expect(unknown).toEqual([]);
  });

  it.each(TARGET_SCENARIOS)('set each setting once (%s)', (scenario) => {
    const names = settingsOf(snapshotOf(scenario)).map((s) => s.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('point output_connection at EventHubConnection or AzureWebJobsStorage, whose identity settings exist', () => {
    expect(outputConnectionNames().sort()).toEqual(['AzureWebJobsStorage', 'EventHubConnection']);
    const eventHubSettings = settingsOf(snapshotOf('newEventHub'))
      .map((s) => s.name)
      .filter((name) => name.startsWith('EventHubConnection__'))
      .sort();
    expect(eventHubSettings).toEqual([
      'EventHubConnection__clientId',
      'EventHubConnection__credential',
      'EventHubConnection__fullyQualifiedNamespace',
    ]);
  });

  it.each(TARGET_SCENARIOS)(
    'set the outbox, the work and forward queues and both storage service URIs whatever the target (%s)',
    (scenario) => {
      const storageId = onlyResource(snapshotOf(scenario), 'Microsoft.Storage/storageAccounts').id;
      const endpoint = (service: string) =>
        `[reference('${storageId}', '2026-09-01').primaryEndpoints.${service}]`;
      const value = (name: string) => settingValue(scenario, name);
      expect({
        outbox: value(SETTING_NAMES.outboxContainer),
        work: value(SETTING_NAMES.workQueue),
        forward: value(SETTING_NAMES.forwardQueue),
        blobServiceUri: value(SETTING_NAMES.storageBlobServiceUri),
        queueServiceUri: value(SETTING_NAMES.storageQueueServiceUri),
      }).toEqual({
        outbox: 'defender-alerts-outbox',
        work: 'defender-alerts-work',
        forward: 'defender-alerts-forward',
        blobServiceUri: endpoint('blob'),
        queueServiceUri: endpoint('queue'),
      });
    },
  );

  it('set the output settings of the chosen target only', () => {
    const outputSettings = (scenario: ScenarioName) =>
      settingsOf(snapshotOf(scenario))
        .filter((s) => /^(output_|EventHubConnection__)/.test(s.name))
        .map((s) => `${s.name}=${String(s.value).startsWith('[') ? '<expression>' : String(s.value)}`);
    expect(outputSettings('blob')).toEqual([
      'output_target=blob',
      'output_connection=AzureWebJobsStorage',
      'output_blob_container=defender-alerts',
    ]);
    expect(outputSettings('queue')).toEqual([
      'output_target=queue',
      'output_connection=AzureWebJobsStorage',
      'output_queue_name=defender-alerts',
    ]);
    expect(outputSettings('existingEventHub')).toEqual([
      'output_target=eventhub',
      'output_connection=EventHubConnection',
      'EventHubConnection__fullyQualifiedNamespace=<expression>',
      'EventHubConnection__credential=managedidentity',
      'EventHubConnection__clientId=<expression>',
      `output_eventhub_name=${EXISTING_EVENT_HUB_ID.split('/').pop()}`,
    ]);
  });

  it('connect to storage, Event Hubs and Application Insights with the managed identity, not a key', () => {
    const identityId = onlyResource(
      snapshotOf('newEventHub'),
      'Microsoft.ManagedIdentity/userAssignedIdentities',
    ).id;
    const clientIdOfIdentity = new RegExp(`^reference\\('${identityId}', '[\\d-]+'\\)\\.clientId$`);
    const value = (name: string) => String(settingValue('newEventHub', name));
    expect(value('AzureWebJobsStorage__credential')).toBe('managedidentity');
    expect(value('AzureWebJobsStorage__clientId').slice(1, -1)).toMatch(clientIdOfIdentity);
    expect(value('EventHubConnection__credential')).toBe('managedidentity');
    expect(value('EventHubConnection__clientId').slice(1, -1)).toMatch(clientIdOfIdentity);
    const authentication = /^\[format\('ClientId=\{0\};Authorization=AAD', (.*)\)\]$/.exec(
      value('APPLICATIONINSIGHTS_AUTHENTICATION_STRING'),
    );
    expect(authentication?.[1]).toMatch(clientIdOfIdentity);
  });

  it('read the client secret only through a Key Vault reference to the secret of the new vault', () => {
    expect(functionApp.template.variables?.clientSecretSettings).toBe(
      "[if(empty(parameters('clientCredentialUri')), createArray(), createArray(createObject('name', 'client_secret', 'value', format('@Microsoft.KeyVault(SecretUri={0})', parameters('clientCredentialUri')))))]",
    );
    expect(functionApp.deployment.properties?.parameters).toMatchObject({
      clientCredentialUri:
        "[if(variables('useClientSecret'), createObject('value', reference('keyVault').outputs.clientCredentialUri.value), createObject('value', ''))]",
    });
    expect(moduleAt(compiledTemplate(), 'keyVault').template.outputs?.clientCredentialUri?.value).toMatch(
      /^\[reference\(resourceId\('Microsoft\.KeyVault\/vaults\/secrets', parameters\('name'\), 'client-secret'\), '[\d-]+'\)\.secretUri\]$/,
    );
  });
});

describe('the settings the deployment sets are documented for local runs and in the README', () => {
  const documentedSettings = deployedNames.filter((name) => codeSettings.includes(name));

  it('appear in local.settings.sample.json Values, with AzureWebJobsStorage in place of its identity settings', () => {
    const samplePath = join(REPO_ROOT, 'local.settings.sample.json');
    if (!existsSync(samplePath)) {
      throw new Error(
        'local.settings.sample.json is missing at the repository root: it must list under "Values" every setting ' +
          `the deployment sets: ${documentedSettings.filter((n) => !(n in AZURE_ONLY_SETTINGS)).join(', ')}, ` +
          `and ${SETTING_NAMES.storageConnection}.`,
      );
    }
    const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as { Values?: Record<string, unknown> };
    const values = Object.keys(sample.Values ?? {});
    const expected = [
      ...documentedSettings.filter((name) => !(name in AZURE_ONLY_SETTINGS)),
      SETTING_NAMES.storageConnection,
    ];
    expect(expected.filter((name) => !values.includes(name))).toEqual([]);
  });

  it("appear in the README's configuration table, as every setting the code reads does", () => {
    const readmePath = join(REPO_ROOT, 'README.md');
    if (!existsSync(readmePath)) {
      throw new Error(
        'README.md is missing at the repository root: its configuration table (first column: the setting name in ' +
          `backticks) must list ${codeSettings.join(', ')}.`,
      );
    }
    const documented = readmeTableSettings(readFileSync(readmePath, 'utf8'));
    expect(codeSettings.filter((name) => !documented.has(name))).toEqual([]);
  });
});
