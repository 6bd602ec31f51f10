import {
  allInfraFiles,
  propertyValues,
  readInfra,
  resourcesOfType,
  type BicepDeclaration,
  type BicepFile,
} from '../../support/bicep';

const files = allInfraFiles();

/** The only resource of `type` in `file`, or a failure naming what is missing. */
function onlyResource(file: BicepFile, type: string): BicepDeclaration {
  const found = resourcesOfType(file, type);
  if (found.length !== 1)
    throw new Error(`${file.path}: expected one ${type} resource, found ${found.length}`);
  return found[0]!;
}

/** `key: expected` pairs that the body does not contain exactly. */
function unmet(body: string, expected: Readonly<Record<string, string>>): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => !propertyValues(body, key).includes(value))
    .map(([key, value]) => `${key}: ${value} (found: ${propertyValues(body, key).join(' | ') || 'nothing'})`);
}

describe('resources refuse keys and weak transport', () => {
  it('the storage account allows no shared key, no public blob, no plain HTTP and nothing below TLS 1.2', () => {
    const storage = onlyResource(readInfra('app/storage.bicep'), 'Microsoft.Storage/storageAccounts');
    expect(
      unmet(storage.body, {
        allowSharedKeyAccess: 'false',
        allowBlobPublicAccess: 'false',
        supportsHttpsTrafficOnly: 'true',
        minimumTlsVersion: "'TLS1_2'",
      }),
    ).toEqual([]);
  });

  it('blob containers are private', () => {
    const containers = onlyResource(
      readInfra('app/storage.bicep'),
      'Microsoft.Storage/storageAccounts/blobServices/containers',
    );
    expect(unmet(containers.body, { publicAccess: "'None'" })).toEqual([]);
  });

  it('Application Insights refuses instrumentation-key ingestion', () => {
    const component = onlyResource(readInfra('app/monitoring.bicep'), 'Microsoft.Insights/components');
    expect(unmet(component.body, { DisableLocalAuth: 'true' })).toEqual([]);
  });

  it('a new Event Hubs namespace refuses SAS keys', () => {
    const namespace = onlyResource(readInfra('app/eventhub.bicep'), 'Microsoft.EventHub/namespaces');
    expect(unmet(namespace.body, { disableLocalAuth: 'true', minimumTlsVersion: "'1.2'" })).toEqual([]);
  });

  it('the Key Vault authorizes with RBAC and keeps deleted secrets under purge protection', () => {
    const vault = onlyResource(readInfra('app/keyvault.bicep'), 'Microsoft.KeyVault/vaults');
    expect(
      unmet(vault.body, {
        enableRbacAuthorization: 'true',
        enableSoftDelete: 'true',
        enablePurgeProtection: 'true',
      }),
    ).toEqual([]);
  });

  it('the Function App is HTTPS only and resolves Key Vault references with its user-assigned identity', () => {
    const site = onlyResource(readInfra('app/functionApp.bicep'), 'Microsoft.Web/sites');
    expect(
      unmet(site.body, {
        httpsOnly: 'true',
        keyVaultReferenceIdentity: 'identityResourceId',
        type: "'UserAssigned'",
        minTlsVersion: "'1.2'",
      }),
    ).toEqual([]);
  });

  it('no template writes a key, a connection string or a SAS', () => {
    const leaks = files.flatMap((file) =>
      [
        /listKeys\(/,
        /listConnectionStrings\(/,
        /listAccountSas\(/,
        /listServiceSas\(/,
        /AccountKey=/,
        /SharedAccessKey/,
      ]
        .filter((pattern) => pattern.test(file.code))
        .map((pattern) => `${file.path}: ${pattern.source}`),
    );
    expect(leaks).toEqual([]);
  });
});

describe('parameters', () => {
  const params = files.flatMap((file) => file.params.map((param) => ({ file: file.path, ...param })));

  it('every parameter has a description starting with Required. or Optional.', () => {
    const bad = params
      .filter((p) => !/^(Required|Optional)\. \S/.test(p.description ?? ''))
      .map((p) => `${p.file} ${p.name}: ${p.description ?? 'no @description'}`);
    expect(bad).toEqual([]);
  });

  it('a parameter marked Optional. has a default or is nullable, one marked Required. has neither', () => {
    const bad = params
      .filter((p) => {
        const optional = p.defaultValue !== undefined || p.type.endsWith('?');
        return p.description?.startsWith('Optional.') !== optional;
      })
      .map(
        (p) => `${p.file} ${p.name}: "${p.description}" with default ${p.defaultValue ?? 'none'} (${p.type})`,
      );
    expect(bad).toEqual([]);
  });

  it('no @secure() parameter has a default value', () => {
    const secure = params.filter((p) => p.secure);
    expect(secure.map((p) => `${p.file} ${p.name}`)).toEqual([
      'app/keyvault.bicep clientSecret',
      'main.bicep clientSecret',
    ]);
    expect(secure.filter((p) => p.defaultValue !== undefined).map((p) => `${p.file} ${p.name}`)).toEqual([]);
  });

  it('a secret passes from main.bicep to modules only into @secure() parameters', () => {
    const secureInputs = new Map(
      files.map((file) => [file.path, new Set(file.params.filter((p) => p.secure).map((p) => p.name))]),
    );
    const main = readInfra('main.bicep');
    const unsafe = main.declarations
      .filter((d) => d.kind === 'module' && /\bclientSecret\b/.test(d.body))
      .flatMap((module) =>
        [...module.body.matchAll(/^\s*(\w+):.*\bclientSecret\b/gm)]
          .map((m) => m[1]!)
          .filter((name) => !secureInputs.get(module.target)?.has(name))
          .map((name) => `${module.symbol}.${name}`),
      );
    expect(unsafe).toEqual([]);
  });

  it('main.bicep stops invalid combinations with fail() and a message that says how to fix them', () => {
    const main = readInfra('main.bicep');
    const messages = [...main.code.matchAll(/fail\('((?:[^'\\]|\\.)*)'\)/g)].map((m) => m[1]!);
    const expectations = [
      /^existingEventHubResourceId is set but outputTarget is .* Set outputTarget to/,
      /^clientSecret is set but clientId is empty\. Set clientId/,
      /^clientId is set but clientSecret is empty\. Set clientSecret/,
      /^clientSecret is set, so Security Reader goes to the app registration, but clientPrincipalObjectId is empty\./,
      /^clientPrincipalObjectId is set but clientSecret is empty\./,
      /^Both alertActionGroupResourceId and alertEmail are set\. Set one/,
      /^existingEventHubResourceId .* is not an Event Hub resource ID\. Expected \/subscriptions\//,
      /^outputMaxRecordBytes is .*, outside 1024 to .* Set a value in that range, or 0/,
    ];
    expect(expectations.filter((pattern) => !messages.some((m) => pattern.test(m))).map(String)).toEqual([]);
  });
});
