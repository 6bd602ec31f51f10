import {
  FORWARD_METRIC_NAMES,
  METRIC_NAMES,
  RUN_DIMENSIONS,
  RUN_EVENT_NAME,
  SCHEDULE_METRIC_NAMES,
} from '../../../src/telemetry/telemetryNames';
import type { RunDimensions } from '../../../src/telemetry/runTelemetry';
import { compiledTemplate, stringsIn, type PredictedResource } from '../../support/bicep';
import {
  EXISTING_ACTION_GROUP_ID,
  onlyResource,
  resourcesOfType,
  snapshotOf,
  type ScenarioName,
} from './scenarios';

interface RuleCriterion {
  readonly query: string;
  readonly operator: string;
  readonly threshold: number;
  readonly timeAggregation: string;
  readonly metricMeasureColumn?: string;
  readonly dimensions?: unknown[];
}

/** The scheduled query rules a scenario deploys, by the part of their name after the prefix. */
function rulesOf(scenario: ScenarioName): Record<string, PredictedResource> {
  return Object.fromEntries(
    resourcesOfType(snapshotOf(scenario), 'Microsoft.Insights/scheduledQueryRules').map((rule) => [
      rule.name.replace(/^alert-[a-z0-9]+-/, ''),
      rule,
    ]),
  );
}

function criterionOf(rule: PredictedResource | undefined): RuleCriterion {
  const criteria = rule?.properties?.criteria as { allOf: RuleCriterion[] } | undefined;
  if (criteria?.allOf.length !== 1) throw new Error(`expected one criterion: ${JSON.stringify(criteria)}`);
  return criteria.allOf[0]!;
}

/** Host dimensions the templates may query besides the collector's RUN_DIMENSIONS. */
const HOST_DIMENSIONS: Readonly<Record<string, string>> = {
  InvocationId: 'set by the Functions host on requests, traces and exceptions of an invocation',
};

/**
 * Dimensions of the run event outside RUN_DIMENSIONS, sent by src/telemetry/runTelemetry.ts only when they apply. The
 * type annotation breaks the type check (npm run typecheck) when RunDimensions drops the key.
 */
const REASON: keyof RunDimensions = 'reason';
const OPTIONAL_RUN_DIMENSIONS: Readonly<Record<string, string>> = {
  [REASON]:
    'why a run was skipped (forbidden, notFound, notRegistered): RunDimensions.reason, on skipped runs only',
};

/** Metric dimensions outside RUN_DIMENSIONS, sent by src/telemetry/runTelemetry.ts. */
const METRIC_DIMENSIONS: Readonly<Record<string, string>> = {
  queue: `the poison queue of ${SCHEDULE_METRIC_NAMES.poisonMessages} (RunTelemetry.recordSchedule)`,
};

/** The metric alert rules a scenario deploys, by the part of their name after the prefix. */
function metricAlertsOf(scenario: ScenarioName): Record<string, PredictedResource> {
  return Object.fromEntries(
    resourcesOfType(snapshotOf(scenario), 'Microsoft.Insights/metricAlerts').map((rule) => [
      rule.name.replace(/^alert-[a-z0-9]+-/, ''),
      rule,
    ]),
  );
}

