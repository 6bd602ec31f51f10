import { randomBytes } from 'node:crypto';
import { DigestTable } from '../../../src/dedupe/digestTable';
import { mulberry32 } from '../../../emulators/defender/prng';

/** Seeded 12-byte keys, so that every run checks the same ones. */
function keys(count: number, seed: number): Buffer[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const key = Buffer.alloc(12);
    for (let i = 0; i < 12; i += 4) key.writeUInt32LE(Math.floor(random.next() * 0x100000000), i);
    return key;
  });
}

describe('DigestTable', () => {
  it('finds every one of 10,000 keys added as it grows, and none it was not given (seeded)', () => {
    const table = new DigestTable(20);
    const added = keys(10_000, 7);
    added.forEach((key, index) => expect(table.add(key)).toBe(index));
    expect(table.count).toBe(10_000);
    const missing = added.filter((key, index) => table.indexOf(key) !== index);
    expect(missing).toEqual([]);
    for (const key of keys(1_000, 8)) expect(table.indexOf(key)).toBe(-1);
  });

  it('keeps each record: its key first, every other byte zero until written', () => {
    const table = new DigestTable(16);
    const [first, second] = keys(2, 1) as [Buffer, Buffer];
    const a = table.add(first);
    table.bytes.writeUInt32LE(0xdeadbeef, table.offsetOf(a) + 12);
    const b = table.add(second);
    const record = (index: number) => table.bytes.subarray(table.offsetOf(index), table.offsetOf(index) + 16);
    expect(record(a).subarray(0, 12).equals(first)).toBe(true);
    expect(record(a).readUInt32LE(12)).toBe(0xdeadbeef);
    expect(record(b).subarray(0, 12).equals(second)).toBe(true);
    expect(record(b).readUInt32LE(12)).toBe(0);
  });

  it('tells apart keys that share their first word, and reads a key at an offset', () => {
    const table = new DigestTable(12);
    const base = randomBytes(12);
    const variants = [0, 1, 2, 3].map((last) => {
      const key = Buffer.from(base);
      key[11] = last;
      return key;
    });
    variants.forEach((key) => table.add(key));
    variants.forEach((key, index) => expect(table.indexOf(key)).toBe(index));
    const framed = Buffer.concat([Buffer.from([9, 9, 9]), variants[2]!]);
    expect(table.indexOf(framed, 3)).toBe(2);
  });

  it('keeps what it holds when room is reserved ahead', () => {
    const table = new DigestTable(12, 4);
    const added = keys(100, 3);
    added.slice(0, 10).forEach((key) => table.add(key));
    table.reserve(90);
    added.slice(10).forEach((key) => table.add(key));
    expect(added.map((key) => table.indexOf(key))).toEqual(added.map((_key, index) => index));
  });

  it('refuses a record too small for its key', () => {
    expect(() => new DigestTable(8)).toThrow(new RangeError('a record of 8 bytes cannot hold its key'));
  });
});
