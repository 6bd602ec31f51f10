// Log alerts and a workbook over the collector's telemetry, and metric alerts on the outbox's Event Grid system topic.
// The event, dimension and metric names come from src/telemetry/telemetryNames.ts (RUN_EVENT_NAME, RUN_DIMENSIONS,
// METRIC_NAMES, SCHEDULE_METRIC_NAMES) and src/telemetry/runTelemetry.ts (the reason of a skipped run): change them
// together. Every worker run's event and metrics carry subscriptionId, so the per-subscription rules split on it.

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
@maxValue(48)
@description('Required. Hours without a successful collection of one subscription before the subscription-not-collected alert fires for it.')
param noSuccessfulCollectionWindowInHours int

@minValue(1)
@maxValue(89)
@description('Required. Age in days of the oldest undelivered alert of a subscription at which the retention alert fires for it.')
param oldestUndeliveredAlertThresholdInDays int

@minValue(1)
@maxValue(2880)
@description('Required. Age in minutes of a work item, from the timer queuing it to a worker running it, above which the work-item-age alert fires.')
param workItemMaxAgeInMinutes int

@description('Required. Name of the Event Grid system topic of the outbox, whose dead-lettered and dropped events raise metric alerts.')
param systemTopicName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
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

// (a) A run failed: the Functions host recorded a failed invocation. Every handler logs and rethrows, so a run that
// reports outcome failed is also a failed request, and so is a crash before any event was sent. Log search alert rules
// don't accept search or union outside cross-resource queries, hence one table. Evaluated every 15 minutes over the
// last 30, so that a request ingested late still falls in a window.
var failedRunQuery = 'requests | where success == false'

// (b) No successful run in the window. summarize without "by" always returns one row, so an empty window gives 0.
var noSuccessfulRunQuery = 'customEvents | where timestamp > ago(${noSuccessfulRunWindowInHours}h) | where name == "DefenderAlertsCollection" and tostring(customDimensions.outcome) == "succeeded" | summarize succeededRuns = count()'

// (c) A subscription's oldest alert not yet delivered approaches Defender for Cloud's retention: the latest sample of each
// subscription in the window, one alert per subscription (dimension subscriptionId).
var oldestUndeliveredQuery = 'customMetrics | where timestamp > ago(${noSuccessfulRunWindowInHours}h) | where name == "DefenderAlerts.OldestUndeliveredAgeInHours" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)) | summarize arg_max(timestamp, valueMax) by subscriptionId | project subscriptionId, oldestUndeliveredAgeInHours = valueMax'

// (d) A poison queue holds messages: work items or batches that failed every attempt and wait for replay. The timer
// reports each poison queue's approximate message count once per cycle; any count above zero in the last hour fires,
// one alert per queue (dimension queue).
var poisonMessagesQuery = 'customMetrics | where name == "DefenderAlerts.PoisonMessages" | extend queue = tostring(customDimensions.queue) | summarize poisonMessages = max(valueMax) by queue'

// (e) Work items wait longer than a cycle: the largest age a worker reported in the last hour, from the timer queuing
// the item to the worker running it.
var workItemAgeQuery = 'customMetrics | where name == "DefenderAlerts.WorkItemAgeInMinutes" | summarize workItemAgeInMinutes = max(valueMax)'

// (g) A subscription not collected: every subscription that had a worker run in the last 2 days (the longest range a
// log alert can query, whatever ago() says) and no succeeded run in the window, one alert per subscription (dimension
// subscriptionId). Failed and skipped runs (forbidden, notFound, notRegistered) both count as not collected. A
// subscription discovery stops finding leaves no run at all: it fires here until its last run is 2 days old, and shows
// in the workbook's per-subscription table for 7 days.
var subscriptionNotCollectedQuery = 'customEvents | where timestamp > ago(2d) | where name == "DefenderAlertsCollection" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)), outcome = tostring(customDimensions.outcome) | where isnotempty(subscriptionId) | summarize succeededRuns = countif(outcome == "succeeded" and timestamp > ago(${noSuccessfulCollectionWindowInHours}h)) by subscriptionId'

// (h) Discovery found no subscription: the latest timer run in the window queued no work item. Only the latest run
// counts, so the rule resolves with the first run that finds one; no timer run at all is the no-successful-run rule's.
var nothingDiscoveredQuery = 'customMetrics | where timestamp > ago(${noSuccessfulRunWindowInHours}h) | where name == "DefenderAlerts.WorkItems" | top 1 by timestamp desc | project workItems = valueMax'