describe('alert rules on Application Insights', () => {
  const rules = rulesOf('blob');

  it('exist for a failed run, no successful run, a subscription not collected, nothing discovered, the oldest undelivered alert, poison messages and old work items, each on the component', () => {
    expect(Object.keys(rules).sort()).toEqual([
      'no-successful-run',
      'nothing-discovered',
      'oldest-undelivered',
      'poison-messages',
      'run-failed',
      'subscription-not-collected',
      'work-item-age',
    ]);
    const appInsights = onlyResource(snapshotOf('blob'), 'Microsoft.Insights/components').id;
    expect(Object.values(rules).map((rule) => rule.properties?.scopes)).toEqual(
      Object.keys(rules).map(() => [appInsights]),
    );
  });

  it('a failed run: any failed invocation, over the last 30 minutes every 15, since every handler rethrows', () => {
    const rule = rules['run-failed'];
    const criterion = criterionOf(rule);
    expect(criterion).toMatchObject({
      query: 'requests | where success == false',
      timeAggregation: 'Count',
      operator: 'GreaterThan',
      threshold: 0,
    });
    expect([rule?.properties?.windowSize, rule?.properties?.evaluationFrequency]).toEqual(['PT30M', 'PT15M']);
  });

  it('query one table each: log search alert rules refuse search and union outside cross-resource queries', () => {
    const queries = Object.values(rules).map((rule) => criterionOf(rule).query);
    expect(queries.filter((query) => /\b(union|search)\b/.test(query))).toEqual([]);
  });

  it('no successful run: counts succeeded run events over noSuccessfulRunWindowInHours and fires below one', () => {
    const criterion = criterionOf(rules['no-successful-run']);
    expect(criterion.query).toContain('ago(25h)');
    expect(criterion.query).toContain(
      `name == "${RUN_EVENT_NAME}" and tostring(customDimensions.outcome) == "succeeded"`,
    );
    expect([criterion.operator, criterion.threshold]).toEqual(['LessThan', 1]);
    expect(rules['no-successful-run']?.properties?.overrideQueryTimeRange).toBe('P2D');
    expect(criterionOf(rulesOf('appRegistration')['no-successful-run']).query).toContain('ago(30h)');
  });

  it('oldest undelivered alert: the latest value of each subscription against the threshold in days, in hours, one alert per subscription', () => {
    const criterion = criterionOf(rules['oldest-undelivered']);
    expect(criterion.query).toBe(
      `customMetrics | where timestamp > ago(25h) | where name == "${METRIC_NAMES.oldestUndeliveredAgeInHours}" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)) | summarize arg_max(timestamp, valueMax) by subscriptionId | project subscriptionId, oldestUndeliveredAgeInHours = valueMax`,
    );
    expect(criterion).toMatchObject({
      timeAggregation: 'Maximum',
      metricMeasureColumn: 'oldestUndeliveredAgeInHours',
      dimensions: [{ name: 'subscriptionId', operator: 'Include', values: ['*'] }],
      operator: 'GreaterThan',
      threshold: 75 * 24,
    });
    expect(criterionOf(rulesOf('appRegistration')['oldest-undelivered']).threshold).toBe(60 * 24);
  });

  it('a subscription not collected: each subscription with a run in the last 2 days and no success in the window, one alert per subscription', () => {
    const rule = rules['subscription-not-collected'];
    const criterion = criterionOf(rule);
    expect(criterion.query).toBe(
      `customEvents | where timestamp > ago(2d) | where name == "${RUN_EVENT_NAME}" | extend subscriptionId = tolower(tostring(customDimensions.subscriptionId)), outcome = tostring(customDimensions.outcome) | where isnotempty(subscriptionId) | summarize succeededRuns = countif(outcome == "succeeded" and timestamp > ago(25h)) by subscriptionId`,
    );
    expect(criterion).toMatchObject({
      timeAggregation: 'Total',
      metricMeasureColumn: 'succeededRuns',
      dimensions: [{ name: 'subscriptionId', operator: 'Include', values: ['*'] }],
      operator: 'LessThan',
      threshold: 1,
    });
    // 2 days is the longest range a log alert can query, whatever ago() in the query says.
    expect(rule?.properties).toMatchObject({
      evaluationFrequency: 'PT1H',
      windowSize: 'PT1H',
      overrideQueryTimeRange: 'P2D',
    });
    expect(criterionOf(rulesOf('tenantWide')['subscription-not-collected']).query).toContain(
      'timestamp > ago(30h)',
    );
  });

  it('nothing discovered: the latest timer run in the window queued no work item', () => {
    const rule = rules['nothing-discovered'];
    const criterion = criterionOf(rule);
    // top 1 returns no row when no timer ran, so the rule stays quiet then (no-successful-run's case).
    expect(criterion.query).toBe(
      `customMetrics | where timestamp > ago(25h) | where name == "${SCHEDULE_METRIC_NAMES.workItems}" | top 1 by timestamp desc | project workItems = valueMax`,
    );
    expect(criterion).toMatchObject({
      timeAggregation: 'Minimum',
      metricMeasureColumn: 'workItems',
      operator: 'LessThan',
      threshold: 1,
    });
    expect(criterion.dimensions).toBeUndefined();
    expect(rule?.properties).toMatchObject({ evaluationFrequency: 'PT1H', overrideQueryTimeRange: 'P2D' });
  });

  it('poison messages: any count above zero in the last hour, one alert per poison queue', () => {
    const rule = rules['poison-messages'];
    const criterion = criterionOf(rule);
    expect(criterion.query).toBe(
      `customMetrics | where name == "${SCHEDULE_METRIC_NAMES.poisonMessages}" | extend queue = tostring(customDimensions.queue) | summarize poisonMessages = max(valueMax) by queue`,
    );
    expect(criterion).toMatchObject({
      timeAggregation: 'Maximum',
      metricMeasureColumn: 'poisonMessages',
      dimensions: [{ name: 'queue', operator: 'Include', values: ['*'] }],
      operator: 'GreaterThan',
      threshold: 0,
    });
    expect([rule?.properties?.windowSize, rule?.properties?.evaluationFrequency]).toEqual(['PT1H', 'PT15M']);
  });

  it('old work items: the largest work item age in the last hour above workItemMaxAgeInMinutes', () => {
    const rule = rules['work-item-age'];
    const criterion = criterionOf(rule);
    expect(criterion.query).toBe(
      `customMetrics | where name == "${METRIC_NAMES.workItemAgeInMinutes}" | summarize workItemAgeInMinutes = max(valueMax)`,
    );
    expect(criterion).toMatchObject({
      timeAggregation: 'Maximum',
      metricMeasureColumn: 'workItemAgeInMinutes',
      operator: 'GreaterThan',
      threshold: 90,
    });
    expect([rule?.properties?.windowSize, rule?.properties?.evaluationFrequency]).toEqual(['PT1H', 'PT15M']);
    expect(criterionOf(rulesOf('appRegistration')['work-item-age']).threshold).toBe(150);
  });

  it('notify the given action group, or a new one for alertEmail, or no one', () => {
    const actionGroupsOf = (scenario: ScenarioName) => [
      ...new Set([
        ...Object.values(rulesOf(scenario)).map((rule) =>
          JSON.stringify((rule.properties?.actions as { actionGroups: unknown }).actionGroups),
        ),
        ...Object.values(metricAlertsOf(scenario)).map((rule) =>
          JSON.stringify(
            (rule.properties?.actions as { actionGroupId: string }[]).map((action) => action.actionGroupId),
          ),
        ),
      ]),
    ];
    expect(actionGroupsOf('blob')).toEqual(['[]']);
    expect(actionGroupsOf('existingEventHub')).toEqual([JSON.stringify([EXISTING_ACTION_GROUP_ID])]);
    const created = onlyResource(snapshotOf('appRegistration'), 'Microsoft.Insights/actionGroups');
    expect(actionGroupsOf('appRegistration')).toEqual([JSON.stringify([created.id])]);
    expect(created.properties?.emailReceivers).toEqual([
      { name: 'collector-operator', emailAddress: 'secops@example.com', useCommonAlertSchema: true },
    ]);
    expect(resourcesOfType(snapshotOf('blob'), 'Microsoft.Insights/actionGroups')).toEqual([]);
  });

  it('default to 25-hour windows, a 75-day threshold and a 90-minute work item age', () => {
    const parameters = compiledTemplate().parameters ?? {};
    expect([
      parameters.noSuccessfulRunWindowInHours?.defaultValue,
      parameters.noSuccessfulCollectionWindowInHours?.defaultValue,
      parameters.oldestUndeliveredAlertThresholdInDays?.defaultValue,
      parameters.workItemMaxAgeInMinutes?.defaultValue,
    ]).toEqual([25, 25, 75, 90]);
    // The per-subscription rule sees subscriptions with a run in the last 2 days: a longer window would never fire.
    expect(parameters.noSuccessfulCollectionWindowInHours).toMatchObject({ minValue: 1, maxValue: 48 });
  });
});

