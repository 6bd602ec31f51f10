// Log alerts and a workbook over the collector's telemetry. The event, dimension and metric names come from
// src/telemetry/telemetryNames.ts (RUN_EVENT_NAME, RUN_DIMENSIONS, METRIC_NAMES): change them together.

@description('Required. Azure region of the alert rules and the workbook.')
param location string

@description('Optional. Tags of the resources.')
param tags object = {}

@description('Required. Prefix of the alert rule names.')
param namePrefix string

@description('Required. Name of the action group created when alertEmail is set.')
param actionGroupName string

@description('Required. Name of the Application Insights component the rules query.')
param applicationInsightsName string

@description('Optional. Resource ID of an existing action group to notify.')
param alertActionGroupResourceId string = ''

@description('Optional. E-mail address of a new action group to notify, when alertActionGroupResourceId is empty.')
param alertEmail string = ''

@minValue(1)
@maxValue(48)
@description('Required. Hours without a successful run before the no-successful-run alert fires.')
param noSuccessfulRunWindowInHours int

@minValue(1)
@maxValue(89)
@description('Required. Age in days of the oldest undelivered alert at which the retention alert fires.')
param oldestUndeliveredAlertThresholdInDays int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var createActionGroup = empty(alertActionGroupResourceId) && !empty(alertEmail)

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (createActionGroup) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'defalerts'
    enabled: true
    emailReceivers: [
      {
        name: 'collector-operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = !empty(alertActionGroupResourceId)
  ? [alertActionGroupResourceId]
  : createActionGroup ? [actionGroup.id] : []

// (a) A run failed: the run event says so, or the Functions host recorded a failed invocation (a crash before the
// event was sent). Evaluated every 15 minutes over the last 15.
var failedRunQuery = 'union (customEvents | where name == "DefenderAlertsCollection" and tostring(customDimensions.outcome) == "failed" | project timestamp), (requests | where success == false | project timestamp)'

// (b) No successful run in the window. summarize without "by" always returns one row, so an empty window gives 0.
var noSuccessfulRunQuery = 'customEvents | where timestamp > ago(${noSuccessfulRunWindowInHours}h) | where name == "DefenderAlertsCollection" and tostring(customDimensions.outcome) == "succeeded" | summarize succeededRuns = count()'

// (c) The oldest alert not yet delivered approaches Defender for Cloud's retention: latest sample in the window.
var oldestUndeliveredQuery = 'customMetrics | where timestamp > ago(${noSuccessfulRunWindowInHours}h) | where name == "DefenderAlerts.OldestUndeliveredAgeInHours" | summarize arg_max(timestamp, valueMax) | project oldestUndeliveredAgeInHours = valueMax'

resource failedRunAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-run-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: a run failed'
    description: 'A collection run reported outcome failed, or its function invocation failed. See the exceptions and traces of the run (operation_Id) in Application Insights.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: failedRunQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource noSuccessfulRunAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-no-successful-run'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: no successful run in ${noSuccessfulRunWindowInHours} hours'
    description: 'No collection run succeeded in the last ${noSuccessfulRunWindowInHours} hours: alerts are not being delivered. Check the app is running, its schedule (cron) and the run-failed alert. Expect this to fire once right after the first deployment if the first run has not happened yet; it resolves itself.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    // The query filters its own window (up to 48 hours); a log alert can look back at most 2 days.
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: noSuccessfulRunQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'succeededRuns'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource oldestUndeliveredAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-oldest-undelivered'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: an undelivered alert is ${oldestUndeliveredAlertThresholdInDays} days old'
    description: 'The oldest Defender for Cloud alert not yet delivered is older than ${oldestUndeliveredAlertThresholdInDays} days and approaches the retention limit, after which it is gone. Raise max_alerts_per_run, run more often or fix the output.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: oldestUndeliveredQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'oldestUndeliveredAgeInHours'
          operator: 'GreaterThan'
          threshold: oldestUndeliveredAlertThresholdInDays * 24
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

// Workbook: runs by outcome, alert counts per run, the oldest undelivered alert, and recent failures.
var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'title'
      content: {
        json: '## Defender for Cloud alerts collector\nRuns, alert counts and failures of the last 7 days, from the telemetry names in src/telemetry/telemetryNames.ts.'
      }
    }
    {
      type: 3
      name: 'runs'
      content: {
        version: 'KqlItem/1.0'
        title: 'Runs per hour by outcome'
        query: 'customEvents | where name == "DefenderAlertsCollection" | extend outcome = tostring(customDimensions.outcome) | summarize runs = count() by outcome, bin(timestamp, 1h) | render timechart'
        size: 0
        timeContext: {
          durationMs: 604800000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'timechart'
      }
    }
    {
      type: 3
      name: 'counts'
      content: {
        version: 'KqlItem/1.0'
        title: 'Alerts fetched, new, updated, delivered, failed, oversized and backlog per hour'
        query: 'customMetrics | where name in ("DefenderAlerts.Fetched", "DefenderAlerts.New", "DefenderAlerts.Updated", "DefenderAlerts.Delivered", "DefenderAlerts.Failed", "DefenderAlerts.Oversized", "DefenderAlerts.Backlog") | summarize total = sum(valueSum) by name, bin(timestamp, 1h) | render timechart'
        size: 0
        timeContext: {
          durationMs: 604800000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'timechart'
      }
    }
    {
      type: 3
      name: 'oldestUndelivered'
      content: {
        version: 'KqlItem/1.0'
        title: 'Age of the oldest undelivered alert (hours)'
        query: 'customMetrics | where name == "DefenderAlerts.OldestUndeliveredAgeInHours" | summarize oldestUndeliveredAgeInHours = max(valueMax) by bin(timestamp, 1h) | render timechart'
        size: 0
        timeContext: {
          durationMs: 604800000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'timechart'
      }
    }
    {
      type: 3
      name: 'failures'
      content: {
        version: 'KqlItem/1.0'
        title: 'Recent failures'
        query: 'union (customEvents | where name == "DefenderAlertsCollection" and tostring(customDimensions.outcome) == "failed" | project timestamp, invocationId = tostring(customDimensions.invocationId), detail = "run reported failed"), (exceptions | project timestamp, invocationId = tostring(customDimensions.InvocationId), detail = strcat(type, ": ", outerMessage)) | order by timestamp desc | take 100'
        size: 0
        timeContext: {
          durationMs: 604800000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
  ]
  fallbackResourceIds: [
    applicationInsights.id
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, namePrefix, 'workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Defender for Cloud alerts collector (${namePrefix})'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbookContent)
  }
}

@description('Resource IDs of the three alert rules.')
output alertRuleIds string[] = [
  failedRunAlert.id
  noSuccessfulRunAlert.id
  oldestUndeliveredAlert.id
]

@description('Resource ID of the workbook.')
output workbookId string = workbook.id
