import { loadSettings } from '../../../src/config/settings';
import { createArmClient } from '../../../src/defender/createArmClient';
import { discoverSubscriptions } from '../../../src/defender/discoverSubscriptions';
import { RecordingLogger } from '../../../src/telemetry/logger';
import type { DefenderApiEmulator } from '../../../emulators/defender/defenderApiEmulator';
import {
  FAST_RETRIES,
  SUBSCRIPTION_ID,
  testSettings,
  OTHER_TENANT_ID as OTHER_TENANT,
  startEmulator,
  tenantSubscription as sub,
} from '../../support/collectorHarness';

let emulator: DefenderApiEmulator;
beforeAll(async () => {
  emulator = await startEmulator(undefined, { listPageSize: 3 });
  emulator.addSubscription(sub(1));
  emulator.addSubscription(sub(2), { state: 'Warned' });
  emulator.addSubscription(sub(3), { state: 'PastDue' });
  emulator.addSubscription(sub(4), { state: 'Disabled' });
  emulator.addSubscription(sub(5), { state: 'Deleted' });
  emulator.addSubscription(sub(6), { tenantId: OTHER_TENANT });
  emulator.addSubscription(sub(7));
  emulator.setManagementGroup('contoso', { subscriptions: [sub(1)], groups: ['contoso-prod'] });
  emulator.setManagementGroup('contoso-prod', {
    subscriptions: [sub(2), sub(4)],
    groups: ['contoso-prod-eu'],
  });
  emulator.setManagementGroup('contoso-prod-eu', { subscriptions: [sub(7)], groups: [] });
  emulator.setManagementGroup('locked', { subscriptions: [sub(1)], groups: [], denied: true });
});
afterAll(async () => {
  await emulator.stop();
});

function armRequests(): string[] {
  return emulator.requests
    .filter((request) => !request.path.includes('/oauth2/') && !request.path.includes('.well-known'))
    .map((request) => request.path);
}

async function discover(overrides: Record<string, string | undefined>) {
  const settings = loadSettings(testSettings(emulator, overrides));
  const before = armRequests().length;
  const logger = new RecordingLogger();
  const result = await discoverSubscriptions({
    arm: createArmClient(settings, { retryOptions: FAST_RETRIES }),
    selection: settings.subscriptions,
    tenantId: settings.tenantId,
    logger,
  });
  return { ...result, requests: armRequests().slice(before), logger };
}

describe('subscription discovery', () => {
  it('makes no request when subscriptions are only named, and collects them as named', async () => {
    const result = await discover({ subscription_ids: `${sub(4)},${sub(6)}` });
    expect(result.subscriptions).toEqual([SUBSCRIPTION_ID, sub(4), sub(6)]);
    expect(result.requests).toEqual([]);
  });

  it('with *, collects the enabled, warned and past-due subscriptions of the tenant, counting the rest by reason', async () => {
    const result = await discover({ subscription_id: undefined, subscription_ids: '*' });
    expect(result.subscriptions).toEqual([SUBSCRIPTION_ID, sub(1), sub(2), sub(3), sub(7)]);
    expect(result.counts).toEqual({
      collected: 5,
      disabled: 1,
      deleted: 1,
      otherTenant: 1,
      excluded: 0,
      requests: 3,
    });
    // 8 subscriptions, 3 a page: one paged listing, nothing else.
    expect(result.requests).toEqual(['/subscriptions', '/subscriptions', '/subscriptions']);
  });

  it('collects a subscription of another home tenant only when it is named, and leaves out the excluded', async () => {
    const result = await discover({
      subscription_id: undefined,
      subscription_ids: '*',
      exclude_subscription_ids: `${sub(1)},${sub(3)}`,
    });
    expect(result.subscriptions).toEqual([SUBSCRIPTION_ID, sub(2), sub(7)]);
    expect(result.counts).toMatchObject({ excluded: 2, otherTenant: 1 });
    const named = await discover({ subscription_id: sub(6), subscription_ids: '*' });
    expect(named.subscriptions).toContain(sub(6));
    expect(named.counts.otherTenant).toBe(0);
  });

  it('with a management group, collects every subscription below it at any depth, skipping disabled ones', async () => {
    const result = await discover({ subscription_id: undefined, management_group_id: 'contoso' });
    expect(result.subscriptions).toEqual([sub(1), sub(2), sub(7)]);
    expect(result.counts).toMatchObject({ collected: 3, disabled: 1 });
    expect(result.requests.filter((path) => path.endsWith('/descendants'))).toEqual([
      '/providers/Microsoft.Management/managementGroups/contoso/descendants',
      '/providers/Microsoft.Management/managementGroups/contoso/descendants',
    ]);
  });

  it('fails, naming the group and the role it needs, when the descendants cannot be listed', async () => {
    await expect(discover({ subscription_id: undefined, management_group_id: 'locked' })).rejects.toThrow(
      /^Listing the descendants of management group 'locked' failed with HTTP 403 AuthorizationFailed: .* Check 'management_group_id', and grant the identity Reader on the management group/,
    );
  });
});