describe('metric alert rules on the Event Grid system topic', () => {
  const alerts = metricAlertsOf('blob');

  it.each([
    ['events-dead-lettered', 'DeadLetteredCount'],
    ['events-dropped', 'DroppedEventCount'],
  ])('%s: any %s in the last hour, on the system topic', (suffix, metricName) => {
    const alert = alerts[suffix];
    const systemTopic = onlyResource(snapshotOf('blob'), 'Microsoft.EventGrid/systemTopics');
    expect(alert?.location).toBe('global');
    expect(alert?.properties).toMatchObject({
      enabled: true,
      scopes: [systemTopic.id],
      evaluationFrequency: 'PT15M',
      windowSize: 'PT1H',
      autoMitigate: true,
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion',
            metricNamespace: 'Microsoft.EventGrid/systemTopics',
            metricName,
            timeAggregation: 'Total',
            operator: 'GreaterThan',
            threshold: 0,
          },
        ],
      },
    });
  });

  it('are one rule per metric, since the criteria of one metric alert must all hold', () => {
    expect(Object.keys(alerts).sort()).toEqual(['events-dead-lettered', 'events-dropped']);
    const criteria = Object.values(alerts).map(
      (alert) => (alert.properties?.criteria as { allOf: unknown[] }).allOf.length,
    );
    expect(criteria).toEqual([1, 1]);
  });
});

