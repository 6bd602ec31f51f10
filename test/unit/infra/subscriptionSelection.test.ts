import { SETTING_NAMES } from '../../../src/config/settingNames';
import {
  compiledTemplate,
  deploymentFailure,
  SNAPSHOT_CONTEXT,
  type DeploymentSnapshot,
} from '../../support/bicep';
import {
  EXCLUDED_SUBSCRIPTION_ID,
  LISTED_SUBSCRIPTION_ID,
  MANAGEMENT_GROUP_ID,
  onlyResource,
  OTHER_SUBSCRIPTION_ID,
  snapshotOf,
  type ScenarioName,
} from './scenarios';

/**
 * Which subscriptions a deployment collects: main.bicep's collectedSubscriptionId, subscriptionIds, managementGroupId
 * and excludeSubscriptionIds, as the app settings src/config/subscriptionSelection.ts reads, and the checks that stop a
 * deployment the collector would refuse at its first run.
 */
const REQUIRED = { environmentName: 'collector-test', location: SNAPSHOT_CONTEXT.location } as const;

const SELECTION_SETTINGS: readonly string[] = [
  SETTING_NAMES.subscriptionId,
  SETTING_NAMES.subscriptionIds,
  SETTING_NAMES.managementGroupId,
  SETTING_NAMES.excludeSubscriptionIds,
];

/** The subscription selection settings of the Function App, by name. */
function selectionOf(snapshot: DeploymentSnapshot): Record<string, unknown> {
  const site = onlyResource(snapshot, 'Microsoft.Web/sites');
  const settings = (site.properties?.siteConfig as { appSettings: { name: string; value: unknown }[] })
    .appSettings;
  return Object.fromEntries(
    settings.filter((s) => SELECTION_SETTINGS.includes(s.name)).map((s) => [s.name, s.value]),
  );
}

describe('the subscription selection settings', () => {
  it.each<[ScenarioName, Record<string, unknown>]>([
    // Nothing says otherwise: the deployment subscription, as before.
    ['blob', { [SETTING_NAMES.subscriptionId]: SNAPSHOT_CONTEXT.subscriptionId }],
    // A list or a management group says which: subscription_id is not set; the list is trimmed and lower-cased.
    [
      'tenantWide',
      {
        [SETTING_NAMES.subscriptionIds]: `${OTHER_SUBSCRIPTION_ID},${LISTED_SUBSCRIPTION_ID}`,
        [SETTING_NAMES.managementGroupId]: MANAGEMENT_GROUP_ID,
        [SETTING_NAMES.excludeSubscriptionIds]: EXCLUDED_SUBSCRIPTION_ID,
      },
    ],
    [
      'allVisible',
      {
        [SETTING_NAMES.subscriptionIds]: '*',
        [SETTING_NAMES.excludeSubscriptionIds]: EXCLUDED_SUBSCRIPTION_ID,
      },
    ],
  ])('%s', (scenario, expected) => {
    expect(selectionOf(snapshotOf(scenario))).toEqual(expected);
  });

  it('exports the collected subscription only when there is one', () => {
    expect(snapshotOf('tenantWide').outputs.DEFENDER_COLLECTED_SUBSCRIPTION_ID).toBe('');
    expect(snapshotOf('blob').outputs.DEFENDER_COLLECTED_SUBSCRIPTION_ID).toBe(
      SNAPSHOT_CONTEXT.subscriptionId,
    );
  });

  it('are parameters of main.bicep, empty by default', () => {
    const parameters = compiledTemplate().parameters ?? {};
    expect(
      ['subscriptionIds', 'managementGroupId', 'excludeSubscriptionIds'].map((name) => [
        name,
        parameters[name]?.type,
        parameters[name]?.defaultValue,
      ]),
    ).toEqual([
      ['subscriptionIds', 'string', ''],
      ['managementGroupId', 'string', ''],
      ['excludeSubscriptionIds', 'string', ''],
    ]);
  });
});

describe('invalid subscription selections stop the deployment', () => {
  const GUID = '00000000-0000-0000-0000-0000000000b5';

  it.each<[string, Record<string, string | boolean>, RegExp]>([
    [
      'a display name as management group ID',
      { managementGroupId: 'Contoso Security' },
      /managementGroupId 'Contoso Security' contains ' ', which Azure refuses in a management group ID/,
    ],
    [
      'a resource ID as management group ID',
      { managementGroupId: `/providers/Microsoft.Management/managementGroups/${MANAGEMENT_GROUP_ID}` },
      /contains '\/', which Azure refuses in a management group ID .* not its display name or its resource ID/,
    ],
    [
      'a management group ID of 91 characters',
      { managementGroupId: 'g'.repeat(91) },
      /is longer than 90 characters/,
    ],
    [
      'a management group ID ending with a period',
      { managementGroupId: 'contoso.' },
      /managementGroupId 'contoso\.' ends with a period/,
    ],
    [
      '* among subscription IDs',
      { subscriptionIds: `*,${GUID}` },
      /subscriptionIds '\*,[^']+' mixes \* with subscription IDs/,
    ],
    [
      'a listed item that is no subscription ID',
      { subscriptionIds: `${GUID},${GUID.slice(0, 35)}` },
      /'00000000-0000-0000-0000-0000000000b' is not a subscription ID/,
    ],
    [
      'an empty item in the list',
      { subscriptionIds: `${GUID},` },
      /subscriptionIds '[^']+': '' is not a subscription ID/,
    ],
    [
      'an excluded item that is no subscription ID',
      { managementGroupId: MANAGEMENT_GROUP_ID, excludeSubscriptionIds: 'sandbox' },
      /excludeSubscriptionIds 'sandbox': 'sandbox' is not a subscription ID/,
    ],
    [
      'a subscription both listed and excluded',
      {
        managementGroupId: MANAGEMENT_GROUP_ID,
        subscriptionIds: GUID.toUpperCase(),
        excludeSubscriptionIds: GUID,
      },
      /00000000-0000-0000-0000-0000000000b5 is both named .* and excluded/,
    ],
    [
      'exclusions with nothing discovered',
      { subscriptionIds: OTHER_SUBSCRIPTION_ID, excludeSubscriptionIds: GUID },
      /excludeSubscriptionIds is set, but nothing is discovered/,
    ],
    [
      'management group roles without a management group',
      { subscriptionIds: '*', assignManagementGroupReader: true },
      /assignManagementGroupSecurityReader or assignManagementGroupReader is true but managementGroupId is empty/,
    ],
  ])('%s', (_, parameters, message) => {
    expect(deploymentFailure({ ...REQUIRED, ...parameters })).toMatch(message);
  });
});
