import { randomBytes } from 'node:crypto';
import {
  FINGERPRINT_AT,
  ITEM_BYTES,
  KEY_AT,
  SelectedAlerts,
  WIRE_DIGEST_AT,
} from '../../../src/pipeline/selectedAlerts';

describe('SelectedAlerts', () => {
  it('gives back each alert its own digests and record, across chunks, after the scratch was reused', () => {
    const selected = new SelectedAlerts();
    const scratch = Buffer.alloc(ITEM_BYTES);
    const given: Buffer[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      randomBytes(ITEM_BYTES).copy(scratch);
      given.push(Buffer.from(scratch));
      selected.add(scratch, 0, i % 2 === 0 ? `record ${i}` : undefined);
    }
    expect(selected.length).toBe(10_000);
    const wrong = selected.items.filter((item, i) => {
      const digests = given[i]!;
      return !(
        item.key.equals(digests.subarray(KEY_AT, KEY_AT + 12)) &&
        item.wireDigest?.equals(digests.subarray(WIRE_DIGEST_AT, WIRE_DIGEST_AT + 12)) &&
        item.fingerprint.equals(digests.subarray(FINGERPRINT_AT, FINGERPRINT_AT + 12)) &&
        item.record === (i % 2 === 0 ? `record ${i}` : undefined)
      );
    });
    expect(wrong).toEqual([]);
  });

  it('copies the digests from where it is told', () => {
    const selected = new SelectedAlerts();
    const framed = Buffer.concat([Buffer.alloc(5, 0xff), randomBytes(ITEM_BYTES)]);
    selected.add(framed, 5);
    expect(selected.items[0]!.key.equals(framed.subarray(5, 17))).toBe(true);
    expect(selected.items[0]!.fingerprint.equals(framed.subarray(5 + FINGERPRINT_AT, 5 + ITEM_BYTES))).toBe(
      true,
    );
  });
});
