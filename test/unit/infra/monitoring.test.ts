import { METRIC_NAMES, RUN_DIMENSIONS, RUN_EVENT_NAME } from '../../../src/telemetry/telemetryNames';
import {
  allInfraFiles,
  propertyValues,
  readInfra,
  resourcesOfType,
  stringLiterals,
  variableValue,
  type BicepDeclaration,
} from '../../support/bicep';

const alerts = readInfra('app/monitoring-alerts.bicep');
const rules = resourcesOfType(alerts, 'Microsoft.Insights/scheduledQueryRules');

/** The KQL of a rule: its `query:` property, resolved when it names a variable. */
function queryOf(rule: BicepDeclaration): string {
  const query = propertyValues(rule.body, 'query')[0] ?? '';
  const expression = /^\w+$/.test(query) ? (variableValue(alerts, query) ?? '') : query;
  return stringLiterals(expression).join('');
}

function rule(symbol: string): BicepDeclaration {
  const found = rules.find((r) => r.symbol === symbol);
  if (!found) throw new Error(`app/monitoring-alerts.bicep has no scheduled query rule '${symbol}'`);
  return found;
}

/** Host dimensions the templates may query besides the collector's RUN_DIMENSIONS. */
const HOST_DIMENSIONS: Readonly<Record<string, string>> = {
  InvocationId: 'set by the Functions host on requests, traces and exceptions of an invocation',
};

describe('alert rules on Application Insights', () => {
  it('exist for a failed run, no successful run, and the oldest undelivered alert', () => {
    expect(rules.map((r) => r.symbol).sort()).toEqual([
      'failedRunAlert',
      'noSuccessfulRunAlert',
      'oldestUndeliveredAlert',
    ]);
    const scopes = rules.map((r) => `${r.symbol}: ${propertyValues(r.body, 'scopes')[0]}`);
    expect(rules.filter((r) => !r.body.includes('applicationInsights.id')).map((r) => r.symbol)).toEqual([]);
    expect(scopes).toHaveLength(3);
  });

  it('a failed run: the run event reports failed, or the function invocation failed', () => {
    const query = queryOf(rule('failedRunAlert'));
    expect(query).toContain(`customEvents | where name == "${RUN_EVENT_NAME}"`);
    expect(query).toContain('tostring(customDimensions.outcome) == "failed"');
    expect(query).toContain('requests | where success == false');
    expect(propertyValues(rule('failedRunAlert').body, 'threshold')).toEqual(['0']);
  });

  it('no successful run: counts succeeded run events over noSuccessfulRunWindowInHours and fires below one', () => {
    const query = queryOf(rule('noSuccessfulRunAlert'));
    expect(query).toContain('ago(${noSuccessfulRunWindowInHours}h)');
    expect(query).toContain(
      `name == "${RUN_EVENT_NAME}" and tostring(customDimensions.outcome) == "succeeded"`,
    );
    const body = rule('noSuccessfulRunAlert').body;
    expect([propertyValues(body, 'operator'), propertyValues(body, 'threshold')]).toEqual([
      ["'LessThan'"],
      ['1'],
    ]);
    expect(propertyValues(body, 'overrideQueryTimeRange')).toEqual(["'P2D'"]);
  });

  it('oldest undelivered alert: compares the metric with the threshold in days, in hours', () => {
    const query = queryOf(rule('oldestUndeliveredAlert'));
    expect(query).toContain(`customMetrics | where timestamp > ago(`);
    expect(query).toContain(`name == "${METRIC_NAMES.oldestUndeliveredAgeInHours}"`);
    const body = rule('oldestUndeliveredAlert').body;
    expect(propertyValues(body, 'threshold')).toEqual(['oldestUndeliveredAlertThresholdInDays * 24']);
    expect(propertyValues(body, 'operator')).toEqual(["'GreaterThan'"]);
  });

  it('notify the given action group, or a new one for alertEmail', () => {
    expect(variableValue(alerts, 'actionGroupIds')).toBe(
      '!empty(alertActionGroupResourceId)\n  ? [alertActionGroupResourceId]\n  : createActionGroup ? [actionGroup.id] : []',
    );
    expect(
      rules
        .filter((r) => !propertyValues(r.body, 'actionGroups').includes('actionGroupIds'))
        .map((r) => r.symbol),
    ).toEqual([]);
  });

  it('default to a 25-hour window and a 75-day threshold', () => {
    const main = readInfra('main.bicep');
    const defaults = Object.fromEntries(main.params.map((p) => [p.name, p.defaultValue]));
    expect([defaults.noSuccessfulRunWindowInHours, defaults.oldestUndeliveredAlertThresholdInDays]).toEqual([
      '25',
      '75',
    ]);
  });
});

describe('telemetry names in the templates', () => {
  const code = allInfraFiles()
    .map((file) => file.code)
    .join('\n');

  it('include a workbook over the run event', () => {
    const [workbook] = resourcesOfType(alerts, 'Microsoft.Insights/workbooks');
    expect(workbook?.body).toContain('string(workbookContent)');
    expect(variableValue(alerts, 'workbookContent')).toContain(`name == "${RUN_EVENT_NAME}"`);
  });

  it('name only events that src/telemetry/telemetryNames.ts defines', () => {
    const events = [...code.matchAll(/customEvents \| where name == "([^"]+)"/g)].map((m) => m[1]!);
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((name) => name !== RUN_EVENT_NAME)).toEqual([]);
  });

  it('name only metrics that src/telemetry/telemetryNames.ts defines', () => {
    const known: string[] = Object.values(METRIC_NAMES);
    const used = [...code.matchAll(/"(DefenderAlerts\.[A-Za-z]+)"/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !known.includes(name))).toEqual([]);
  });

  it('name only run dimensions that src/telemetry/telemetryNames.ts defines, or host dimensions', () => {
    const known: string[] = [...RUN_DIMENSIONS, ...Object.keys(HOST_DIMENSIONS)];
    const used = [...code.matchAll(/customDimensions\.(\w+)/g)].map((m) => m[1]!);
    expect(used.filter((name) => !known.includes(name))).toEqual([]);
  });
});
