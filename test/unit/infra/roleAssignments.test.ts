import {
  callArguments,
  compiledTemplate,
  modulesOf,
  moduleAt,
  resourcesOf,
  SNAPSHOT_CONTEXT,
  type ArmResource,
  type ArmTemplate,
  type DeploymentSnapshot,
} from '../../support/bicep';
import {
  APP_REGISTRATION,
  EXISTING_EVENT_HUB_ID,
  LISTED_SUBSCRIPTION_ID,
  MANAGEMENT_GROUP_ID,
  OTHER_SUBSCRIPTION_ID,
  onlyResource,
  resourcesOfType,
  SCENARIO_NAMES,
  snapshotOf,
  type ScenarioName,
} from './scenarios';

/**
 * Azure built-in role definition IDs by role name. Verified by name and ID against Microsoft's list of built-in roles,
 * MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles.md, built-in-roles/storage.md and
 * built-in-roles/general.md (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), and against
 * `az role definition list` as archived by easimon/azure-builtin-roles (Reader, Security Reader).
 */
const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Security Reader': '39bc4728-0917-49c7-9d2c-d95423bc2eb4',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Queue Data Message Sender': 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a',
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
};

/** The module that assigns the management group roles; its deployment name is a parameter of its parent. */
const MANAGEMENT_GROUP_ROLES = "managementGroupAccess/[parameters('deploymentName')]";
const MANAGEMENT_GROUP_SCOPE = `/providers/Microsoft.Management/managementGroups/${MANAGEMENT_GROUP_ID}`;

const roleName = (guid: string | undefined) =>
  Object.keys(BUILT_IN_ROLES).find((name) => BUILT_IN_ROLES[name] === guid?.toLowerCase());

const SUBSCRIPTION_SCHEMA = /\/subscriptionDeploymentTemplate\.json#$/;
const MANAGEMENT_GROUP_SCHEMA = /\/managementGroupDeploymentTemplate\.json#$/;
const TENANT_SCHEMA = /\/tenantDeploymentTemplate\.json#$/;

/** The scope a template's own resources deploy to, as an ARM expression. */
const ownScope = (nested: ArmTemplate) =>
  SUBSCRIPTION_SCHEMA.test(nested.$schema)
    ? 'subscription().id'
    : MANAGEMENT_GROUP_SCHEMA.test(nested.$schema)
      ? 'managementGroup().id'
      : 'resourceGroup().id';
const template = compiledTemplate();

/** A role assignment of the compiled template, with the module it is in. */
interface CompiledAssignment {
  readonly module: string;
  readonly template: ArmTemplate;
  readonly resource: ArmResource;
  /** The variable its roleDefinitionId names, e.g. `storageBlobDataOwnerRoleId`. */
  readonly roleVariable: string | undefined;
  readonly role: string | undefined;
}

const assignments: CompiledAssignment[] = modulesOf(template).flatMap((module) =>
  resourcesOf(module.template)
    .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
    .map((resource) => {
      const roleDefinitionId = String(resource.properties?.roleDefinitionId);
      // subscriptionResourceId below a subscription, tenantResourceId at a management group (no subscription there).
      const roleArgument = (callArguments(roleDefinitionId, 'subscriptionResourceId') ??
        callArguments(roleDefinitionId, 'tenantResourceId'))?.[1];
      const roleVariable = /^variables\('(\w+)'\)$/.exec(roleArgument ?? '')?.[1];
      const guid = roleVariable ? module.template.variables?.[roleVariable] : undefined;
      return {
        module: module.path,
        template: module.template,
        resource,
        roleVariable,
        role: roleName(typeof guid === 'string' ? guid : undefined),
      };
    }),
);

/** `[expr]` without its brackets. */
const unbracket = (expression: string | undefined) => expression?.replace(/^\[(.*)\]$/s, '$1');

