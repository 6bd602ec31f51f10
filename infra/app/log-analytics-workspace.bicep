// A Log Analytics workspace. Stands in for the registry module avm/res/operational-insights/workspace:0.11.1 (which
// cannot be restored here) with the same parameters and outputs for what this template uses, and the workspace that
// module deploys with those parameters: its defaults are kept (PerGB2018, no daily cap, local auth off, public
// ingestion and query, customer-managed storage required for saved queries). AVM's usage-telemetry deployment is left
// out.
metadata name = 'Log Analytics Workspace'
metadata description = 'Deploys a Log Analytics workspace.'

@description('Required. Name of the Log Analytics workspace.')
param name string

@description('Optional. Location of the workspace.')
param location string = resourceGroup().location

@description('Optional. Tags of the workspace.')
param tags object?

@minValue(0)
@maxValue(730)
@description('Optional. Number of days data is retained for.')
param dataRetention int = 365

@minValue(-1)
@description('Optional. The workspace daily ingestion quota in GB; -1 for none.')
param dailyQuotaGb int = -1

@allowed([
  'Enabled'
  'Disabled'
])
@description('Optional. The network access type for ingestion.')
param publicNetworkAccessForIngestion string = 'Enabled'

@allowed([
  'Enabled'
  'Disabled'
])
@description('Optional. The network access type for queries.')
param publicNetworkAccessForQuery string = 'Enabled'

@description('Optional. Disable authentication other than Entra ID.')
param disableLocalAuth bool = true

@description('Optional. Whether customer-managed storage is mandatory for query management.')
param forceCmkForQuery bool = true

resource logAnalyticsWorkspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    features: {
      searchVersion: 1
      enableLogAccessUsingOnlyResourcePermissions: false
      disableLocalAuth: disableLocalAuth
    }
    // Pay-as-you-go per GB, AVM's default; the other SKUs are legacy or need a commitment tier.
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: dataRetention
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
    publicNetworkAccessForIngestion: publicNetworkAccessForIngestion
    publicNetworkAccessForQuery: publicNetworkAccessForQuery
    forceCmkForQuery: forceCmkForQuery
  }
}

@description('The resource ID of the workspace.')
output resourceId string = logAnalyticsWorkspace.id

@description('The resource group the workspace was deployed into.')
output resourceGroupName string = resourceGroup().name

@description('The name of the workspace.')
output name string = logAnalyticsWorkspace.name

@description('The workspace (customer) ID.')
output logAnalyticsWorkspaceId string = logAnalyticsWorkspace.properties.customerId

@description('The location the workspace was deployed into.')
output location string = logAnalyticsWorkspace.location
