import {
  allInfraFiles,
  guidLiterals,
  modulesMatching,
  propertyValues,
  readInfra,
  roleAssignments,
  roleDefinitionReferences,
  variableValue,
  type BicepFile,
} from '../../support/bicep';

/**
 * Azure built-in role definition IDs by role name. Verified by name and ID against Microsoft's list of built-in roles,
 * MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles.md
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
 */
const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Security Reader': '39bc4728-0917-49c7-9d2c-d95423bc2eb4',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

const files = allInfraFiles();

interface AssignmentSummary {
  file: string;
  role: string | undefined;
  /** Resource type of the `scope:` symbol, or `subscription` for an assignment without one in a subscription module. */
  scope: string;
  condition: string | undefined;
}

/** What each role assignment grants, on what, and when. */
function summarize(file: BicepFile): AssignmentSummary[] {
  return roleAssignments(file).map((assignment) => {
    const guid = assignment.roleDefinitionVariable
      ? /'([0-9a-f-]{36})'/i.exec(variableValue(file, assignment.roleDefinitionVariable) ?? '')?.[1]
      : undefined;
    const role = Object.keys(BUILT_IN_ROLES).find((name) => BUILT_IN_ROLES[name] === guid?.toLowerCase());
    const scopeSymbol = propertyValues(assignment.body, 'scope')[0];
    const scopeType = scopeSymbol
      ? (file.declarations.find((d) => d.symbol === scopeSymbol)?.target ?? `unknown symbol ${scopeSymbol}`)
      : file.targetScope;
    const declaration = file.declarations.find((d) => d.symbol === assignment.symbol);
    return { file: file.path, role, scope: scopeType, condition: declaration?.condition };
  });
}

describe('role assignments', () => {
  it('name each role definition GUID by its built-in role name, and the name matches the GUID', () => {
    const references = files.flatMap((file) =>
      roleDefinitionReferences(file).map((r) => ({ where: `${file.path}:${r.line}`, ...r })),
    );
    expect(references.length).toBeGreaterThan(0);
    const mismatched = references
      .filter((r) => BUILT_IN_ROLES[r.roleName] !== r.guid)
      .map(
        (r) =>
          `${r.where}: '${r.guid}' // ${r.roleName} (built-in: ${BUILT_IN_ROLES[r.roleName] ?? 'no such role'})`,
      );
    expect(mismatched).toEqual([]);
  });

  it('use no GUID literal without a role name comment', () => {
    const named = new Set(files.flatMap((file) => roleDefinitionReferences(file).map((r) => r.guid)));
    const unnamed = files.flatMap((file) =>
      guidLiterals(file)
        .filter((guid) => !named.has(guid))
        .map((guid) => `${file.path}: '${guid}'`),
    );
    expect(unnamed).toEqual([]);
  });

  it('are named guid(scope id, principal, role) and granted to a service principal', () => {
    const problems = files.flatMap((file) =>
      roleAssignments(file).flatMap((assignment) => {
        const where = `${file.path} ${assignment.symbol}`;
        const args = assignment.guidArguments;
        const scopeSymbol = propertyValues(assignment.body, 'scope')[0];
        const expectedScopeId = scopeSymbol ? `${scopeSymbol}.id` : `${file.targetScope}().id`;
        const found: string[] = [];
        if (args?.length !== 3)
          found.push(`${where}: name is not guid() of three parts: ${args?.join(', ')}`);
        else {
          if (args[0] !== expectedScopeId)
            found.push(`${where}: guid() starts with ${args[0]}, not ${expectedScopeId}`);
          if (args[1] !== 'principalId') found.push(`${where}: guid() part 2 is ${args[1]}, not principalId`);
          if (args[2] !== assignment.roleDefinitionVariable)
            found.push(
              `${where}: guid() part 3 is ${args[2]}, not the role ${assignment.roleDefinitionVariable}`,
            );
        }
        if (assignment.principalType !== 'ServicePrincipal')
          found.push(`${where}: principalType is ${assignment.principalType}, not ServicePrincipal`);
        return found;
      }),
    );
    expect(problems).toEqual([]);
  });

  it('grant exactly the roles the collector needs, each on the narrowest scope', () => {
    const summaries = files
      .flatMap(summarize)
      .sort((a, b) => `${a.file}${a.role}`.localeCompare(`${b.file}${b.role}`));
    expect(summaries).toEqual([
      {
        file: 'app/eventhub-access.bicep',
        role: 'Azure Event Hubs Data Sender',
        scope: 'Microsoft.EventHub/namespaces/eventhubs',
        condition: undefined,
      },
      {
        file: 'app/keyvault.bicep',
        role: 'Key Vault Secrets User',
        scope: 'Microsoft.KeyVault/vaults',
        condition: undefined,
      },
      {
        file: 'app/rbac-subscription.bicep',
        role: 'Security Reader',
        scope: 'subscription',
        condition: undefined,
      },
      {
        file: 'app/rbac.bicep',
        role: 'Monitoring Metrics Publisher',
        scope: 'Microsoft.Insights/components',
        condition: undefined,
      },
      {
        file: 'app/rbac.bicep',
        role: 'Storage Blob Data Owner',
        scope: 'Microsoft.Storage/storageAccounts',
        condition: undefined,
      },
      {
        file: 'app/rbac.bicep',
        role: 'Storage Queue Data Contributor',
        scope: 'Microsoft.Storage/storageAccounts',
        condition: 'enableQueue',
      },
    ]);
  });
});