describe('telemetry names in the templates', () => {
  const strings = stringsIn(compiledTemplate());

  it('include a workbook over the run event', () => {
    const workbook = onlyResource(snapshotOf('blob'), 'Microsoft.Insights/workbooks');
    const content = JSON.parse(String(workbook.properties?.serializedData)) as unknown;
    expect(stringsIn(content).some((text) => text.includes(`name == "${RUN_EVENT_NAME}"`))).toBe(true);
  });

  it('include a workbook table per subscription: last success, lag, alerts delivered per day, failures and skips with their reason', () => {
    const workbook = onlyResource(snapshotOf('blob'), 'Microsoft.Insights/workbooks');
    const content = JSON.parse(String(workbook.properties?.serializedData)) as {
      items: { name: string; content: { query?: string; visualization?: string } }[];
    };
    const table = content.items.find((item) => item.name === 'subscriptions')?.content;
    expect(table?.visualization).toBe('table');
    const query = table?.query ?? '';
    // One table: the run events, whose measurements hold the run's counts.
    expect(
      query.startsWith(`customEvents | where timestamp > ago(7d) | where name == "${RUN_EVENT_NAME}"`),
    ).toBe(true);
    expect(query).not.toMatch(/\b(union|join)\b/);
    expect(query).toContain(`customMeasurements["${METRIC_NAMES.delivered}"]`);
    expect(query).toContain('by subscriptionId');
    const columns = /\| project ([^|]+)/
      .exec(query)?.[1]
      ?.split(',')
      .map((column) => column.trim());
    expect(columns).toEqual([
      'subscriptionId',
      'lastSucceeded',
      'lagInHours',
      'lastRun',
      'deliveredPerDay',
      'delivered24h',
      'delivered7d',
      'succeeded',
      'failed',
      'lastFailed',
      'skipped',
      'skipReasons',
    ]);
    expect(query).toContain('lagInHours = round((now() - lastSucceeded) / 1h, 1)');
    expect(query).toContain('skipReasons = make_set_if(reason, outcome == "skipped")');
  });

  it('name only events that src/telemetry/telemetryNames.ts defines', () => {
    const events = strings.flatMap((text) =>
      [...text.matchAll(/customEvents \| where name == "([^"]+)"/g)].map((m) => m[1]!),
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((name) => name !== RUN_EVENT_NAME)).toEqual([]);
  });

  it('name only metrics that src/telemetry/telemetryNames.ts defines', () => {
    const known: string[] = [
      ...Object.values(METRIC_NAMES),
      ...Object.values(SCHEDULE_METRIC_NAMES),
      ...Object.values(FORWARD_METRIC_NAMES),
    ];
    const used = strings.flatMap((text) =>
      [...text.matchAll(/"(DefenderAlerts\.[A-Za-z.]+)"/g)].map((m) => m[1]!),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !known.includes(name))).toEqual([]);
  });

  it('name only run dimensions that src/telemetry/telemetryNames.ts defines, metric dimensions, or host dimensions', () => {
    const known: string[] = [
      ...RUN_DIMENSIONS,
      ...Object.keys(OPTIONAL_RUN_DIMENSIONS),
      ...Object.keys(METRIC_DIMENSIONS),
      ...Object.keys(HOST_DIMENSIONS),
    ];
    const used = strings.flatMap((text) => [...text.matchAll(/customDimensions\.(\w+)/g)].map((m) => m[1]!));
    expect(used.filter((name) => !known.includes(name))).toEqual([]);
  });
});
