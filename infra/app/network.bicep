// The virtual network of the networkIsolation option: one subnet the Function App joins (VNet integration, delegated
// to Microsoft.App/environments as Flex Consumption requires) and one for the private endpoints of the storage account,
// the Key Vault and the Event Hubs namespace. Nothing else is deployed into it.

@description('Required. Name of the virtual network.')
param name string

@description('Required. Azure region of the virtual network: the region of the Function App.')
param location string

@description('Optional. Tags of the virtual network.')
param tags object = {}

@description('Required. Address space of the virtual network, /23 or larger; its first /24 is the app subnet, its second the private endpoint subnet.')
param addressPrefix string

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // The collector calls Azure Resource Manager, Entra ID and Application Insights at their public endpoints.
          // Written out because newer Microsoft.Network API versions make subnets private by default; attach a NAT
          // gateway to this subnet for a fixed outbound address, or route it through your own firewall.
          defaultOutboundAccess: true
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

@description('Resource ID of the virtual network.')
output resourceId string = virtualNetwork.id

@description('Resource ID of the subnet the Function App joins.')
output appSubnetResourceId string = resourceId('Microsoft.Network/virtualNetworks/subnets', name, appSubnetName)

@description('Resource ID of the subnet of the private endpoints.')
output privateEndpointSubnetResourceId string = resourceId(
  'Microsoft.Network/virtualNetworks/subnets',
  name,
  privateEndpointSubnetName
)
