import {
  armStringLiteral,
  callArguments,
  compiledTemplate,
  modulesOf,
  stringsIn,
  type ArmParameter,
  type ArmTemplate,
} from '../../support/bicep';
import { onlyResource, resourcesOfType, snapshotOf } from './scenarios';

const main = compiledTemplate();

/** main.bicep and every module it uses, named as in the test messages. */
const templates: { readonly name: string; readonly template: ArmTemplate }[] = [
  { name: 'main', template: main },
  ...modulesOf(main).map((m) => ({ name: m.path, template: m.template })),
];

/** `key: value` pairs that an object does not hold exactly. */
function unmet(properties: Record<string, unknown> | undefined, expected: Readonly<Record<string, unknown>>) {
  return Object.entries(expected)
    .filter(([key, value]) => properties?.[key] !== value)
    .map(([key, value]) => `${key}: ${String(value)} (found: ${String(properties?.[key])})`);
}

describe('resources refuse keys and weak transport', () => {
  it('the storage account allows no shared key, no public blob, no plain HTTP and nothing below TLS 1.2', () => {
    const storage = onlyResource(snapshotOf('blob'), 'Microsoft.Storage/storageAccounts');
    expect(
      unmet(storage.properties, {
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
      }),
    ).toEqual([]);
  });

  it('blob containers are private', () => {
    const containers = resourcesOfType(
      snapshotOf('blob'),
      'Microsoft.Storage/storageAccounts/blobServices/containers',
    );
    expect(containers).toHaveLength(5);
    expect(containers.flatMap((c) => unmet(c.properties, { publicAccess: 'None' }))).toEqual([]);
  });

  it('Event Grid delivers and dead-letters with its system-assigned identity only: no key, no SAS, no webhook', () => {
    const subscriptions = resourcesOfType(
      snapshotOf('blob'),
      'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    );
    expect(subscriptions).toHaveLength(1);
    const properties = subscriptions[0]!.properties ?? {};
    // destination and deadLetterDestination are the forms without an identity (keys or a webhook URL).
    expect([properties.destination, properties.deadLetterDestination]).toEqual([undefined, undefined]);
    expect(properties).toMatchObject({
      deliveryWithResourceIdentity: { identity: { type: 'SystemAssigned' } },
      deadLetterWithResourceIdentity: { identity: { type: 'SystemAssigned' } },
    });
    const text = JSON.stringify(properties);
    expect(
      [/WebHook/i, /endpointUrl/i, /SharedAccess/i, /[?&]sig=/]
        .filter((pattern) => pattern.test(text))
        .map(String),
    ).toEqual([]);
  });

  it('Application Insights refuses instrumentation-key ingestion', () => {
    const component = onlyResource(snapshotOf('blob'), 'Microsoft.Insights/components');
    expect(unmet(component.properties, { DisableLocalAuth: true })).toEqual([]);
  });

  it('a new Event Hubs namespace refuses SAS keys', () => {
    const namespace = onlyResource(snapshotOf('newEventHub'), 'Microsoft.EventHub/namespaces');
    expect(unmet(namespace.properties, { disableLocalAuth: true, minimumTlsVersion: '1.2' })).toEqual([]);
  });

  it('the Key Vault authorizes with RBAC and keeps deleted secrets under purge protection', () => {
    const vault = onlyResource(snapshotOf('appRegistration'), 'Microsoft.KeyVault/vaults');
    expect(
      unmet(vault.properties, {
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      }),
    ).toEqual([]);
  });

  it('the Function App is HTTPS only and resolves Key Vault references with its user-assigned identity', () => {
    const snapshot = snapshotOf('blob');
    const site = onlyResource(snapshot, 'Microsoft.Web/sites');
    const identityId = onlyResource(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities').id;
    expect(unmet(site.properties, { httpsOnly: true, keyVaultReferenceIdentity: identityId })).toEqual([]);
    expect(unmet(site.identity, { type: 'UserAssigned' })).toEqual([]);
    expect(unmet(site.properties?.siteConfig as Record<string, unknown>, { minTlsVersion: '1.2' })).toEqual(
      [],
    );
  });

  it('the Function App refuses basic (user name and password) authentication to its FTP and SCM endpoints', () => {
    const snapshot = snapshotOf('blob');
    const site = onlyResource(snapshot, 'Microsoft.Web/sites');
    const policies = resourcesOfType(snapshot, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((p) => [p.name, p.properties])).toEqual([
      [`${site.name}/ftp`, { allow: false }],
      [`${site.name}/scm`, { allow: false }],
    ]);
    expect(unmet(site.properties?.siteConfig as Record<string, unknown>, { ftpsState: 'Disabled' })).toEqual(
      [],
    );
  });

  it('no template writes a key, a connection string or a SAS', () => {
    const text = stringsIn(main).join('\n');
    const leaks = [
      /listKeys\(/,
      /listConnectionStrings\(/,
      /listAccountSas\(/,
      /listServiceSas\(/,
      /AccountKey=/,
      /SharedAccessKey/,
    ].filter((pattern) => pattern.test(text));
    expect(leaks.map((pattern) => pattern.source)).toEqual([]);
  });
});

describe('parameters', () => {
  const params = templates.flatMap(({ name, template }) =>
    Object.entries(template.parameters ?? {}).map(([param, declaration]: [string, ArmParameter]) => ({
      where: `${name} ${param}`,
      description: declaration.metadata?.description,
      optional: declaration.defaultValue !== undefined || declaration.nullable === true,
      secure: declaration.type.toLowerCase().startsWith('secure'),
      hasDefault: declaration.defaultValue !== undefined,
    })),
  );

  it('every parameter has a description starting with Required. or Optional.', () => {
    const bad = params
      .filter((p) => !/^(Required|Optional)\. \S/.test(p.description ?? ''))
      .map((p) => `${p.where}: ${p.description ?? 'no @description'}`);
    expect(bad).toEqual([]);
  });

  it('a parameter marked Optional. has a default or is nullable, one marked Required. has neither', () => {
    const bad = params
      .filter((p) => p.description?.startsWith('Optional.') !== p.optional)
      .map((p) => `${p.where}: "${p.description}" (${p.optional ? 'optional' : 'required'})`);
    expect(bad).toEqual([]);
  });

  it('no @secure() parameter has a default value', () => {
    const secure = params.filter((p) => p.secure);
    expect(secure.map((p) => p.where)).toEqual(['main clientSecret', 'keyVault clientSecret']);
    expect(secure.filter((p) => p.hasDefault).map((p) => p.where)).toEqual([]);
  });

  it('a secret passes from main.bicep to modules only into @secure() parameters', () => {
    const secureParameters = new Set(params.filter((p) => p.secure).map((p) => p.where));
    const unsafe = modulesOf(main).flatMap(({ path, deployment }) =>
      Object.entries((deployment.properties?.parameters ?? {}) as Record<string, unknown>)
        .filter(([, value]) => JSON.stringify(value).includes("parameters('clientSecret')"))
        .map(([name]) => `${path} ${name}`)
        .filter((where) => !secureParameters.has(where)),
    );
    expect(unsafe).toEqual([]);
  });

  it('main.bicep stops invalid combinations with fail() and a message that says how to fix them', () => {
    const messages = stringsIn(main.variables).flatMap((expression) => {
      const failures: string[] = [];
      for (let rest = expression; ;) {
        const args = callArguments(rest, 'fail');
        if (!args) return failures;
        const message = args[0]!;
        // fail('text') or fail(format('text with {0}', ...)).
        const literal = armStringLiteral(callArguments(message, 'format')?.[0] ?? message);
        if (literal !== undefined) failures.push(literal);
        rest = rest.slice(rest.indexOf('fail(') + 'fail('.length);
      }
    });
    const expectations = [
      /^existingEventHubResourceId is set but outputTarget is .* Set outputTarget to/,
      /^clientSecret is set but clientId is empty\. Set clientId/,
      /^clientId is set but clientSecret is empty\. Set clientSecret/,
      /^clientSecret is set, so Security Reader goes to the app registration, but clientPrincipalObjectId is empty\./,
      /^clientPrincipalObjectId is set but clientSecret is empty\./,
      /^Both alertActionGroupResourceId and alertEmail are set\. Set one/,
      /^existingEventHubResourceId .* is not an Event Hub resource ID\. Expected \/subscriptions\//,
      /^outputMaxRecordBytes is .*, outside 1024 to .* Set a value in that range, or 0/,
      /^virtualNetworkAddressPrefix .* is smaller than \/23\. Give an address space of \/23 or larger/,
    ];
    expect(expectations.filter((pattern) => !messages.some((m) => pattern.test(m))).map(String)).toEqual([]);
  });
});
