import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compiledTemplate,
  INFRA_DIR,
  modulesOf,
  REPO_ROOT,
  resourcesOf,
  SNAPSHOT_CONTEXT,
} from '../../support/bicep';
import { OUTBOX_BATCH_PREFIX } from '../../../src/delivery/outboxBatch';
import { poisonQueueName } from '../../../src/delivery/poisonQueues';
import { onlyResource, RESOURCE_GROUP_ID, resourcesOfType, snapshotOf, type ScenarioName } from './scenarios';

const main = compiledTemplate();
const mainParameters = main.parameters ?? {};

describe('the azd project', () => {
  const azureYaml = readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8');

  it('deploys this folder as the TypeScript function service collector', () => {
    expect(azureYaml).toMatch(
      /^services:\n {2}collector:\n {4}project: \.\n {4}language: ts\n {4}host: function\n/m,
    );
  });

  it('tags the Function App with the service name azd deploys to', () => {
    expect(onlyResource(snapshotOf('blob'), 'Microsoft.Web/sites').tags).toMatchObject({
      'azd-service-name': 'collector',
    });
  });

  it('builds the package remotely, which azd accepts only while .funcignore excludes node_modules', () => {
    expect(azureYaml).toMatch(/^ {4}host: function\n(?: {4}#.*\n)* {4}remoteBuild: true\n/m);
    const funcignore = readFileSync(join(REPO_ROOT, '.funcignore'), 'utf8').split('\n');
    expect(funcignore).toContain('node_modules');
  });

  it('requires azd 1.14 or later: optional secure parameters left unset, and Bicep with fail()', () => {
    expect(azureYaml).toMatch(/^requiredVersions:\n {2}azd: '>= 1\.14\.0'\n/m);
  });

  const parametersFile = JSON.parse(readFileSync(join(INFRA_DIR, 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, { value: unknown }>;
  };

  it('maps every entry of main.parameters.json to a parameter of main.bicep', () => {
    const file = parametersFile;
    const declared = Object.keys(mainParameters);
    expect(Object.keys(file.parameters).filter((name) => !declared.includes(name))).toEqual([]);
    expect(file.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(file.parameters.location?.value).toBe('${AZURE_LOCATION}');
    const required = declared.filter(
      (name) => mainParameters[name]?.defaultValue === undefined && mainParameters[name]?.nullable !== true,
    );
    expect(required.filter((name) => !(name in file.parameters))).toEqual([]);
    // Every parameter can be set with azd env set, through a DEFENDER_ variable unless azd owns it.
    expect(declared.filter((name) => !(name in file.parameters))).toEqual([]);
    const variables = Object.entries(file.parameters).map(([name, { value }]) => [
      name,
      /^\$\{([A-Z_]+)/.exec(String(value))?.[1],
    ]);
    expect(variables.filter(([, variable]) => !/^(DEFENDER_|AZURE_)/.test(variable ?? ''))).toEqual([]);
  });

  // azd before 1.15 passes an unset variable to a string parameter as '' instead of leaving it out: a string with a
  // default must either default to '' or name its default in the file, as ${VAR=default}.
  it('gives every string parameter its default when its azd variable is unset, whatever the azd version', () => {
    const found = Object.entries(parametersFile.parameters).map(([name, { value }]) => {
      const declared = mainParameters[name];
      const fallback = /^\$\{[A-Z_]+(?:=(.*))?\}$/.exec(String(value))?.[1];
      return { name, type: declared?.type, default: declared?.defaultValue, fallback };
    });
    const strings = found.filter((p) => p.type === 'string' && p.default !== undefined);
    expect(strings.filter((p) => (p.fallback ?? '') !== p.default)).toEqual([]);
    expect(strings.filter((p) => p.fallback !== undefined).map((p) => [p.name, p.fallback])).toEqual([
      ['cron', '0 0 */1 * * *'],
      ['outputTarget', 'blob'],
      ['dedupeMode', 'content'],
      ['recordFormat', 'raw'],
      ['virtualNetworkAddressPrefix', '10.0.0.0/16'],
    ]);
  });

  it('reads an empty collected subscription and cloud as those of the deployment', () => {
    expect(snapshotOf('blob').outputs.DEFENDER_COLLECTED_SUBSCRIPTION_ID).toBe(
      SNAPSHOT_CONTEXT.subscriptionId,
    );
    const settings = onlyResource(snapshotOf('blob'), 'Microsoft.Web/sites').properties as {
      siteConfig: { appSettings: { name: string; value: string }[] };
    };
    const setting = (name: string) => settings.siteConfig.appSettings.find((s) => s.name === name)?.value;
    // The snapshot leaves environment() to the deployment.
    expect([setting('subscription_id'), setting('azure_cloud')]).toEqual([
      SNAPSHOT_CONTEXT.subscriptionId,
      "[if(equals(environment().name, 'AzureUSGovernment'), 'AzureUSGovernment', if(equals(environment().name, 'AzureChinaCloud'), 'AzureChinaCloud', 'AzurePublicCloud'))]",
    ]);
  });

  it('deploys at subscription scope into a resource group it creates, with UPPER_SNAKE outputs', () => {
    expect(main.$schema).toMatch(/\/subscriptionDeploymentTemplate\.json#$/);
    expect(resourcesOf(main).filter((r) => r.type === 'Microsoft.Resources/resourceGroups')).toHaveLength(1);
    const outputs = Object.keys(main.outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining(['AZURE_FUNCTION_APP_NAME', 'RESOURCE_GROUP', 'AZURE_LOCATION']),
    );
    expect(outputs.filter((name) => !/^[A-Z][A-Z0-9_]*$/.test(name))).toEqual([]);
    expect(snapshotOf('blob').outputs).toMatchObject({
      AZURE_LOCATION: SNAPSHOT_CONTEXT.location,
      AZURE_TENANT_ID: SNAPSHOT_CONTEXT.tenantId,
      AZURE_RESOURCE_GROUP: RESOURCE_GROUP_ID.split('/').pop(),
      RESOURCE_GROUP: RESOURCE_GROUP_ID.split('/').pop(),
      DEFENDER_COLLECTED_SUBSCRIPTION_ID: SNAPSHOT_CONTEXT.subscriptionId,
      DEFENDER_OUTPUT_TARGET_NAME: 'defender-alerts',
      DEFENDER_OUTBOX_CONTAINER: 'defender-alerts-outbox',
      DEFENDER_WORK_QUEUE: 'defender-alerts-work',
      DEFENDER_FORWARD_QUEUE: 'defender-alerts-forward',
      AZURE_EVENTGRID_SYSTEM_TOPIC_NAME: onlyResource(snapshotOf('blob'), 'Microsoft.EventGrid/systemTopics')
        .name,
      AZURE_KEY_VAULT_NAME: '',
    });
    // Known once the system topic exists: for granting its two roles by hand (docs/deploy.md).
    const systemTopic = onlyResource(snapshotOf('blob'), 'Microsoft.EventGrid/systemTopics');
    expect(snapshotOf('blob').outputs.AZURE_EVENTGRID_SYSTEM_TOPIC_PRINCIPAL_ID).toBe(
      `[reference('${systemTopic.id}', '${systemTopic.apiVersion}', 'full').identity.principalId]`,
    );
  });

  it("exports the app's own default host name, which Flex Consumption may make unique, instead of composing one", () => {
    const site = onlyResource(snapshotOf('blob'), 'Microsoft.Web/sites');
    expect(snapshotOf('blob').outputs.AZURE_FUNCTION_APP_HOST_NAME).toBe(
      `[reference('${site.id}', '2025-03-01').defaultHostName]`,
    );
    expect(JSON.stringify(main).includes('.azurewebsites.net')).toBe(false);
  });

  it('uses one user-assigned identity and only local modules, compiled into the template', () => {
    const identities = modulesOf(main).flatMap((m) =>
      resourcesOf(m.template).filter((r) => r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities'),
    );
    expect(identities).toHaveLength(1);
    // A registry or template-spec module would be linked, not inlined; `bicep build --no-restore` could not fetch it.
    const linked = modulesOf(main).filter((m) => m.deployment.properties?.templateLink !== undefined);
    expect(linked.map((m) => m.path)).toEqual([]);
    expect(modulesOf(main).every((m) => typeof m.template === 'object')).toBe(true);
  });
});

describe('the Function App', () => {
  const snapshot = snapshotOf('blob');
  const plan = onlyResource(snapshot, 'Microsoft.Web/serverfarms');
  const site = onlyResource(snapshot, 'Microsoft.Web/sites');
  const functionAppConfig = site.properties?.functionAppConfig as {
    deployment: { storage: { type: string; authentication: Record<string, string> } };
    scaleAndConcurrency: { maximumInstanceCount: number; instanceMemoryMB: number };
    runtime: { name: string; version: string };
  };

  it('runs on a Linux Flex Consumption plan', () => {
    expect([plan.sku, plan.properties?.reserved, site.kind]).toEqual([
      { tier: 'FlexConsumption', name: 'FC1' },
      true,
      'functionapp,linux',
    ]);
  });

  it('runs Node.js 22 with 2048 MB instances and a small instance cap', () => {
    expect(functionAppConfig.runtime).toEqual({ name: 'node', version: '22' });
    expect(functionAppConfig.scaleAndConcurrency).toEqual({
      maximumInstanceCount: 40,
      instanceMemoryMB: 2048,
    });
  });

  it('reads its deployment package with the user-assigned identity', () => {
    const identityId = onlyResource(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities').id;
    expect(functionAppConfig.deployment.storage.type).toBe('blobContainer');
    expect(functionAppConfig.deployment.storage.authentication).toEqual({
      type: 'UserAssignedIdentity',
      userAssignedIdentityResourceId: identityId,
    });
  });
});

describe('the storage account', () => {
  /** Container or queue names, without the account and service parts of the resource name. */
  const namesOf = (scenario: ScenarioName, type: string) =>
    resourcesOfType(snapshotOf(scenario), type).map((r) => r.name.split('/').pop());
  const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';
  const QUEUES = 'Microsoft.Storage/storageAccounts/queueServices/queues';
  const OUTBOX = 'defender-alerts-outbox';
  const WORK_QUEUE = 'defender-alerts-work';
  const FORWARD_QUEUE = 'defender-alerts-forward';

  it('holds the package, index, outbox and dead-letter containers, and the blob output container for the blob target', () => {
    const deploymentPackage = expect.stringMatching(/^app-package-func-[a-z0-9]+-[a-z0-9]{7}$/);
    const always = [deploymentPackage, 'defender-alerts-index', OUTBOX, `${OUTBOX}-deadletter`];
    expect(namesOf('blob', CONTAINERS)).toEqual([...always, 'defender-alerts']);
    expect(namesOf('queue', CONTAINERS)).toEqual(always);
    expect(namesOf('newEventHub', CONTAINERS)).toEqual(always);
  });

  it('holds the work and forward queues with the poison queues the host moves failed messages to, whatever the target', () => {
    const always = [WORK_QUEUE, poisonQueueName(WORK_QUEUE), FORWARD_QUEUE, poisonQueueName(FORWARD_QUEUE)];
    expect(always).toEqual([
      'defender-alerts-work',
      'defender-alerts-work-poison',
      'defender-alerts-forward',
      'defender-alerts-forward-poison',
    ]);
    expect(namesOf('blob', QUEUES)).toEqual(always);
    expect(namesOf('newEventHub', QUEUES)).toEqual(always);
    expect(namesOf('queue', QUEUES)).toEqual([...always, 'defender-alerts']);
    expect(namesOf('blob', 'Microsoft.Storage/storageAccounts/queueServices')).toEqual(['default']);
  });

  it('keeps blob versions, and deleted blobs and containers for 7 days, so a deleted index can be restored', () => {
    const blobService = onlyResource(snapshotOf('blob'), 'Microsoft.Storage/storageAccounts/blobServices');
    expect(blobService.properties).toEqual({
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
  });

  describe('lifecycle management', () => {
    const rulesOf = (scenario: ScenarioName) =>
      (
        onlyResource(snapshotOf(scenario), 'Microsoft.Storage/storageAccounts/managementPolicies').properties
          ?.policy as { rules: unknown[] }
      ).rules;

    it('deletes outbox batches, and their versions, outboxRetentionInDays after they were written, and nothing else', () => {
      const rule = (days: number) => ({
        name: 'delete-outbox-batches',
        enabled: true,
        type: 'Lifecycle',
        definition: {
          filters: { blobTypes: ['blockBlob'], prefixMatch: [`${OUTBOX}/${OUTBOX_BATCH_PREFIX}`] },
          actions: {
            baseBlob: { delete: { daysAfterModificationGreaterThan: days } },
            version: { delete: { daysAfterCreationGreaterThan: days } },
          },
        },
      });
      expect(rulesOf('blob')).toEqual([rule(30)]);
      expect(rulesOf('appRegistration')).toEqual([rule(14)]);
    });

    it('never reaches the collected/ markers, which sit beside batches/ in the outbox', () => {
      const prefixes = rulesOf('blob').flatMap(
        (rule) =>
          (rule as { definition: { filters: { prefixMatch: string[] } } }).definition.filters.prefixMatch,
      );
      expect(prefixes.filter((prefix) => `${OUTBOX}/collected/sub.json`.startsWith(prefix))).toEqual([]);
      expect(prefixes.every((prefix) => prefix.startsWith(`${OUTBOX}/${OUTBOX_BATCH_PREFIX}`))).toBe(true);
    });

    it('keeps batches 30 days by default, and at least a day', () => {
      expect(mainParameters.outboxRetentionInDays).toMatchObject({ defaultValue: 30, minValue: 1 });
    });
  });
});