describe('main.bicep wires the role assignments', () => {
  const main = readInfra('main.bicep');
  const module = (path: string) => {
    const [found] = modulesMatching(main, path);
    if (!found) throw new Error(`main.bicep has no module '${path}'`);
    return found;
  };

  it('assigns Security Reader at the collected subscription, unless told not to', () => {
    const securityReader = module('app/rbac-subscription.bicep');
    expect(propertyValues(securityReader.body, 'scope')).toEqual(['subscription(collectedSubscriptionId)']);
    expect(securityReader.condition).toBe('assignSecurityReader');
    expect(readInfra('app/rbac-subscription.bicep').targetScope).toBe('subscription');
  });

  it("gives Security Reader to the app registration's service principal when a client secret is used", () => {
    expect(propertyValues(module('app/rbac-subscription.bicep').body, 'principalId')).toEqual([
      'empty(checkedClientPrincipalObjectId) ? identity.outputs.principalId : checkedClientPrincipalObjectId',
    ]);
  });

  it('scopes Event Hubs access to the hub, in the resource group of the hub', () => {
    const access = module('app/eventhub-access.bicep');
    expect(access.condition).toBe("checkedOutputTarget == 'eventhub'");
    expect(propertyValues(access.body, 'scope')).toEqual([
      'resourceGroup(eventHubSubscriptionId, eventHubResourceGroupName)',
    ]);
  });

  it('creates the Key Vault and its role only with a client secret, and queue access only for the queue target', () => {
    expect(module('app/keyvault.bicep').condition).toBe('useClientSecret');
    expect(propertyValues(module('app/rbac.bicep').body, 'enableQueue')).toEqual([
      "checkedOutputTarget == 'queue'",
    ]);
  });

  it('grants every role to the one user-assigned identity, apart from the app registration case', () => {
    const principals = main.declarations
      .filter((d) => d.kind === 'module')
      .flatMap((d) => propertyValues(d.body, 'principalId').map((value) => `${d.symbol}: ${value}`));
    expect(principals).toEqual([
      'eventHubAccess: identity.outputs.principalId',
      'keyVault: identity.outputs.principalId',
      'rbac: identity.outputs.principalId',
      'securityReader: empty(checkedClientPrincipalObjectId) ? identity.outputs.principalId : checkedClientPrincipalObjectId',
    ]);
  });
});