describe('role assignments in the compiled template', () => {
  it('grant built-in roles only, each ID held in a variable named after its role', () => {
    expect(assignments.length).toBeGreaterThan(0);
    const problems = assignments
      .map((a) => {
        const expected = a.role ? `${camelCase(a.role.replace(/^Azure /, ''))}RoleId` : 'a built-in role';
        return a.roleVariable === expected ? undefined : `${a.module}: ${a.roleVariable} is not ${expected}`;
      })
      .filter((problem) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('hold no GUID but the built-in role IDs listed here', () => {
    const guids = JSON.stringify(template).match(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    );
    const known = Object.values(BUILT_IN_ROLES);
    expect([...new Set(guids)].filter((guid) => !known.includes(guid.toLowerCase()))).toEqual([]);
  });

  it('are named guid(scope id, principal, role) and granted to a service principal', () => {
    const problems = assignments.flatMap(({ module, template: nested, resource, roleVariable }) => {
      const args = callArguments(resource.name, 'guid');
      const scopeId = resource.scope ? unbracket(resource.scope) : ownScope(nested);
      const expected = [scopeId, "parameters('principalId')", `variables('${roleVariable}')`];
      const found: string[] = [];
      if (JSON.stringify(args) !== JSON.stringify(expected))
        found.push(`${module}: name is ${resource.name}, not [guid(${expected.join(', ')})]`);
      if (resource.properties?.principalId !== "[parameters('principalId')]")
        found.push(`${module}: principalId is ${String(resource.properties?.principalId)}`);
      if (resource.properties?.principalType !== 'ServicePrincipal')
        found.push(`${module}: principalType is ${String(resource.properties?.principalType)}`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('grant exactly the roles the collector needs, each on the narrowest scope and behind a switch of its own', () => {
    const summaries = assignments
      .map(({ module, template: nested, resource, role }) => ({
        module,
        role,
        scope: resource.scope
          ? /^\[resourceId\('([^']+)'/.exec(resource.scope)?.[1]
          : ownScope(nested)
              .replace(/\(\)\.id$/, '')
              .replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`),
        condition: resource.condition,
      }))
      .sort((a, b) => `${a.module}${a.role}`.localeCompare(`${b.module}${b.role}`));
    expect(summaries).toEqual([
      {
        module: 'eventHubAccess',
        role: 'Azure Event Hubs Data Sender',
        scope: 'Microsoft.EventHub/namespaces/eventhubs',
        condition: "[parameters('assignDataSender')]",
      },
      {
        module: 'keyVault',
        role: 'Key Vault Secrets User',
        scope: 'Microsoft.KeyVault/vaults',
        condition: "[parameters('assignSecretsUser')]",
      },
      {
        module: MANAGEMENT_GROUP_ROLES,
        role: 'Reader',
        scope: 'management group',
        condition: "[parameters('assignReader')]",
      },
      {
        module: MANAGEMENT_GROUP_ROLES,
        role: 'Security Reader',
        scope: 'management group',
        condition: "[parameters('assignSecurityReader')]",
      },
      {
        module: 'outboxEvents/outboxEventsAccess',
        role: 'Storage Blob Data Contributor',
        scope: 'Microsoft.Storage/storageAccounts/blobServices/containers',
        condition: "[parameters('assignDeadLetterWriter')]",
      },
      {
        module: 'outboxEvents/outboxEventsAccess',
        role: 'Storage Queue Data Message Sender',
        scope: 'Microsoft.Storage/storageAccounts/queueServices/queues',
        condition: "[parameters('assignQueueMessageSender')]",
      },
      {
        module: 'rbac',
        role: 'Monitoring Metrics Publisher',
        scope: 'Microsoft.Insights/components',
        condition: "[parameters('assignMetricsPublisher')]",
      },
      {
        module: 'rbac',
        role: 'Storage Blob Data Owner',
        scope: 'Microsoft.Storage/storageAccounts',
        condition: "[parameters('assignBlobDataOwner')]",
      },
      {
        module: 'rbac',
        role: 'Storage Queue Data Contributor',
        scope: 'Microsoft.Storage/storageAccounts',
        condition: "[parameters('assignQueueDataContributor')]",
      },
      { module: 'securityReader', role: 'Security Reader', scope: 'subscription', condition: undefined },
    ]);
  });
});

describe('main.bicep wires the role assignments', () => {
  /** The value main.bicep passes to a module parameter, as an expression. */
  const moduleParameter = (path: string, name: string): unknown => {
    const parameter = (moduleAt(template, path).deployment.properties?.parameters as Record<string, unknown>)[
      name
    ];
    return typeof parameter === 'object' && parameter !== null
      ? (parameter as { value: unknown }).value
      : parameter;
  };

  it('assigns Security Reader at the collected subscription and at each listed one, unless told not to', () => {
    const { deployment, template: nested } = moduleAt(template, 'securityReader');
    expect([deployment.subscriptionId, deployment.resourceGroup, deployment.condition]).toEqual([
      "[variables('securityReaderSubscriptions')[copyIndex()]]",
      undefined,
      "[parameters('assignSecurityReader')]",
    ]);
    expect(deployment.copy).toEqual({
      name: 'securityReader',
      count: "[length(variables('securityReaderSubscriptions'))]",
    });
    expect(template.variables?.securityReaderSubscriptions).toBe(
      "[union(if(empty(variables('collectedSubscription')), createArray(), createArray(toLower(variables('collectedSubscription')))), variables('listedSubscriptions'))]",
    );
    expect(nested.$schema).toMatch(SUBSCRIPTION_SCHEMA);
  });

  it('assigns the management group roles through a deployment at the tenant root, only when asked to', () => {
    // Bicep refuses managementGroup() as a module scope in a subscription-scope file (BCP115); tenant() is allowed,
    // and a tenant-scope file may deploy to managementGroup().
    const { deployment, template: tenantTemplate } = moduleAt(template, 'managementGroupAccess');
    expect([deployment.scope, deployment.condition]).toEqual([
      '/',
      "[variables('checkedAssignManagementGroupRoles')]",
    ]);
    expect(tenantTemplate.$schema).toMatch(TENANT_SCHEMA);
    const inner = moduleAt(template, MANAGEMENT_GROUP_ROLES);
    expect(inner.deployment.scope).toBe(
      "[format('Microsoft.Management/managementGroups/{0}', parameters('managementGroupId'))]",
    );
    expect(inner.template.$schema).toMatch(MANAGEMENT_GROUP_SCHEMA);
    expect(moduleParameter('managementGroupAccess', 'managementGroupId')).toBe(
      "[variables('checkedManagementGroupId')]",
    );
  });

  it("gives Security Reader to the app registration's service principal when a client secret is used", () => {
    expect(moduleParameter('securityReader', 'principalId')).toBe(
      "[if(empty(variables('checkedClientPrincipalObjectId')), createObject('value', reference('identity').outputs.principalId.value), createObject('value', variables('checkedClientPrincipalObjectId')))]",
    );
  });

  it('passes each assign switch to the module that makes that assignment, and nowhere else', () => {
    const switches = modulesOf(template).flatMap((m) =>
      Object.keys(m.template.parameters ?? {})
        .filter((name) => name.startsWith('assign'))
        .map((name) => `${m.path}.${name} = ${String(moduleParameter(m.path, name))}`),
    );
    expect(switches.sort()).toEqual([
      "eventHubAccess.assignDataSender = [parameters('assignEventHubsDataSender')]",
      "keyVault.assignSecretsUser = [parameters('assignKeyVaultSecretsUser')]",
      "managementGroupAccess.assignReader = [parameters('assignManagementGroupReader')]",
      "managementGroupAccess.assignSecurityReader = [parameters('assignManagementGroupSecurityReader')]",
      `${MANAGEMENT_GROUP_ROLES}.assignReader = [parameters('assignReader')]`,
      `${MANAGEMENT_GROUP_ROLES}.assignSecurityReader = [parameters('assignSecurityReader')]`,
      "outboxEvents.assignDeadLetterWriter = [parameters('assignStorageBlobDataContributor')]",
      "outboxEvents.assignQueueMessageSender = [parameters('assignStorageQueueDataMessageSender')]",
      "outboxEvents/outboxEventsAccess.assignDeadLetterWriter = [parameters('assignDeadLetterWriter')]",
      "outboxEvents/outboxEventsAccess.assignQueueMessageSender = [parameters('assignQueueMessageSender')]",
      "rbac.assignBlobDataOwner = [parameters('assignStorageBlobDataOwner')]",
      "rbac.assignMetricsPublisher = [parameters('assignMonitoringMetricsPublisher')]",
      "rbac.assignQueueDataContributor = [parameters('assignStorageQueueDataContributor')]",
    ]);
    const declared = Object.keys(template.parameters ?? {}).filter((name) => /^assign[A-Z]/.test(name));
    // The management group roles are off by default: their deployment at the tenant root needs
    // Microsoft.Resources/deployments/write at '/', which few deployers hold (docs/deploy.md gives the az commands).
    expect(declared.map((name) => [name, template.parameters?.[name]?.defaultValue])).toEqual([
      ['assignSecurityReader', true],
      ['assignManagementGroupSecurityReader', false],
      ['assignManagementGroupReader', false],
      ...[
        'assignStorageBlobDataOwner',
        'assignStorageQueueDataContributor',
        'assignMonitoringMetricsPublisher',
        'assignEventHubsDataSender',
        'assignKeyVaultSecretsUser',
        'assignStorageQueueDataMessageSender',
        'assignStorageBlobDataContributor',
      ].map((name) => [name, true]),
    ]);
  });

  it('scopes Event Hubs access to the hub, in the subscription and resource group of the hub', () => {
    const { deployment } = moduleAt(template, 'eventHubAccess');
    expect([deployment.condition, deployment.subscriptionId, deployment.resourceGroup]).toEqual([
      "[equals(variables('checkedOutputTarget'), 'eventhub')]",
      "[variables('eventHubSubscriptionId')]",
      "[variables('eventHubResourceGroupName')]",
    ]);
  });

  it('creates the Key Vault and its role only with a client secret, and queue access whatever the target', () => {
    expect(moduleAt(template, 'keyVault').deployment.condition).toBe("[variables('useClientSecret')]");
    expect(moduleAt(template, 'rbac').deployment.condition).toBeUndefined();
    expect(moduleAt(template, 'rbac').template.parameters?.enableQueue).toBeUndefined();
  });

  it('scopes the Event Grid roles to the forward queue and the dead-letter container the event subscription names', () => {
    const forwardQueue = String(moduleParameter('outboxEvents/outboxEventsAccess', 'forwardQueueName'));
    const deadLetters = String(moduleParameter('outboxEvents/outboxEventsAccess', 'deadLetterContainerName'));
    expect([forwardQueue, deadLetters]).toEqual([
      "[parameters('forwardQueueName')]",
      "[parameters('deadLetterContainerName')]",
    ]);
    const eventSubscription = resourcesOf(moduleAt(template, 'outboxEvents').template).find(
      (r) => r.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    );
    expect(JSON.stringify(eventSubscription?.properties)).toContain(`"queueName":"${forwardQueue}"`);
    expect(JSON.stringify(eventSubscription?.properties)).toContain(`"blobContainerName":"${deadLetters}"`);
  });

  it('grants every role to the one user-assigned identity, apart from the app registration and Event Grid cases', () => {
    const principals = modulesOf(template)
      .filter((m) => m.template.parameters?.principalId !== undefined)
      .map((m) => `${m.path}: ${String(moduleParameter(m.path, 'principalId'))}`);
    expect(principals.sort()).toEqual([
      "eventHubAccess: [reference('identity').outputs.principalId.value]",
      "keyVault: [reference('identity').outputs.principalId.value]",
      `${MANAGEMENT_GROUP_ROLES}: [parameters('principalId')]`,
      "managementGroupAccess: [if(empty(variables('checkedClientPrincipalObjectId')), createObject('value', reference('identity').outputs.principalId.value), createObject('value', variables('checkedClientPrincipalObjectId')))]",
      // The system topic's own identity, from the system topic deployed beside it.
      "outboxEvents/outboxEventsAccess: [reference(resourceId('Microsoft.EventGrid/systemTopics', parameters('systemTopicName')), '2025-02-15', 'full').identity.principalId]",
      "rbac: [reference('identity').outputs.principalId.value]",
      "securityReader: [if(empty(variables('checkedClientPrincipalObjectId')), createObject('value', reference('identity').outputs.principalId.value), createObject('value', variables('checkedClientPrincipalObjectId')))]",
    ]);
  });
});

describe('the role assignments each deployment makes (Bicep deployment snapshots)', () => {
  /** `<role> on <scope resource ID> to <principal>` for each predicted role assignment. */
  function grants(snapshot: DeploymentSnapshot): string[] {
    const identityId = onlyResource(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities').id;
    const systemTopicId = onlyResource(snapshot, 'Microsoft.EventGrid/systemTopics').id;
    return resourcesOfType(snapshot, 'Microsoft.Authorization/roleAssignments')
      .map((assignment) => {
        const role = roleName(String(assignment.properties?.roleDefinitionId).split('/').pop());
        const principal = String(assignment.properties?.principalId);
        const to = principal.startsWith(`[reference('${identityId}'`)
          ? 'the managed identity'
          : new RegExp(
                `^\\[reference\\('${systemTopicId}', '[\\d-]+', 'full'\\)\\.identity\\.principalId\\]$`,
              ).test(principal)
            ? 'the system topic identity'
            : principal === APP_REGISTRATION.principalObjectId
              ? 'the app registration'
              : principal;
        return `${role} on ${scopeOf(assignment.id)} to ${to}`;
      })
      .sort();
  }

  const ids = (snapshot: DeploymentSnapshot) => ({
    storage: onlyResource(snapshot, 'Microsoft.Storage/storageAccounts').id,
    appInsights: onlyResource(snapshot, 'Microsoft.Insights/components').id,
    subscription: `/subscriptions/${SNAPSHOT_CONTEXT.subscriptionId}`,
  });

  /** What every deployment grants: the app's storage and telemetry roles, and the Event Grid delivery roles. */
  const always = (s: DeploymentSnapshot) => [
    `Monitoring Metrics Publisher on ${ids(s).appInsights} to the managed identity`,
    `Storage Blob Data Contributor on ${ids(s).storage}/blobServices/default/containers/defender-alerts-outbox-deadletter to the system topic identity`,
    `Storage Blob Data Owner on ${ids(s).storage} to the managed identity`,
    `Storage Queue Data Contributor on ${ids(s).storage} to the managed identity`,
    `Storage Queue Data Message Sender on ${ids(s).storage}/queueServices/default/queues/defender-alerts-forward to the system topic identity`,
  ];

  const expectations: Record<ScenarioName, (snapshot: DeploymentSnapshot) => string[]> = {
    blob: (s) => [...always(s), `Security Reader on ${ids(s).subscription} to the managed identity`],
    queue: (s) => [...always(s), `Security Reader on ${ids(s).subscription} to the managed identity`],
    newEventHub: (s) => [
      `Azure Event Hubs Data Sender on ${onlyResource(s, 'Microsoft.EventHub/namespaces/eventhubs').id} to the managed identity`,
      ...always(s),
      `Security Reader on ${ids(s).subscription} to the managed identity`,
    ],
    existingEventHub: (s) => [
      `Azure Event Hubs Data Sender on ${EXISTING_EVENT_HUB_ID} to the managed identity`,
      ...always(s),
      `Security Reader on ${ids(s).subscription} to the managed identity`,
    ],
    // The snapshot cannot resolve a module parameter chosen between a module output and a value (unknown()); the
    // compiled expression above shows it is the app registration's service principal.
    // Security Reader on each listed subscription (not the deployment one, which nothing names), Security Reader and
    // Reader at the management group.
    tenantWide: (s) => [
      ...always(s),
      `Reader on ${MANAGEMENT_GROUP_SCOPE} to the managed identity`,
      `Security Reader on ${MANAGEMENT_GROUP_SCOPE} to the managed identity`,
      `Security Reader on /subscriptions/${OTHER_SUBSCRIPTION_ID} to the managed identity`,
      `Security Reader on /subscriptions/${LISTED_SUBSCRIPTION_ID} to the managed identity`,
    ],
    // * names no subscription: the roles are granted by hand (docs/deploy.md).
    allVisible: (s) => always(s),
    appRegistration: (s) => [
      `Key Vault Secrets User on ${onlyResource(s, 'Microsoft.KeyVault/vaults').id} to the managed identity`,
      ...always(s),
      `Security Reader on /subscriptions/${OTHER_SUBSCRIPTION_ID} to [unknown()]`,
    ],
    isolated: (s) => [
      `Azure Event Hubs Data Sender on ${onlyResource(s, 'Microsoft.EventHub/namespaces/eventhubs').id} to the managed identity`,
      `Key Vault Secrets User on ${onlyResource(s, 'Microsoft.KeyVault/vaults').id} to the managed identity`,
      ...always(s),
      `Security Reader on ${ids(s).subscription} to [unknown()]`,
    ],
    noRoleAssignments: () => [],
  };

  it.each(SCENARIO_NAMES)('%s: each role on its resource, to the identity that needs it', (scenario) => {
    const snapshot = snapshotOf(scenario);
    expect(grants(snapshot)).toEqual(expectations[scenario](snapshot).sort());
  });
});

/**
 * The scope of a role assignment from its resource ID expression (extensionResourceId, subscriptionResourceId or
 * managementGroupResourceId).
 */
function scopeOf(id: string): string {
  const literal = (argument: string) => argument.replace(/^'(.*)'$/, '$1');
  const extension = callArguments(id, 'extensionResourceId');
  if (extension) return literal(extension[0]!);
  const subscription = callArguments(id, 'subscriptionResourceId');
  if (subscription) return `/subscriptions/${literal(subscription[0]!)}`;
  const managementGroup = callArguments(id, 'managementGroupResourceId');
  if (managementGroup)
    return `/providers/Microsoft.Management/managementGroups/${literal(managementGroup[0]!)}`;
  return id;
}

function camelCase(words: string): string {
  return words
    .split(' ')
    .map((word, index) => (index === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1)))
    .join('');
}
