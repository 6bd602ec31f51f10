import { blobCreatedEvent, readForwardRequest } from '../../../src/delivery/blobCreatedEvent';
import { outboxBatchName } from '../../../src/delivery/outboxBatch';
import { createWorkItem } from '../../../src/delivery/workItem';
import { compiledTemplate, moduleAt, resourcesOf, type PredictedResource } from '../../support/bicep';
import { onlyResource, resourcesOfType, SCENARIO_NAMES, snapshotOf } from './scenarios';

/**
 * The outbox's Event Grid wiring (infra/app/outbox-events.bicep): a batch written under <outbox>/batches/ becomes a
 * BlobCreated event on the forward queue, which the forwarder reads with src/delivery/blobCreatedEvent.ts.
 */
const OUTBOX = 'defender-alerts-outbox';
const FORWARD_QUEUE = 'defender-alerts-forward';
const DEAD_LETTER_CONTAINER = `${OUTBOX}-deadletter`;

const snapshot = snapshotOf('blob');
const storage = onlyResource(snapshot, 'Microsoft.Storage/storageAccounts');
const systemTopic = onlyResource(snapshot, 'Microsoft.EventGrid/systemTopics');
const subscription = onlyResource(snapshot, 'Microsoft.EventGrid/systemTopics/eventSubscriptions');

interface EventSubscriptionProperties {
  readonly eventDeliverySchema: string;
  readonly filter: {
    readonly includedEventTypes: string[];
    readonly subjectBeginsWith: string;
    readonly advancedFilters: { operatorType: string; key: string; value: number }[];
  };
  readonly deliveryWithResourceIdentity: {
    readonly identity: unknown;
    readonly destination: { readonly endpointType: string; readonly properties: Record<string, unknown> };
  };
  readonly deadLetterWithResourceIdentity: {
    readonly identity: unknown;
    readonly deadLetterDestination: {
      readonly endpointType: string;
      readonly properties: Record<string, unknown>;
    };
  };
  readonly retryPolicy: { readonly maxDeliveryAttempts: number; readonly eventTimeToLiveInMinutes: number };
}
const properties = subscription.properties as unknown as EventSubscriptionProperties;

/** Would the subscription's filter pass this event? (Its one advanced filter: a number above a value.) */
function matches(event: Record<string, unknown>): boolean {
  const data = event.data as Record<string, unknown>;
  return (
    properties.filter.includedEventTypes.includes(String(event.eventType)) &&
    String(event.subject).startsWith(properties.filter.subjectBeginsWith) &&
    properties.filter.advancedFilters.every(
      (filter) =>
        filter.operatorType === 'NumberGreaterThan' &&
        Number(data[filter.key.replace(/^data\./, '')]) > filter.value,
    )
  );
}

describe('the Event Grid system topic of the outbox', () => {
  it.each(SCENARIO_NAMES)('is created once, on the app storage account, in its region (%s)', (scenario) => {
    const topic = onlyResource(snapshotOf(scenario), 'Microsoft.EventGrid/systemTopics');
    const account = onlyResource(snapshotOf(scenario), 'Microsoft.Storage/storageAccounts');
    expect(topic.properties).toEqual({ source: account.id, topicType: 'Microsoft.Storage.StorageAccounts' });
    expect(topic.location).toBe(account.location);
    expect(topic.name).toMatch(/^egst-[a-z0-9]+$/);
  });

  it('has a system-assigned identity, which delivers the events', () => {
    expect(systemTopic.identity).toEqual({ type: 'SystemAssigned' });
  });

  it('has one event subscription', () => {
    expect(resourcesOfType(snapshot, 'Microsoft.EventGrid/systemTopics/eventSubscriptions')).toHaveLength(1);
    expect(subscription.name).toBe(`${systemTopic.name}/outbox-batches-to-forward-queue`);
  });
});

