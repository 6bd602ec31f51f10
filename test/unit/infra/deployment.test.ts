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
import { onlyResource, RESOURCE_GROUP_ID, resourcesOfType, snapshotOf } from './scenarios';

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
  const namesOf = (scenario: 'blob' | 'queue' | 'newEventHub', type: string) =>
    resourcesOfType(snapshotOf(scenario), type).map((r) => r.name.split('/').pop());
  const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';
  const QUEUES = 'Microsoft.Storage/storageAccounts/queueServices/queues';

  it('holds the deployment package and index containers, and the blob output container for the blob target', () => {
    const deploymentPackage = expect.stringMatching(/^app-package-func-[a-z0-9]+-[a-z0-9]{7}$/);
    expect(namesOf('blob', CONTAINERS)).toEqual([
      deploymentPackage,
      'defender-alerts-index',
      'defender-alerts',
    ]);
    expect(namesOf('queue', CONTAINERS)).toEqual([deploymentPackage, 'defender-alerts-index']);
    expect(namesOf('newEventHub', CONTAINERS)).toEqual([deploymentPackage, 'defender-alerts-index']);
    expect(namesOf('queue', QUEUES)).toEqual(['defender-alerts']);
  });

  it('configures a queue service only when there is a queue', () => {
    expect(namesOf('queue', 'Microsoft.Storage/storageAccounts/queueServices')).toEqual(['default']);
    expect(namesOf('blob', 'Microsoft.Storage/storageAccounts/queueServices')).toEqual([]);
    expect(namesOf('newEventHub', 'Microsoft.Storage/storageAccounts/queueServices')).toEqual([]);
  });
});
