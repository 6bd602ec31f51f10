import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../../src/dedupe/canonicalJson';
import {
  alertKey,
  contentFingerprint,
  DIGEST_BYTES,
  wireDigest,
  writeAlertKey,
  writeContentFingerprint,
  writeWireDigest,
} from '../../../src/dedupe/fingerprint';
import { mulberry32 } from '../../../emulators/defender/prng';

/** The shared seeded generator, as a plain `() => number`. */
const prng = (seed: number): (() => number) => {
  const random = mulberry32(seed);
  return () => random.next();
};

const ALERT_ID =
  '/subscriptions/3c9f2b1a-5d4e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/myRg1/providers/' +
  'Microsoft.Security/locations/westeurope/alerts/2518298467986649999_e5b2c5e1-9f3a-4a2a-8c8e-3b1f7a9d0c11';

const sha256Prefix = (text: string): Buffer =>
  createHash('sha256').update(text, 'utf8').digest().subarray(0, 12);

function sampleAlert(): Record<string, unknown> {
  return {
    id: ALERT_ID,
    name: '2518298467986649999_e5b2c5e1',
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      status: 'Active',
      severity: 'High',
      alertDisplayName: 'Suspicious process executed',
      timeGeneratedUtc: '2025-01-01T10:00:00.0000000Z',
      entities: [
        { $id: '1', hostName: 'vm1', type: 'host' },
        { $id: '2', processId: '0x1f4', commandLine: 'powershell -enc "QQ=="', type: 'process' },
      ],
      extendedProperties: { resourceType: 'Virtual Machine', 'alert Id': 'x', count: '3' },
      techniques: ['T1059', 'T1204'],
    },
  };
}

