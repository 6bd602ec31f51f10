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

  it('maps every entry of main.parameters.json to a parameter of main.bicep', () => {
    const file = JSON.parse(readFileSync(join(INFRA_DIR, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const declared = Object.keys(mainParameters);
    expect(Object.keys(file.parameters).filter((name) => !declared.includes(name))).toEqual([]);
    expect(file.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(file.parameters.location?.value).toBe('${AZURE_LOCATION}');
    const required = declared.filter(
      (name) => mainParameters[name]?.defaultValue === undefined && mainParameters[name]?.nullable !== true,
    );
    expect(required.filter((name) => !(name in file.parameters))).toEqual([]);
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
