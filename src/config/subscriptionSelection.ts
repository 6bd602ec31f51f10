import { SETTING_NAMES as S } from './settingNames';
import { guidSetting, optionalSetting, type SettingsSource } from './settingReaders';

/**
 * Which subscriptions the app collects: `subscription_id` (one, as always), `subscription_ids` (a list, or
 * `*` for every subscription the identity can see in `tenant_id`), `management_group_id` (every subscription
 * under it), in any combination, minus `exclude_subscription_ids`.
 */
export interface SubscriptionSelection {
  /** Named one by one (lowercase, no repeats): collected whatever their home tenant. */
  readonly listed: readonly string[];
  /** `subscription_ids` is `*`. */
  readonly allVisible: boolean;
  readonly managementGroupId: string | undefined;
  readonly excluded: readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Management group ids: up to 90 letters, digits, '-', '_', '.', '(' and ')'. */
const MANAGEMENT_GROUP_ID = /^[A-Za-z0-9._()-]{1,90}$/;

/** @throws Error naming the setting, the value received and how to fix it. */
export function readSubscriptionSelection(source: SettingsSource): SubscriptionSelection {
  const single = guidSetting(
    source,
    S.subscriptionId,
    'Set it to the ID of the subscription whose Defender for Cloud alerts are collected.',
    false,
  );
  const many = optionalSetting(source, S.subscriptionIds);
  const allVisible = many === '*';
  const listed = unique([
    ...(single ? [single] : []),
    ...(allVisible ? [] : guidList(source, S.subscriptionIds)),
  ]);
  const managementGroupId = optionalSetting(source, S.managementGroupId);
  if (managementGroupId !== undefined && !MANAGEMENT_GROUP_ID.test(managementGroupId)) {
    throw new Error(
      `Invalid setting '${S.managementGroupId}': "${managementGroupId}" is not a management group ID (up to 90 ` +
        "letters, digits, '-', '_', '.', '(' and ')'). Use the group's ID, not its display name.",
    );
  }
  if (listed.length === 0 && !allVisible && managementGroupId === undefined) {
    throw new Error(
      `Missing setting '${S.subscriptionId}': say which subscriptions to collect with '${S.subscriptionId}' (one), ` +
        `'${S.subscriptionIds}' (a comma-separated list, or * for every subscription the identity can see) or ` +
        `'${S.managementGroupId}' (every subscription under a management group).`,
    );
  }
  return {
    listed,
    allVisible,
    managementGroupId,
    excluded: unique(guidList(source, S.excludeSubscriptionIds)),
  };
}

/** True when the subscriptions are found by listing (`*` or a management group), not only named. */
export function needsDiscovery(selection: SubscriptionSelection): boolean {
  return selection.allVisible || selection.managementGroupId !== undefined;
}

/** Whether a work item for this subscription is one the configuration asks for. */
export function isSelected(selection: SubscriptionSelection, subscriptionId: string): boolean {
  const id = subscriptionId.toLowerCase();
  if (selection.excluded.includes(id)) return false;
  return needsDiscovery(selection) || selection.listed.includes(id);
}

/** What the selection is, for messages: "subscription_id 9c2d…", "subscription_ids *, management_group_id x". */
export function describeSelection(selection: SubscriptionSelection): string {
  const parts: string[] = [];
  if (selection.listed.length > 0) parts.push(`listed: ${selection.listed.join(', ')}`);
  if (selection.allVisible) parts.push(`${S.subscriptionIds}: *`);
  if (selection.managementGroupId) parts.push(`${S.managementGroupId}: ${selection.managementGroupId}`);
  if (selection.excluded.length > 0) parts.push(`excluded: ${selection.excluded.join(', ')}`);
  return parts.join('; ');
}

function guidList(source: SettingsSource, name: string): string[] {
  const value = optionalSetting(source, name);
  if (value === undefined) return [];
  return value.split(',').map((item, position) => {
    const id = item.trim();
    if (!GUID.test(id)) {
      throw new Error(
        `Invalid setting '${name}': item ${position + 1}, "${id}", is not a subscription ID. Give subscription ` +
          'IDs separated by commas, e.g. "00000000-0000-0000-0000-000000000000,11111111-1111-1111-1111-111111111111".',
      );
    }
    return id.toLowerCase();
  });
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