describe('the event subscription', () => {
  const workItem = createWorkItem('00000000-0000-0000-0000-0000000000a1', new Date('2026-03-04T05:00:00Z'));
  const batchRef = outboxBatchName({ workItem, messageId: 'message-1', dequeueCount: 2 });
  const eventOf = (container: string, blobName: string, contentLength = 2048) =>
    blobCreatedEvent({
      outboxContainer: container,
      batchRef: blobName,
      contentLength,
      url: `https://account.blob.core.windows.net/${container}/${blobName}`,
      id: 'event-1',
      eventTime: new Date('2026-03-04T05:01:00Z'),
    });

  it('selects BlobCreated events of blobs under <outbox>/batches/, in the EventGrid schema', () => {
    expect(properties.filter).toEqual({
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectBeginsWith: `/blobServices/default/containers/${OUTBOX}/blobs/batches/`,
      advancedFilters: [{ operatorType: 'NumberGreaterThan', key: 'data.contentLength', value: 0 }],
    });
    expect(properties.eventDeliverySchema).toBe('EventGridSchema');
  });

  it('lets through the event of a batch the worker writes, which the forwarder reads as that batch', () => {
    const event = eventOf(OUTBOX, batchRef);
    expect(matches(event)).toBe(true);
    expect(readForwardRequest(event, OUTBOX)).toEqual({ kind: 'batch', batchRef });
  });

  it("stops the empty blob's event that the host's write raises before it commits the batch", () => {
    expect(matches(eventOf(OUTBOX, batchRef, 0))).toBe(false);
    expect(readForwardRequest(eventOf(OUTBOX, batchRef, 0), OUTBOX)).toEqual({
      kind: 'ignored',
      reason: 'an empty blob',
    });
  });

  it('stops the events of the collected/ markers, of other containers and of other event types', () => {
    expect(matches(eventOf(OUTBOX, 'collected/00000000-0000-0000-0000-0000000000a1.json'))).toBe(false);
    expect(matches(eventOf('defender-alerts-index', batchRef))).toBe(false);
    expect(matches({ ...eventOf(OUTBOX, batchRef), eventType: 'Microsoft.Storage.BlobDeleted' })).toBe(false);
  });

  it('puts each event on the forward queue with its own identity, never to expire', () => {
    expect(properties.deliveryWithResourceIdentity).toEqual({
      identity: { type: 'SystemAssigned' },
      destination: {
        endpointType: 'StorageQueue',
        properties: { resourceId: storage.id, queueName: FORWARD_QUEUE, queueMessageTimeToLiveInSeconds: -1 },
      },
    });
  });

  it("retries with Event Grid's defaults, written out: 30 attempts within 24 hours", () => {
    expect(properties.retryPolicy).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
  });

  it('dead-letters with the same identity into <outbox>-deadletter, a container the deployment creates', () => {
    expect(properties.deadLetterWithResourceIdentity).toEqual({
      identity: { type: 'SystemAssigned' },
      deadLetterDestination: {
        endpointType: 'StorageBlob',
        properties: { resourceId: storage.id, blobContainerName: DEAD_LETTER_CONTAINER },
      },
    });
    const containers = resourcesOfType(snapshot, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.map((c) => c.name.split('/').pop())).toContain(DEAD_LETTER_CONTAINER);
  });

  it('goes to the queue and container the Function App reads and the deployment creates', () => {
    const site = onlyResource(snapshot, 'Microsoft.Web/sites');
    const settings = (site.properties?.siteConfig as { appSettings: { name: string; value: unknown }[] })
      .appSettings;
    const setting = (name: string) => settings.find((s) => s.name === name)?.value;
    expect(setting('forward_queue')).toBe(FORWARD_QUEUE);
    expect(setting('outbox_container')).toBe(OUTBOX);
    const queues = resourcesOfType(snapshot, 'Microsoft.Storage/storageAccounts/queueServices/queues');
    expect(queues.map((q: PredictedResource) => q.name)).toContain(
      `${storage.name}/default/${FORWARD_QUEUE}`,
    );
  });
});

describe('the order of deployment', () => {
  const outboxEvents = moduleAt(compiledTemplate(), 'outboxEvents');

  it('grants the system topic identity its roles before the event subscription exists', () => {
    const eventSubscription = resourcesOf(outboxEvents.template).find(
      (r) => r.type === 'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    );
    const access = moduleAt(compiledTemplate(), 'outboxEvents/outboxEventsAccess').deployment;
    expect(eventSubscription?.dependsOn).toEqual(
      expect.arrayContaining([`[resourceId('Microsoft.Resources/deployments', '${access.name}')]`]),
    );
  });

  it('creates the Function App, whose workers write batches, after the event subscription', () => {
    const functionApp = moduleAt(compiledTemplate(), 'functionApp');
    expect(functionApp.deployment.dependsOn).toEqual(expect.arrayContaining(['outboxEvents']));
  });
});
