import { AlertIndex, type BatchItem } from '../../../src/dedupe/alertIndex';
import { alertKey, contentFingerprint, wireDigest } from '../../../src/dedupe/fingerprint';

const T0 = 1_800_000_000;
const alert = {
  id: '/subscriptions/s/alerts/a',
  properties: { status: 'Active', extendedProperties: { a: '1', b: '2' } },
};
const reordered = {
  properties: { extendedProperties: { b: '2', a: '1' }, status: 'Active' },
  id: '/subscriptions/s/alerts/a',
};

/** An index in which one alert was delivered, recorded as `item` (after a round trip through the blob format). */
function indexDelivered(item: BatchItem): AlertIndex {
  const index = AlertIndex.empty('s');
  const batch = index.addPendingBatch(
    {
      id: 'b',
      createdAt: '',
      recordCount: 1,
      ref: '',
    },
    [item],
    T0,
  );
  index.settleBatch(batch.seq, true);
  return AlertIndex.decode(index.encode(new Date()).data, 'test');
}

const indexDelivering = (listed: typeof alert | typeof reordered): AlertIndex =>
  indexDelivered({
    key: alertKey(listed.id),
    fingerprint: contentFingerprint(listed),
    wireDigest: wireDigest(JSON.stringify(listed)),
  });

describe('classifyListed fast path', () => {
  it('recognises unchanged content by its wire digest without computing the fingerprint', () => {
    const index = indexDelivering(alert);
    const fingerprint = jest.fn(() => contentFingerprint(alert));
    const disposition = index.classifyListed(
      alertKey(alert.id),
      wireDigest(JSON.stringify(alert)),
      fingerprint,
      'content',
      T0 + 60,
    );
    expect(disposition).toBe('unchanged');
    expect(fingerprint).not.toHaveBeenCalled();
  });

  it('treats the same content in another key order as unchanged, and takes the fast path for it next time', () => {
    const index = indexDelivering(alert);
    const fingerprint = jest.fn(() => contentFingerprint(reordered));
    const wire = wireDigest(JSON.stringify(reordered));
    expect(index.classifyListed(alertKey(alert.id), wire, fingerprint, 'content', T0 + 60)).toBe('unchanged');
    expect(fingerprint).toHaveBeenCalledTimes(1);
    expect(index.classifyListed(alertKey(alert.id), wire, fingerprint, 'content', T0 + 120)).toBe(
      'unchanged',
    );
    expect(fingerprint).toHaveBeenCalledTimes(1);
  });

  it('finds changed content through the fingerprint when the wire digest differs', () => {
    const index = indexDelivering(alert);
    const changed = { ...alert, properties: { ...alert.properties, status: 'Resolved' } };
    const disposition = index.classifyListed(
      alertKey(alert.id),
      wireDigest(JSON.stringify(changed)),
      () => contentFingerprint(changed),
      'content',
      T0 + 60,
    );
    expect(disposition).toBe('updated');
  });

  it('never trusts an entry stored without a wire digest', () => {
    const index = indexDelivered({
      key: alertKey(alert.id),
      fingerprint: contentFingerprint({ other: true }),
    });
    const zero = Buffer.alloc(12);
    expect(
      index.classifyListed(alertKey(alert.id), zero, () => contentFingerprint(alert), 'content', T0),
    ).toBe('updated');
  });
});