resource failedRunAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-run-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: a run failed'
    description: 'An invocation of the timer, the worker or the forwarder failed (the handlers rethrow every failure). See the exceptions and traces of its operation_Id in Application Insights.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
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
    description: 'The oldest Defender for Cloud alert not yet delivered of a subscription (named in the alert\'s subscriptionId dimension) is older than ${oldestUndeliveredAlertThresholdInDays} days and approaches the retention limit, after which it is gone. Raise max_alerts_per_run, run more often or fix the output.'
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
          dimensions: [
            {
              name: 'subscriptionId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
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

resource subscriptionNotCollectedAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-subscription-not-collected'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: a subscription not collected in ${noSuccessfulCollectionWindowInHours} hours'
    description: 'A subscription (named in the alert\'s subscriptionId dimension) had collection runs in the last 2 days but none succeeded in the last ${noSuccessfulCollectionWindowInHours} hours: its alerts are not being delivered, while the others may be. Its DefenderAlertsCollection events say why (outcome failed, or skipped with reason forbidden, notFound or notRegistered): grant Security Reader, register Microsoft.Security, or exclude it with exclude_subscription_ids.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    // The query filters its own range: 2 days, the most a log alert can query.
    overrideQueryTimeRange: 'P2D'
    criteria: {
      allOf: [
        {
          query: subscriptionNotCollectedQuery
          timeAggregation: 'Total'
          metricMeasureColumn: 'succeededRuns'
          dimensions: [
            {
              name: 'subscriptionId'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
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

resource nothingDiscoveredAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-nothing-discovered'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: discovery found no subscription'
    description: 'The latest timer run queued no work item: subscription_ids * or management_group_id found no subscription to collect (none visible to the identity, all disabled, deleted, in another tenant or excluded; see the DefenderAlerts.Discovery.* metrics of that run). Check the identity\'s roles at the management group (Reader, Security Reader) or on the subscriptions, and exclude_subscription_ids.'
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
          query: nothingDiscoveredQuery
          timeAggregation: 'Minimum'
          metricMeasureColumn: 'workItems'
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

resource poisonMessagesAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-poison-messages'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: a poison queue holds messages'
    description: 'A poison queue (named in the alert\'s queue dimension) holds messages that failed every attempt: work items of <work_queue>-poison were not collected, batches of <forward_queue>-poison were not forwarded. Find the cause in the failed invocations, fix it, then move them back with npm run alerts -- replay poison.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: poisonMessagesQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'poisonMessages'
          dimensions: [
            {
              name: 'queue'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
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

resource workItemAgeAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-work-item-age'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Defender alerts collector: work items wait more than ${workItemMaxAgeInMinutes} minutes'
    description: 'A worker ran a work item more than ${workItemMaxAgeInMinutes} minutes after the timer queued it: the work queue falls behind its cycle. Check the collectSubscription failures and retries, and the app\'s instance limit.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: workItemAgeQuery
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'workItemAgeInMinutes'
          operator: 'GreaterThan'
          threshold: workItemMaxAgeInMinutes
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

// (f) Event Grid could not put a batch's event on the forward queue: dead-lettered into <outbox>-deadletter after its
// retries, or dropped (no dead-letter possible). One rule per metric: the criteria of one metric alert must all hold.
// Either way the batch stays in the outbox and replay (outbox) forwards it.
var eventGridMetricAlerts = [
  {
    suffix: 'events-dead-lettered'
    metricName: 'DeadLetteredCount'
    description: 'Event Grid could not put outbox batch events on the forward queue and dead-lettered them (JSON blobs in the <outbox>-deadletter container). Those batches are not forwarded until replayed from the outbox (npm run alerts -- replay outbox --from <time> --to <time>).'
  }
  {
    suffix: 'events-dropped'
    metricName: 'DroppedEventCount'
    description: 'Event Grid dropped outbox batch events: neither delivered to the forward queue nor dead-lettered (check the system topic identity\'s roles and the dead-letter container). Those batches are not forwarded until replayed from the outbox (npm run alerts -- replay outbox --from <time> --to <time>).'
  }
]

resource eventGridAlerts 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for alert in eventGridMetricAlerts: {
    name: '${namePrefix}-${alert.suffix}'
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: 1
      enabled: true
      scopes: [
        systemTopic.id
      ]
      evaluationFrequency: 'PT15M'
      windowSize: 'PT1H'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: '${alert.metricName}AboveZero'
            metricNamespace: 'Microsoft.EventGrid/systemTopics'
            metricName: alert.metricName
            timeAggregation: 'Total'
            operator: 'GreaterThan'
            threshold: 0
          }
        ]
      }
      autoMitigate: true
      actions: [
        for actionGroupId in actionGroupIds: {
          actionGroupId: actionGroupId
        }
      ]
    }
  }
]

// Per subscription over the workbook's 7 days, from the worker runs' events alone (their measurements hold the run's
// counts): last run, last success and the lag since, alerts delivered (in 7 days, per day on average, in the last 24
// hours), and runs by outcome with the reasons of the skipped ones. Subscriptions whose last success is oldest come first;
// one with no success in 7 days has an empty lastSucceeded and lagInHours.
var subscriptionHealthQuery = join(
  [
    'customEvents'
    '| where timestamp > ago(7d)'
    '| where name == "DefenderAlertsCollection"'
    '| extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)), outcome = tostring(customDimensions.outcome), reason = tostring(customDimensions.reason), delivered = todouble(customMeasurements["DefenderAlerts.Delivered"])'
    '| where isnotempty(subscriptionId)'
    '| summarize lastRun = max(timestamp), lastSucceeded = maxif(timestamp, outcome == "succeeded"), delivered7d = sum(delivered), delivered24h = sumif(delivered, timestamp > ago(1d)), succeeded = countif(outcome == "succeeded"), failed = countif(outcome == "failed"), skipped = countif(outcome == "skipped"), skipReasons = make_set_if(reason, outcome == "skipped"), lastFailed = maxif(timestamp, outcome == "failed") by subscriptionId'
    '| extend lagInHours = round((now() - lastSucceeded) / 1h, 1), deliveredPerDay = round(delivered7d / 7.0, 1)'
    '| project subscriptionId, lastSucceeded, lagInHours, lastRun, deliveredPerDay, delivered24h, delivered7d, succeeded, failed, lastFailed, skipped, skipReasons'
    '| order by lastSucceeded asc nulls first'
  ],
  ' '
)

// What each timer run discovered: work items queued and subscriptions left out, by reason.
var discoveryQuery = 'customMetrics | where name in ("DefenderAlerts.WorkItems", "DefenderAlerts.Discovery.Disabled", "DefenderAlerts.Discovery.Deleted", "DefenderAlerts.Discovery.OtherTenant", "DefenderAlerts.Discovery.Excluded") | summarize value = max(valueMax) by name, bin(timestamp, 1h) | render timechart'

// Workbook: the subscriptions' health, discovery, runs by outcome, alert counts per run, the oldest undelivered alert,
// and recent failures.
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
      name: 'subscriptions'
      content: {
        version: 'KqlItem/1.0'
        title: 'Subscriptions: last success, lag, alerts delivered, failures and skips (7 days)'
        query: subscriptionHealthQuery
        size: 0
        timeContext: {
          durationMs: 604800000
        }
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: 'table'
      }
    }
    {
      type: 3
      name: 'discovery'
      content: {
        version: 'KqlItem/1.0'
        title: 'Discovery per timer run: work items queued, subscriptions left out by reason'
        query: discoveryQuery
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
        title: 'Age of the oldest undelivered alert (hours), the 10 oldest subscriptions'
        query: 'customMetrics | where name == "DefenderAlerts.OldestUndeliveredAgeInHours" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)) | summarize oldestUndeliveredAgeInHours = max(valueMax) by subscriptionId, bin(timestamp, 1h) | join kind=inner (customMetrics | where name == "DefenderAlerts.OldestUndeliveredAgeInHours" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)) | summarize peak = max(valueMax) by subscriptionId | top 10 by peak desc) on subscriptionId | project timestamp, subscriptionId, oldestUndeliveredAgeInHours | render timechart'
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
        query: 'union (customEvents | where name == "DefenderAlertsCollection" and tostring(customDimensions.outcome) == "failed" | project timestamp, subscriptionId = tostring(customDimensions.subscriptionId), invocationId = tostring(customDimensions.invocationId), detail = "run reported failed"), (exceptions | project timestamp, subscriptionId = "", invocationId = tostring(customDimensions.InvocationId), detail = strcat(type, ": ", outerMessage)) | order by timestamp desc | take 100'
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

@description('Resource IDs of the log alert rules.')
output alertRuleIds string[] = [
  failedRunAlert.id
  noSuccessfulRunAlert.id
  oldestUndeliveredAlert.id
  poisonMessagesAlert.id
  workItemAgeAlert.id
  subscriptionNotCollectedAlert.id
  nothingDiscoveredAlert.id
]

@description('Resource IDs of the metric alert rules on the Event Grid system topic.')
output metricAlertRuleIds string[] = [for (alert, i) in eventGridMetricAlerts: eventGridAlerts[i].id]

@description('Resource ID of the workbook.')
output workbookId string = workbook.id
