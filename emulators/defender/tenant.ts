import { AlertStore } from './alertStore';

/** A subscription's state, as ARM's subscription list reports it. */
export type SubscriptionState = 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';

/** What a subscription's alert list answers: its alerts, 403, or 409 MissingSubscriptionRegistration. */
export type SubscriptionAccess = 'ok' | 'forbidden' | 'notRegistered';

export interface EmulatedSubscription {
  readonly id: string;
  displayName: string;
  state: SubscriptionState;
  /** Home tenant; another tenant's subscription is visible through delegated access. */
  tenantId: string;
  access: SubscriptionAccess;
  readonly alerts: AlertStore;
}

export interface ManagementGroup {
  /** Subscriptions directly under the group. */
  subscriptions: string[];
  /** Child management groups (their descendants are the group's too). */
  groups: string[];
  /** The identity may not list the group's descendants (403). */
  denied?: boolean;
}

/**
 * The emulated tenant: its subscriptions (each with its own alerts, state and access) and management
 * groups. Ids are kept lower-case; ARM compares them without regard to case.
 */
export class EmulatedTenant {
  private readonly subscriptions = new Map<string, EmulatedSubscription>();
  private readonly groups = new Map<string, ManagementGroup>();

  constructor(private readonly homeTenantId: string) {}

  /** Adds (or replaces) a subscription; returns it. */
  add(id: string, options: Partial<Omit<EmulatedSubscription, 'id' | 'alerts'>> = {}): EmulatedSubscription {
    const subscription: EmulatedSubscription = {
      id: id.toLowerCase(),
      displayName: options.displayName ?? `Subscription ${id.slice(0, 8)}`,
      state: options.state ?? 'Enabled',
      tenantId: options.tenantId ?? this.homeTenantId,
      access: options.access ?? 'ok',
      alerts: new AlertStore(),
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  get(id: string): EmulatedSubscription | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  /** Every subscription, in the order they were added. */
  all(): EmulatedSubscription[] {
    return [...this.subscriptions.values()];
  }

  setManagementGroup(id: string, group: ManagementGroup): void {
    this.groups.set(id, group);
  }

  managementGroup(id: string): ManagementGroup | undefined {
    return this.groups.get(id);
  }

  /** The group's descendants, depth first: child groups (as groups) and every subscription below. */
  descendants(id: string): { kind: 'group' | 'subscription'; id: string; parent: string }[] {
    const group = this.groups.get(id);
    if (!group) return [];
    return [
      ...group.subscriptions.map((sub) => ({
        kind: 'subscription' as const,
        id: sub.toLowerCase(),
        parent: id,
      })),
      ...group.groups.flatMap((child) => [
        { kind: 'group' as const, id: child, parent: id },
        ...this.descendants(child),
      ]),
    ];
  }
}
