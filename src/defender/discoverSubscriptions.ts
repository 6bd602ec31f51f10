import { needsDiscovery, type SubscriptionSelection } from '../config/subscriptionSelection';
import type { Logger } from '../telemetry/logger';
import type { ArmClient } from './armClient';
import { describeListingFailure } from './armErrors';

/** api-versions of the two lists discovery reads. */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
export const MANAGEMENT_GROUPS_API_VERSION = '2020-05-01';

/** Subscription states that are collected; Disabled and Deleted ones have nothing to list. */
const COLLECTED_STATES = new Set(['Enabled', 'Warned', 'PastDue']);

export interface DiscoveryCounts {
  /** Subscriptions to collect this cycle. */
  collected: number;
  disabled: number;
  deleted: number;
  /** Visible through delegated access, home tenant not `tenant_id`: collected only when listed by id. */
  otherTenant: number;
  excluded: number;
  /** ARM requests discovery made (pages of both lists). */
  requests: number;
}

export interface DiscoveredSubscriptions {
  subscriptions: string[];
  counts: DiscoveryCounts;
}

/**
 * The subscriptions to collect this cycle. Named subscriptions need no request. `*` reads the subscriptions
 * the identity can see; a management group also reads its descendants, and the subscription list for the
 * states. Every list is paged; a failure throws (no partial discovery: the next cycle asks again).
 */
export async function discoverSubscriptions(options: {
  arm: ArmClient;
  selection: SubscriptionSelection;
  tenantId: string;
  logger: Logger;
}): Promise<DiscoveredSubscriptions> {
  const { arm, selection, tenantId } = options;
  const counts: DiscoveryCounts = {
    collected: 0,
    disabled: 0,
    deleted: 0,
    otherTenant: 0,
    excluded: 0,
    requests: 0,
  };
  const visible = needsDiscovery(selection) ? await listVisible(arm, counts) : new Map<string, Visible>();
  const candidates = new Set(selection.listed);
  if (selection.allVisible) {
    for (const [id, subscription] of visible) {
      if (subscription.tenantId === undefined || subscription.tenantId === tenantId) candidates.add(id);
      else if (!candidates.has(id)) counts.otherTenant += 1;
    }
  }
  if (selection.managementGroupId !== undefined) {
    for (const id of await listUnderManagementGroup(arm, selection.managementGroupId, counts))
      candidates.add(id);
  }
  const subscriptions: string[] = [];
  for (const id of candidates) {
    const state = visible.get(id)?.state;
    if (selection.excluded.includes(id)) counts.excluded += 1;
    else if (state === 'Disabled') counts.disabled += 1;
    else if (state === 'Deleted') counts.deleted += 1;
    else if (state === undefined || COLLECTED_STATES.has(state)) subscriptions.push(id);
    else counts.disabled += 1;
  }
  counts.collected = subscriptions.length;
  options.logger.info(`Discovered ${subscriptions.length} subscriptions to collect`, { ...counts });
  return { subscriptions, counts };
}

interface Visible {
  state: string | undefined;
  tenantId: string | undefined;
}

/** `GET /subscriptions`: every subscription where the identity holds a role, with its state and home tenant. */
async function listVisible(arm: ArmClient, counts: DiscoveryCounts): Promise<Map<string, Visible>> {
  const visible = new Map<string, Visible>();
  const list = {
    source: 'Azure Resource Manager',
    what: 'the subscription listing',
    item: 'subscription',
    failure: describeListingFailure(
      'the subscriptions the identity can see',
      'The identity sees the subscriptions where it holds a role: grant it Security Reader on them, or on a ' +
        'management group above them.',
    ),
  };
  for await (const page of arm.pages(
    arm.url(`/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`),
    list,
  )) {
    counts.requests += 1;
    for (const item of page.value) {
      const { subscriptionId, state, tenantId } = item as {
        subscriptionId?: unknown;
        state?: unknown;
        tenantId?: unknown;
      };
      if (typeof subscriptionId !== 'string') continue;
      visible.set(subscriptionId.toLowerCase(), {
        state: typeof state === 'string' ? state : undefined,
        tenantId: typeof tenantId === 'string' ? tenantId.toLowerCase() : undefined,
      });
    }
  }
  return visible;
}

/** Every subscription below a management group, at any depth (`…/descendants`, paged). */
async function listUnderManagementGroup(
  arm: ArmClient,
  groupId: string,
  counts: DiscoveryCounts,
): Promise<string[]> {
  const list = {
    source: 'Azure Resource Manager',
    what: `the descendants of management group '${groupId}'`,
    item: 'subscription',
    failure: describeListingFailure(
      `the descendants of management group '${groupId}'`,
      `Check 'management_group_id', and grant the identity Reader on the management group: listing its ` +
        'descendants needs Microsoft.Management/managementGroups/descendants/read, which Security Reader lacks.',
    ),
  };
  const url = arm.url(
    `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(groupId)}/descendants?api-version=${MANAGEMENT_GROUPS_API_VERSION}`,
  );
  const ids: string[] = [];
  for await (const page of arm.pages(url, list)) {
    counts.requests += 1;
    for (const item of page.value) {
      const { id, name } = item as { id?: unknown; name?: unknown };
      // Descendants are management groups and subscriptions; a subscription's id is /subscriptions/<id>.
      if (
        typeof id === 'string' &&
        id.toLowerCase().startsWith('/subscriptions/') &&
        typeof name === 'string'
      )
        ids.push(name.toLowerCase());
    }
  }
  return ids;
}
