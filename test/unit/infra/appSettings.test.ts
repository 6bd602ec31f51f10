import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_NAMES } from '../../../src/config/settingNames';
import { appSettings, readInfra, REPO_ROOT, stringLiterals, variableValue } from '../../support/bicep';

/**
 * The app settings of infra/app/functionApp.bicep against src/config/settingNames.ts, the single list of the settings
 * the code reads, and against the two other places that list them: local.settings.sample.json and the README.
 */
const functionApp = readInfra('app/functionApp.bicep');
const deployed = appSettings(functionApp);
const deployedNames = deployed.map((s) => s.name);
const codeSettings: string[] = Object.values(SETTING_NAMES);

/** Read by the code, deliberately not set by the deployment. */
const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  [SETTING_NAMES.storageConnection]:
    'a connection string needs shared keys, which are off; the identity-based AzureWebJobsStorage__* settings replace it',
  [SETTING_NAMES.resourceManagerEndpoint]:
    'follows from azure_cloud; set only for Azure Stack or the local emulator',
  [SETTING_NAMES.authorityHost]: 'follows from azure_cloud; set only for Azure Stack or the local emulator',
  [SETTING_NAMES.indexBlob]: 'defaults to <subscription_id>.index, which is what a deployment wants',
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

/** The connection names the output_connection setting can take, e.g. EventHubConnection, AzureWebJobsStorage. */
function outputConnectionNames(): string[] {
  const value = deployed.find((s) => s.name === SETTING_NAMES.outputConnection)?.value ?? '';
  const expression = /^\w+$/.test(value) ? (variableValue(functionApp, value) ?? value) : value;
  return stringLiterals(expression).filter((literal) => !['blob', 'eventhub', 'queue'].includes(literal));
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

  it('set each setting once per output target', () => {
    const duplicates = deployedNames.filter((name, index) => deployedNames.indexOf(name) !== index);
    expect(duplicates).toEqual([]);
  });

  it('point output_connection at EventHubConnection or AzureWebJobsStorage, whose identity settings exist', () => {
    expect(outputConnectionNames().sort()).toEqual(['AzureWebJobsStorage', 'EventHubConnection']);
    const eventHubSettings = deployedNames.filter((name) => name.startsWith('EventHubConnection__')).sort();
    expect(eventHubSettings).toEqual([
      'EventHubConnection__clientId',
      'EventHubConnection__credential',
      'EventHubConnection__fullyQualifiedNamespace',
    ]);
  });

  it('connect to storage with the managed identity, not a key', () => {
    const value = (name: string) => deployed.find((s) => s.name === name)?.value;
    expect(value('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(value('AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(value('EventHubConnection__credential')).toBe("'managedidentity'");
    expect(value('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
      "'ClientId=${identityClientId};Authorization=AAD'",
    );
  });

  it('read the client secret only through a Key Vault reference', () => {
    expect(deployed.find((s) => s.name === SETTING_NAMES.clientSecret)?.value).toBe(
      "'@Microsoft.KeyVault(SecretUri=${clientCredentialUri})'",
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
