import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_TIMEOUT_IN_MS } from '../../../src/delivery/deadlines';
import {
  OUTBOX_BATCH_PATH_PATTERN,
  outboxBatchName,
  parseOutboxBatchName,
} from '../../../src/delivery/outboxBatch';
import { createWorkItem, parseWorkItem } from '../../../src/delivery/workItem';

const SUBSCRIPTION = '9c2df136-7403-467f-91c5-a9e1599f5cd2';
/** The queue trigger's binding data the host fills in (QueueTriggerBinding.CreateBindingData). */
const TRIGGER_METADATA = [
  'QueueTrigger',
  'DequeueCount',
  'ExpirationTime',
  'Id',
  'InsertionTime',
  'NextVisibleTime',
  'PopReceipt',
];

describe('work items', () => {
  it('carry the subscription, the time and its hour partition', () => {
    expect(createWorkItem(SUBSCRIPTION, new Date('2026-01-02T03:04:05.678Z'))).toEqual({
      subscriptionId: SUBSCRIPTION,
      scheduledAt: '2026-01-02T03:04:05.678Z',
      partition: '2026/01/02/03',
    });
  });

  it('never name a property after the trigger metadata, which the host would let them override', () => {
    const names = Object.keys(createWorkItem(SUBSCRIPTION, new Date())).map((name) => name.toLowerCase());
    expect(names.filter((name) => TRIGGER_METADATA.map((m) => m.toLowerCase()).includes(name))).toEqual([]);
  });

  it('read back what the timer wrote', () => {
    const item = createWorkItem(SUBSCRIPTION, new Date('2026-11-30T23:59:59Z'));
    expect(parseWorkItem(JSON.parse(JSON.stringify(item)))).toEqual(item);
  });

  it.each([
    ['a string', 'hello', 'not a JSON object'],
    ['an array', [1], 'not a JSON object'],
    [
      'no subscription',
      { scheduledAt: '2026-01-01T00:00:00Z', partition: '2026/01/01/00' },
      '"subscriptionId" is not a lowercase GUID',
    ],
    [
      'a subscription path',
      { subscriptionId: '../x', scheduledAt: '2026-01-01T00:00:00Z', partition: '2026/01/01/00' },
      '"subscriptionId" is not a lowercase GUID',
    ],
    ['no time', { subscriptionId: SUBSCRIPTION, partition: '2026/01/01/00' }, '"scheduledAt" is not a time'],
    [
      'a partition with a path',
      { subscriptionId: SUBSCRIPTION, scheduledAt: '2026-01-01T00:00:00Z', partition: '../../x/00' },
      '"partition" is not yyyy/MM/dd/HH',
    ],
  ])('refuse %s, saying what is wrong', (_case, input, problem) => {
    expect(() => parseWorkItem(input)).toThrow(
      new Error(
        `The work item is not one this collector wrote (${problem}). Work items are written by the ` +
          'scheduleCollection function; remove this message from the work queue.',
      ),
    );
  });
});

describe('outbox batch names', () => {
  const workItem = createWorkItem(SUBSCRIPTION, new Date('2026-11-23T10:00:00Z'));

  it('are what the binding path resolves to for the attempt, and parse back to it', () => {
    const name = outboxBatchName({
      workItem,
      messageId: 'b8c0e6a4-1d2f-4e3a-9b7c-6d5e4f3a2b1c',
      dequeueCount: 3,
    });
    expect(name).toBe(`batches/2026/11/23/10/${SUBSCRIPTION}/b8c0e6a4-1d2f-4e3a-9b7c-6d5e4f3a2b1c-3.ndjson`);
    expect(OUTBOX_BATCH_PATH_PATTERN).toBe('batches/{partition}/{subscriptionId}/{Id}-{DequeueCount}.ndjson');
    expect(parseOutboxBatchName(name)).toEqual({
      partition: '2026/11/23/10',
      subscriptionId: SUBSCRIPTION,
      messageId: 'b8c0e6a4-1d2f-4e3a-9b7c-6d5e4f3a2b1c',
      dequeueCount: 3,
    });
  });

  it.each([
    '',
    'collected/x.json',
    `batches/2026/11/23/10/${SUBSCRIPTION}/m-0.ndjson`,
    'batches/x/m-1.ndjson',
  ])('are not parsed from %j', (name) => expect(parseOutboxBatchName(name)).toBeUndefined());
});

describe('deadlines', () => {
  it("take the function timeout from host.json's functionTimeout", () => {
    const host = JSON.parse(readFileSync(join(__dirname, '../../../host.json'), 'utf8')) as {
      functionTimeout: string;
    };
    const [hours, minutes, seconds] = host.functionTimeout.split(':').map(Number) as [number, number, number];
    expect(((hours * 60 + minutes) * 60 + seconds) * 1000).toBe(FUNCTION_TIMEOUT_IN_MS);
  });
});
