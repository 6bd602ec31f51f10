import { compiledTemplate, moduleAt, type ArmResource } from '../../support/bicep';
import {
  onlyResource,
  RESOURCE_GROUP_ID,
  resourcesOfType,
  SCENARIO_NAMES,
  snapshotOf,
  type ScenarioName,
} from './scenarios';

const main = compiledTemplate();
const isolated = snapshotOf('isolated');

/** The value main.bicep passes to a module parameter, as an expression. */
function moduleParameter(path: string, name: string): unknown {
  const parameters = moduleAt(main, path).deployment.properties?.parameters as Record<
    string,
    { value: unknown }
  >;
  return parameters[name]?.value;
}

/** The ID of a module's deployment in the resource group every scenario creates. */
const moduleDeploymentId = (name: string) =>
  `${RESOURCE_GROUP_ID}/providers/Microsoft.Resources/deployments/${name}`;

describe('network isolation is off by default', () => {
  const open = SCENARIO_NAMES.filter(
    (scenario): scenario is Exclude<ScenarioName, 'isolated'> => scenario !== 'isolated',
  );

  it.each(open)('%s: no virtual network, private endpoint or private DNS zone', (scenario) => {
    const network = snapshotOf(scenario).predictedResources.filter((r) =>
      r.type.startsWith('Microsoft.Network/'),
    );
    expect(network.map((r) => r.type)).toEqual([]);
    expect(snapshotOf(scenario).outputs.AZURE_VIRTUAL_NETWORK_NAME).toBe('');
  });

  it('the app joins no subnet, and storage, vault and namespace keep their public endpoints open', () => {
    const site = onlyResource(snapshotOf('appRegistration'), 'Microsoft.Web/sites');
    expect(site.properties?.virtualNetworkSubnetId).toBeNull();
    expect(onlyResource(snapshotOf('blob'), 'Microsoft.Storage/storageAccounts').properties).toMatchObject({
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Allow' },
    });
    expect(onlyResource(snapshotOf('appRegistration'), 'Microsoft.KeyVault/vaults').properties).toMatchObject(
      {
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Allow' },
      },
    );
    expect(onlyResource(snapshotOf('newEventHub'), 'Microsoft.EventHub/namespaces').properties).toMatchObject(
      {
        publicNetworkAccess: 'Enabled',
      },
    );
  });
});

