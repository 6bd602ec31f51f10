// A private endpoint of one service (a storage account's blob or queue service, a Key Vault, an Event Hubs namespace)
// in the private endpoint subnet, with the private DNS zone that makes the service's usual host name resolve to it
// inside the virtual network.

@description('Required. Name of the private endpoint.')
param name string

@description('Required. Azure region of the private endpoint: the region of the virtual network.')
param location string

@description('Optional. Tags of the private endpoint and the private DNS zone.')
param tags object = {}

@description('Required. Resource ID of the subnet the private endpoint is placed in.')
param subnetResourceId string

@description('Required. Resource ID of the virtual network the private DNS zone is linked to.')
param virtualNetworkResourceId string

@description('Required. Resource ID of the service the private endpoint connects to.')
param serviceResourceId string

@description('Required. Sub-resource of the service: blob, queue, vault or namespace.')
param groupId string

@description('Required. Private DNS zone of that sub-resource, e.g. privatelink.blob.core.windows.net.')
param privateDnsZoneName string

resource privateDnsZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: privateDnsZoneName
  location: 'global'
  tags: tags
}

resource virtualNetworkLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: privateDnsZone
  name: last(split(virtualNetworkResourceId, '/'))
  location: 'global'
  tags: tags
  properties: {
    virtualNetwork: {
      id: virtualNetworkResourceId
    }
    registrationEnabled: false
  }
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: serviceResourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2025-05-01' = {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: replace(privateDnsZoneName, '.', '-')
        properties: {
          privateDnsZoneId: privateDnsZone.id
        }
      }
    ]
  }
}

@description('Resource ID of the private endpoint.')
output resourceId string = privateEndpoint.id
