// A new Event Hubs namespace and hub for the eventhub target (when no existing hub is given). Entra ID only.

@description('Required. Name of the Event Hubs namespace.')
param namespaceName string

@description('Required. Name of the Event Hub.')
param eventHubName string

@description('Required. Azure region of the namespace.')
param location string

@description('Optional. Tags of the namespace.')
param tags object = {}

@description('Optional. Refuse the public endpoint: the app sends through a private endpoint.')
param networkIsolation bool = false

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  // Standard: events up to 1 MB (Basic stops at 256 KB) and up to 7 days of retention.
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: networkIsolation ? 'Disabled' : 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: 2
    // Once sent, an alert is marked delivered in the hash index: the hub holds the only copy until the SIEM reads it.
    messageRetentionInDays: 7
  }
}

@description('Resource ID of the Event Hub.')
output eventHubResourceId string = eventHub.id

@description('Resource ID of the namespace.')
output namespaceResourceId string = namespace.id

// serviceBusEndpoint is https://<namespace>.<cloud's Service Bus suffix>:443/; its private DNS zone is privatelink.<suffix>.
var endpointHost = split(split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0], '/')[0]

@description('Private DNS zone of the namespace\'s private endpoint in this cloud, e.g. privatelink.servicebus.windows.net.')
output privateDnsZoneName string = 'privatelink.${substring(endpointHost, indexOf(endpointHost, '.') + 1)}'
