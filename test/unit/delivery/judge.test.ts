import type { PendingBatch } from '../../../src/dedupe/indexFormat';
import { SETTLE_AFTER_IN_MS } from '../../../src/delivery/deadlines';
import { EvidenceJudge, type BatchVerdict, type CurrentAttempt } from '../../../src/delivery/judge';
import { InMemoryOutbox } from '../../../src/delivery/outbox';
import { outboxBatchName } from '../../../src/delivery/outboxBatch';
import { createWorkItem } from '../../../src/delivery/workItem';

const SUBSCRIPTION = '9c2df136-7403-467f-91c5-a9e1599f5cd2';
const HANDED_OVER = Date.parse('2026-11-23T10:05:00Z');
const MINUTE = 60_000;
const MESSAGE = '5b0c6a8e-3f1d-4c2b-9a7e-1d2c3b4a5f60';
const OTHER_MESSAGE = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';

function batch(messageId: string, dequeueCount: number): PendingBatch {
  const workItem = createWorkItem(SUBSCRIPTION, new Date('2026-11-23T10:00:00Z'));
  return {
    seq: 1,
    id: 'run',
    createdAt: new Date(HANDED_OVER).toISOString(),
    recordCount: 3,
    ref: outboxBatchName({ workItem, messageId, dequeueCount }),
  };
}
const legacy: PendingBatch = { ...batch(MESSAGE, 1), ref: '' };

describe('EvidenceJudge: verdicts from the outbox and the queue, never from a guess', () => {
  it.each<[string, PendingBatch, boolean, CurrentAttempt | undefined, number, BatchVerdict]>([
    [
      'in the outbox: delivered',
      batch(MESSAGE, 1),
      true,
      { messageId: MESSAGE, dequeueCount: 2 },
      1,
      'delivered',
    ],
    ['in the outbox, judged by the local runner', batch(MESSAGE, 1), true, undefined, 1, 'delivered'],
    ['in the outbox long after', batch(MESSAGE, 3), true, undefined, 24 * 60, 'delivered'],
    [
      'absent, judged by a later attempt of the same message: that attempt ended',
      batch(MESSAGE, 1),
      false,
      { messageId: MESSAGE, dequeueCount: 2 },
      1,
      'notDelivered',
    ],
    [
      'absent, judged by the same attempt (an overlapping duplicate delivery of it)',
      batch(MESSAGE, 2),
      false,
      { messageId: MESSAGE, dequeueCount: 2 },
      1,
      'unknown',
    ],
    [
      'absent, judged by another message just after: the host may still be writing',
      batch(MESSAGE, 1),
      false,
      { messageId: OTHER_MESSAGE, dequeueCount: 1 },
      5,
      'unknown',
    ],
    [
      'absent, judged by another message a minute before the deadline',
      batch(MESSAGE, 1),
      false,
      { messageId: OTHER_MESSAGE, dequeueCount: 1 },
      SETTLE_AFTER_IN_MS / MINUTE - 1,
      'unknown',
    ],
    [
      'absent at the deadline: no invocation can still write it',
      batch(MESSAGE, 1),
      false,
      { messageId: OTHER_MESSAGE, dequeueCount: 1 },
      SETTLE_AFTER_IN_MS / MINUTE,
      'notDelivered',
    ],
    ['absent, local runner, days later', batch(MESSAGE, 5), false, undefined, 3 * 24 * 60, 'notDelivered'],
    ['a batch of an earlier version, young', legacy, false, undefined, 10, 'unknown'],
    ['a batch of an earlier version, past the deadline', legacy, true, undefined, 60, 'notDelivered'],
  ])('%s', async (_case, pending, written, current, minutesLater, verdict) => {
    const outbox = new InMemoryOutbox();
    if (written) outbox.batches.set(pending.ref, Buffer.from('{}\n'));
    const judge = new EvidenceJudge(outbox, current);
    await expect(judge.judge(pending, new Date(HANDED_OVER + minutesLater * MINUTE))).resolves.toBe(verdict);
  });

  it('takes an empty blob for a write that has not committed: a later attempt sends the batch again', async () => {
    const outbox = new InMemoryOutbox();
    const pending = batch(MESSAGE, 1);
    outbox.batches.set(pending.ref, Buffer.alloc(0));
    const judge = new EvidenceJudge(outbox, { messageId: MESSAGE, dequeueCount: 2 });
    await expect(judge.judge(pending, new Date(HANDED_OVER + MINUTE))).resolves.toBe('notDelivered');
  });

  it('asks the outbox once per batch, by name', async () => {
    const outbox = new InMemoryOutbox();
    const judge = new EvidenceJudge(outbox, undefined);
    await judge.judge(batch(MESSAGE, 1), new Date(HANDED_OVER));
    expect(outbox.lookups).toBe(1);
  });

  it('allows the timeout, the write and two clocks five minutes off either way before calling a batch lost', () => {
    expect(SETTLE_AFTER_IN_MS).toBe((30 + 10 + 10) * MINUTE);
  });

  it('never calls lost a batch whose invocation may still be writing, with clocks five minutes off either way', async () => {
    // The committing instance runs 5 minutes slow, the judging one 5 minutes fast. The invocation began before
    // the commit and may write until 30 + 10 minutes after it, true time.
    const trueCommit = HANDED_OVER + 5 * MINUTE;
    const pending = { ...batch(MESSAGE, 1), createdAt: new Date(trueCommit - 5 * MINUTE).toISOString() };
    const judge = new EvidenceJudge(new InMemoryOutbox(), { messageId: OTHER_MESSAGE, dequeueCount: 1 });
    const lastPossibleWrite = trueCommit + 40 * MINUTE;
    await expect(judge.judge(pending, new Date(lastPossibleWrite + 5 * MINUTE - 1))).resolves.toBe('unknown');
  });
});
