import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  INFRA_DIR,
  modulesMatching,
  propertyValues,
  readInfra,
  REPO_ROOT,
  resourcesOfType,
  type BicepDeclaration,
} from '../../support/bicep';

const main = readInfra('main.bicep');
const functionApp = readInfra('app/functionApp.bicep');

function only(found: BicepDeclaration[], what: string): BicepDeclaration {
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0]!;
}

describe('the azd project', () => {
  const azureYaml = readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8');

  it('deploys this folder as the TypeScript function service collector', () => {
    expect(azureYaml).toMatch(
      /^services:\n {2}collector:\n {4}project: \.\n {4}language: ts\n {4}host: function\n/m,
    );
  });

  it('tags the Function App with the service name azd deploys to', () => {
    const site = only(resourcesOfType(functionApp, 'Microsoft.Web/sites'), 'Microsoft.Web/sites');
    expect(site.body).toContain("'azd-service-name': 'collector'");
  });

  it('maps every entry of main.parameters.json to a parameter of main.bicep', () => {
    const file = JSON.parse(readFileSync(join(INFRA_DIR, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const declared = main.params.map((p) => p.name);
    expect(Object.keys(file.parameters).filter((name) => !declared.includes(name))).toEqual([]);
    expect(file.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(file.parameters.location?.value).toBe('${AZURE_LOCATION}');
    const required = main.params.filter((p) => p.defaultValue === undefined && !p.type.endsWith('?'));
    expect(required.map((p) => p.name).filter((name) => !(name in file.parameters))).toEqual([]);
  });

  it('deploys at subscription scope into a resource group it creates, with UPPER_SNAKE outputs', () => {
    expect(main.targetScope).toBe('subscription');
    expect(resourcesOfType(main, 'Microsoft.Resources/resourceGroups')).toHaveLength(1);
    const outputs = [...main.code.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
    expect(outputs).toEqual(
      expect.arrayContaining(['AZURE_FUNCTION_APP_NAME', 'RESOURCE_GROUP', 'AZURE_LOCATION']),
    );
    expect(outputs.filter((name) => !/^[A-Z][A-Z0-9_]*$/.test(name))).toEqual([]);
  });

  it('uses one user-assigned identity and only local modules, which compile offline', () => {
    expect(modulesMatching(main, 'app/user-assigned-identity.bicep')).toHaveLength(1);
    const registryModules = [...main.declarations, ...readInfra('app/monitoring.bicep').declarations]
      .filter((d) => d.kind === 'module' && !d.target.endsWith('.bicep'))
      .map((d) => d.target);
    expect(registryModules).toEqual([]);
  });
});

describe('the Function App', () => {
  const plan = only(resourcesOfType(functionApp, 'Microsoft.Web/serverfarms'), 'Microsoft.Web/serverfarms');
  const site = only(resourcesOfType(functionApp, 'Microsoft.Web/sites'), 'Microsoft.Web/sites');

  it('runs on a Linux Flex Consumption plan', () => {
    expect([propertyValues(plan.body, 'name')[1], propertyValues(plan.body, 'tier')[0]]).toEqual([
      "'FC1'",
      "'FlexConsumption'",
    ]);
    expect(propertyValues(plan.body, 'reserved')).toEqual(['true']);
    expect(propertyValues(site.body, 'kind')).toEqual(["'functionapp,linux'"]);
  });

  it('runs Node.js 22 with 2048 MB instances and a small instance cap', () => {
    expect([propertyValues(site.body, 'name').slice(-1)[0], propertyValues(site.body, 'version')[0]]).toEqual(
      ["'node'", "'22'"],
    );
    expect(functionApp.params.find((p) => p.name === 'instanceMemoryMB')?.defaultValue).toBe('2048');
    expect(main.params.find((p) => p.name === 'maximumInstanceCount')?.defaultValue).toBe('40');
  });

  it('reads its deployment package with the user-assigned identity', () => {
    expect(propertyValues(site.body, 'type')).toEqual(
      expect.arrayContaining(["'blobContainer'", "'UserAssignedIdentity'"]),
    );
    expect(propertyValues(site.body, 'userAssignedIdentityResourceId')).toEqual(['identityResourceId']);
  });
});

describe('the storage account', () => {
  it('holds the deployment package and index containers, and the blob output container for the blob target', () => {
    const storage = only(modulesMatching(main, 'app/storage.bicep'), 'storage module');
    const containers = storage.body.slice(
      storage.body.indexOf('containerNames:'),
      storage.body.indexOf('queueNames:'),
    );
    expect(containers).toContain('[deploymentStorageContainerName, indexContainerName]');
    expect(containers).toContain("checkedOutputTarget == 'blob' ? [outputBlobContainerName] : []");
    expect(propertyValues(storage.body, 'queueNames')).toEqual([
      "checkedOutputTarget == 'queue' ? [outputQueueName] : []",
    ]);
    expect(main.code).toMatch(/var indexContainerName = 'defender-alerts-index'/);
    expect(main.code).toMatch(/var outputBlobContainerName = 'defender-alerts'/);
    expect(main.code).toMatch(/var outputQueueName = 'defender-alerts'/);
  });

  it('configures a queue service only when there is a queue', () => {
    const queueService = only(
      resourcesOfType(readInfra('app/storage.bicep'), 'Microsoft.Storage/storageAccounts/queueServices'),
      'queue service',
    );
    expect(queueService.condition).toBe('!empty(queueNames)');
  });
});