/** Every path to a leaf (string, number, boolean, null) of a JSON value. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item: unknown, i) => leafPaths(item, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]));
  return [path];
}

function withLeaf(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = leaf;
  return copy;
}

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse())
    out[key] = reversedKeys((value as Record<string, unknown>)[key]);
  return out;
}

describe('alertKey', () => {
  it('is 12 bytes long', () => {
    expect(DIGEST_BYTES).toBe(12);
    expect(alertKey(ALERT_ID)).toHaveLength(12);
    expect(alertKey('')).toHaveLength(12);
  });

  it('is the first 12 bytes of the SHA-256 of the lower-cased ARM id', () => {
    expect(alertKey(ALERT_ID).equals(sha256Prefix(ALERT_ID.toLowerCase()))).toBe(true);
  });

  it('ignores the case of the ARM id', () => {
    const key = alertKey(ALERT_ID);
    expect(alertKey(ALERT_ID.toUpperCase()).equals(key)).toBe(true);
    expect(alertKey(ALERT_ID.toLowerCase()).equals(key)).toBe(true);
    expect(
      alertKey(
        ALERT_ID.replace('resourceGroups', 'RESOURCEGROUPS').replace('westeurope', 'WestEurope'),
      ).equals(key),
    ).toBe(true);
  });

  it('differs for ids that differ in one character', () => {
    expect(alertKey(`${ALERT_ID}1`).equals(alertKey(`${ALERT_ID}2`))).toBe(false);
    expect(alertKey(ALERT_ID).equals(alertKey(ALERT_ID.replace('myRg1', 'myRg2')))).toBe(false);
  });

  it('gives 10,000 distinct ids 10,000 distinct keys', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) keys.add(alertKey(`${ALERT_ID}-${i}`).toString('hex'));
    expect(keys.size).toBe(10_000);
  });

  it('does not depend on the content of the alert', () => {
    expect(alertKey(ALERT_ID).equals(contentFingerprint(ALERT_ID))).toBe(false);
  });
});

describe('contentFingerprint', () => {
  it('is the first 12 bytes of the SHA-256 of the canonical JSON', () => {
    const alert = sampleAlert();
    const fingerprint = contentFingerprint(alert);
    expect(fingerprint).toHaveLength(12);
    expect(fingerprint.equals(sha256Prefix(canonicalJson(alert)))).toBe(true);
  });

  it('is equal for equal content sent with keys in another order at every depth', () => {
    const alert = sampleAlert();
    expect(contentFingerprint(reversedKeys(alert)).equals(contentFingerprint(alert))).toBe(true);
    expect(contentFingerprint(JSON.parse(JSON.stringify(alert))).equals(contentFingerprint(alert))).toBe(
      true,
    );
  });

  it('is equal when a member is undefined rather than absent', () => {
    expect(contentFingerprint({ a: 1, b: undefined }).equals(contentFingerprint({ a: 1 }))).toBe(true);
  });

  it.each(leafPaths(sampleAlert()).map((path) => [path.join('.'), path] as const))(
    'changes when the value at %s changes',
    (_name, path) => {
      const alert = sampleAlert();
      const changed = withLeaf(alert, path, 'changed value');
      expect(contentFingerprint(changed).equals(contentFingerprint(alert))).toBe(false);
    },
  );

  it.each<[string, unknown, unknown]>([
    ['string vs number', { a: '1' }, { a: 1 }],
    ['null vs absent', { a: null }, {}],
    ['false vs 0', { a: false }, { a: 0 }],
    ['empty array vs empty object', { a: [] }, { a: {} }],
    ['array order', { a: [1, 2] }, { a: [2, 1] }],
    ['key renamed', { a: 1 }, { b: 1 }],
    ['value moved to another key', { a: 1, b: 2 }, { a: 2, b: 1 }],
    ['nesting', { a: { b: 1 } }, { 'a.b': 1 }],
    ['trailing space', { a: 'x' }, { a: 'x ' }],
    ['letter case', { a: 'High' }, { a: 'high' }],
  ])('tells apart %s', (_name, left, right) => {
    expect(contentFingerprint(left).equals(contentFingerprint(right))).toBe(false);
  });

  it('changes when one deep value of a generated object changes, and not when keys are reordered (seeded)', () => {
    const random = prng(20250101);
    const build = (depth: number): unknown => {
      if (depth === 0 || random() < 0.3) return Math.floor(random() * 1000);
      if (random() < 0.3) return [build(depth - 1), build(depth - 1)];
      const out: Record<string, unknown> = {};
      const size = 1 + Math.floor(random() * 4);
      for (let i = 0; i < size; i += 1) out[`k${Math.floor(random() * 100)}`] = build(depth - 1);
      return out;
    };
    for (let run = 0; run < 300; run += 1) {
      const value = { root: build(5) };
      const fingerprint = contentFingerprint(value);
      expect(contentFingerprint(reversedKeys(value)).equals(fingerprint)).toBe(true);
      const paths = leafPaths(value);
      const path = paths[Math.floor(random() * paths.length)]!;
      expect(contentFingerprint(withLeaf(value, path, -1)).equals(fingerprint)).toBe(false);
    }
  });

  // Indexes in use hold these digests: a change would deliver every alert again after an upgrade.
  it.each([
    [
      'GetAlertsSubscription_0_VM_EICAR.json',
      '05d03dc27556a02d9ff6a13a',
      '166e28b02d87273760ccd5f4',
      '5fe2e44e8d9bf3814f26cd9c',
    ],
    [
      'GetAlertsSubscription_1_VM_SuspiciousScreenSaver.json',
      '8f53593682567790cd52fe3a',
      '62661dfd0fd35371dbecbb67',
      '2f25c1563024ae246c3d0780',
    ],
  ])('keeps the digests indexes already hold for %s', (file, fingerprint, wire, key) => {
    const folder = join(__dirname, '../../../emulators/defender/fixtures/microsoftExamples');
    const alert = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { id: string };
    expect(contentFingerprint(alert).toString('hex')).toBe(fingerprint);
    expect(wireDigest(JSON.stringify(alert)).toString('hex')).toBe(wire);
    expect(alertKey(alert.id).toString('hex')).toBe(key);
  });

  it('fingerprints the Microsoft example alerts stably across key orders', () => {
    const folder = join(__dirname, '../../../emulators/defender/fixtures/microsoftExamples');
    for (const file of [
      'GetAlertsSubscription_0_VM_EICAR.json',
      'GetAlertsSubscription_1_VM_SuspiciousScreenSaver.json',
    ]) {
      const alert: unknown = JSON.parse(readFileSync(join(folder, file), 'utf8'));
      expect(contentFingerprint(reversedKeys(alert)).equals(contentFingerprint(alert))).toBe(true);
    }
  });
});

describe('writing digests in place', () => {
  it('writes the same 12 bytes the Buffer-returning functions give, at the offset, and nothing else', () => {
    const alert = sampleAlert();
    const text = JSON.stringify(alert);
    const target = Buffer.alloc(40, 0xee);
    writeAlertKey(ALERT_ID, target, 1);
    writeWireDigest(text, target, 13);
    writeContentFingerprint(alert, target, 25);
    expect(target[0]).toBe(0xee);
    expect(target.subarray(1, 13).equals(alertKey(ALERT_ID))).toBe(true);
    expect(target.subarray(13, 25).equals(wireDigest(text))).toBe(true);
    expect(target.subarray(25, 37).equals(contentFingerprint(alert))).toBe(true);
    expect([...target.subarray(37)]).toEqual([0xee, 0xee, 0xee]);
  });
});