describe('with networkIsolation', () => {
  const vnet = onlyResource(isolated, 'Microsoft.Network/virtualNetworks');
  const subnetId = (name: string) => `${vnet.id}/subnets/${name}`;

  it('the app joins the app subnet, the first /24 of the address space, delegated as Flex Consumption requires', () => {
    expect(vnet.properties).toEqual({
      addressSpace: { addressPrefixes: ['10.42.0.0/20'] },
      subnets: [
        {
          name: 'app',
          properties: {
            addressPrefix: '10.42.0.0/24',
            delegations: [
              { name: 'flex-consumption', properties: { serviceName: 'Microsoft.App/environments' } },
            ],
            // The collector reaches Resource Manager, Entra ID and Application Insights on the internet.
            defaultOutboundAccess: true,
          },
        },
        {
          name: 'private-endpoints',
          properties: {
            addressPrefix: '10.42.1.0/24',
            privateEndpointNetworkPolicies: 'Disabled',
            defaultOutboundAccess: false,
          },
        },
      ],
    });
    const site = onlyResource(isolated, 'Microsoft.Web/sites');
    expect(site.properties?.virtualNetworkSubnetId).toBe(subnetId('app'));
    expect(isolated.outputs.AZURE_VIRTUAL_NETWORK_NAME).toBe(vnet.name);
  });

  it('opens a private endpoint in the second subnet for blob, queue, the vault and the new namespace', () => {
    const target = (type: string) => onlyResource(isolated, type).id;
    const endpoints = resourcesOfType(isolated, 'Microsoft.Network/privateEndpoints').map((endpoint) => {
      const properties = endpoint.properties as {
        subnet: { id: string };
        privateLinkServiceConnections: { properties: { privateLinkServiceId: string; groupIds: string[] } }[];
      };
      const [connection] = properties.privateLinkServiceConnections;
      return [
        properties.subnet.id,
        connection?.properties.privateLinkServiceId,
        connection?.properties.groupIds,
      ];
    });
    expect(endpoints).toEqual([
      [subnetId('private-endpoints'), target('Microsoft.Storage/storageAccounts'), ['blob']],
      [subnetId('private-endpoints'), target('Microsoft.Storage/storageAccounts'), ['queue']],
      // The vault's ID comes out of its conditional module, which the snapshot does not evaluate.
      [
        subnetId('private-endpoints'),
        `[reference('${moduleDeploymentId('keyVault')}', '2025-04-01').outputs.resourceId.value]`,
        ['vault'],
      ],
      [subnetId('private-endpoints'), target('Microsoft.EventHub/namespaces'), ['namespace']],
    ]);
    expect(moduleAt(main, 'keyVault').template.outputs?.resourceId?.value).toBe(
      "[resourceId('Microsoft.KeyVault/vaults', parameters('name'))]",
    );
  });

  it("resolves each service's host name to its endpoint through a private DNS zone linked to the virtual network", () => {
    // In Azure's public cloud: privatelink.blob.core.windows.net, privatelink.queue.core.windows.net,
    // privatelink.vaultcore.azure.net and privatelink.servicebus.windows.net.
    expect(
      ['blobEndpoint', 'queueEndpoint', 'vaultEndpoint', 'eventHubEndpoint'].map((path) =>
        moduleParameter(path, 'privateDnsZoneName'),
      ),
    ).toEqual([
      "[format('privatelink.blob.{0}', environment().suffixes.storage)]",
      "[format('privatelink.queue.{0}', environment().suffixes.storage)]",
      "[format('privatelink{0}', replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.'))]",
      "[reference('eventHub').outputs.privateDnsZoneName.value]",
    ]);
    // The Service Bus suffix of the cloud, from the namespace's own endpoint (environment() has none).
    const eventHubOutput = moduleAt(main, 'eventHub').template.outputs?.privateDnsZoneName?.value;
    expect(eventHubOutput).toMatch(
      /^\[format\('privatelink\.\{0\}', substring\(.*serviceBusEndpoint.*\)\)\]$/,
    );

    const zones = resourcesOfType(isolated, 'Microsoft.Network/privateDnsZones');
    const links = resourcesOfType(isolated, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks');
    const groups = resourcesOfType(isolated, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups');
    expect([zones.length, links.length, groups.length]).toEqual([4, 4, 4]);
    expect(links.map((link) => link.properties)).toEqual(
      links.map(() => ({ virtualNetwork: { id: vnet.id }, registrationEnabled: false })),
    );
    const zoneIds = zones.map((zone) => zone.id);
    const groupZones = groups.flatMap(
      (group) =>
        (group.properties as { privateDnsZoneConfigs: { properties: { privateDnsZoneId: string } }[] })
          .privateDnsZoneConfigs,
    );
    expect(groupZones.map((config) => config.properties.privateDnsZoneId)).toEqual(zoneIds);
  });

  it('the vault and the new namespace refuse their public endpoints', () => {
    expect(onlyResource(isolated, 'Microsoft.KeyVault/vaults').properties).toMatchObject({
      publicNetworkAccess: 'Disabled',
      networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] },
    });
    expect(onlyResource(isolated, 'Microsoft.EventHub/namespaces').properties).toMatchObject({
      publicNetworkAccess: 'Disabled',
    });
  });

  // publicNetworkAccess Disabled would admit private endpoints only; Event Grid pushes to the forward queue and
  // dead-letters over the public endpoint, under the trusted-services exception, with its system-assigned identity.
  it("the storage account's public endpoint admits no network, only trusted Azure services such as Event Grid", () => {
    expect(onlyResource(isolated, 'Microsoft.Storage/storageAccounts').properties).toMatchObject({
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
    });
    const subscription = onlyResource(isolated, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subscription.properties).toMatchObject({
      deliveryWithResourceIdentity: { identity: { type: 'SystemAssigned' } },
      deadLetterWithResourceIdentity: { identity: { type: 'SystemAssigned' } },
    });
  });

  it('starts the app only once its private endpoints exist', () => {
    const dependsOn = (moduleAt(main, 'functionApp').deployment as ArmResource & { dependsOn?: string[] })
      .dependsOn;
    expect(dependsOn).toEqual(
      expect.arrayContaining(['blobEndpoint', 'queueEndpoint', 'vaultEndpoint', 'eventHubEndpoint']),
    );
  });

  it('opens no endpoint to an existing hub, whose owner decides how it is reached', () => {
    expect(moduleAt(main, 'eventHubEndpoint').deployment.condition).toBe(
      "[and(and(parameters('networkIsolation'), equals(variables('checkedOutputTarget'), 'eventhub')), not(variables('useExistingEventHub')))]",
    );
  });
});
