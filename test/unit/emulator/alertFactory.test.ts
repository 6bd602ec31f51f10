import { HOSTILE_STRINGS } from '../../../emulators/defender/alertCatalog';
import {
  generateAlerts,
  generatedAlertSource,
  microsoftExampleAlerts,
  sampleRecord,
} from '../../../emulators/defender/alertFactory';

const SUB = '9c2df136-7403-467f-91c5-a9e1599f5cd2';
const ID_PATTERN = new RegExp(
  `^/subscriptions/${SUB}/resourceGroups/[^/]+/providers/Microsoft\\.Security/locations/[a-z0-9]+/alerts/(\\d{19}_[0-9a-fA-F-]{36})$`,
);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string in a JSON value, keys included. */
function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, member]) => [key, ...allStrings(member)]);
  }
  return [];
}

describe('generateAlerts', () => {
  const alerts = generateAlerts({ count: 2000, seed: 7, subscriptionId: SUB });

  it('is deterministic, and alert i is the same alone or in a batch', () => {
    expect(generateAlerts({ count: 2000, seed: 7, subscriptionId: SUB })).toEqual(alerts);
    expect(generateAlerts({ count: 3, seed: 7, subscriptionId: SUB, startIndex: 1500 })).toEqual(
      alerts.slice(1500, 1503),
    );
    expect(generatedAlertSource({ count: 2000, seed: 7, subscriptionId: SUB }).at(42)).toEqual(alerts[42]);
    expect(generateAlerts({ count: 1, seed: 8, subscriptionId: SUB })[0]).not.toEqual(alerts[0]);
  });

  it('makes unique 2022-01-01 alert ids whose last segment is the name and the systemAlertId', () => {
    expect(new Set(alerts.map((alert) => alert.id)).size).toBe(alerts.length);
    for (const alert of alerts) {
      const name = ID_PATTERN.exec(alert.id)?.[1];
      expect(name).toBeDefined();
      expect(alert.name).toBe(name);
      expect(alert.type).toBe('Microsoft.Security/Locations/alerts');
      expect(alert.properties.systemAlertId).toBe(name);
      expect(alert.properties.version).toBe('2022-01-01');
    }
  });

  it('keeps ids unique across a million-alert range (sampled)', () => {
    const source = generatedAlertSource({ count: 1_000_000, seed: 7, subscriptionId: SUB });
    const ids = new Set<unknown>();
    for (let i = 0; i < 1_000_000; i += 97) ids.add((source.at(i) as { id: string }).id);
    expect(ids.size).toBe(Math.ceil(1_000_000 / 97));
  });

  it('produces 2–6 KB of JSON per alert', () => {
    const sizes = alerts.map((alert) => Buffer.byteLength(JSON.stringify(alert)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2048);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6144);
  });

  it('varies severity, status, type, intent and evidence', () => {
    const values = (key: string): Set<unknown> => new Set(alerts.map((alert) => alert.properties[key]));
    expect(values('severity')).toEqual(new Set(['High', 'Medium', 'Low', 'Informational']));
    expect(values('status')).toEqual(new Set(['Active', 'InProgress', 'Resolved', 'Dismissed']));
    expect(values('alertType').size).toBeGreaterThanOrEqual(15);
    for (const type of [
      'VM_SuspiciousCommandLine',
      'SQL.DB_BruteForce',
      'Storage.Blob_AnonymousAccessAnomaly',
      'K8S_PrivilegedContainer',
    ]) {
      expect(values('alertType').has(type)).toBe(true);
    }
    expect(values('intent').size).toBeGreaterThanOrEqual(8);
    const withEvidence = alerts.filter((alert) => alert.properties.supportingEvidence).length;
    expect(withEvidence).toBeGreaterThan(alerts.length * 0.2);
    expect(withEvidence).toBeLessThan(alerts.length * 0.5);
    for (const alert of alerts.slice(0, 50)) {
      expect(alert.properties.entities).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'ip' })]),
      );
      expect(alert.properties.resourceIdentifiers).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'AzureResource' })]),
      );
    }
  });

  it('puts every hostile string into every 8th alert, JSON-safe and without lone surrogates', () => {
    const hostile = alerts.filter((_, index) => index % 8 === 5);
    const text = hostile.map((alert) => JSON.stringify(alert)).join('\n');
    for (const value of HOSTILE_STRINGS) expect(text).toContain(JSON.stringify(value).slice(1, -1));
    for (let code = 0; code < 0x20; code++) {
      expect(
        hostile.some((alert) =>
          JSON.stringify(alert).includes(JSON.stringify(String.fromCharCode(code)).slice(1, -1)),
        ),
      ).toBe(true);
    }
    for (const alert of alerts) {
      // Checked on the raw strings: JSON.stringify would escape a lone surrogate and hide it.
      expect(allStrings(alert).filter((value) => LONE_SURROGATE.test(value))).toEqual([]);
      expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
    }
    expect(
      alerts.filter((_, index) => index % 8 !== 5).some((alert) => JSON.stringify(alert).includes('\\u0000')),
    ).toBe(false);
    expect(
      generateAlerts({ count: 16, seed: 7, subscriptionId: SUB, hostile: false }).some((alert) =>
        JSON.stringify(alert).includes('DROP TABLE'),
      ),
    ).toBe(false);
  });
});

describe('fixtures', () => {
  it('sampleRecord() is the specification sample, and a fresh copy each call', () => {
    const record = sampleRecord();
    expect(record.id).toBe(
      '/subscriptions/9c2df136-7403-467f-91c5-a9e1599f5cd2/resourceGroups/Production/providers/Microsoft.Security/locations/northeurope/alerts/66af7e32-6598-e333-077d-49a0ad8f3e6f',
    );
    // As published: the sample's name is not the id's last segment.
    expect(record.name).toBe('95ef5bf2-ae92-7636-a30d-433214f63cd7');
    expect(record.properties).toMatchObject({
      alertType: 'SUSPICIOUS_USER_ACTIVITY',
      intent: 'Credential Access',
      status: 'Resolved',
      correlationKey: 'j2q9KLPzxUff7rqrk5hmrBJ+MY1BX806W6q6+Ab5Mx=',
    });
    (record.properties as Record<string, unknown>).status = 'changed';
    expect((sampleRecord().properties as Record<string, unknown>).status).toBe('Resolved');
  });

  it("microsoftExampleAlerts() are the two alerts of Microsoft's GetAlertsSubscription example", () => {
    const examples = microsoftExampleAlerts();
    expect(examples.map((alert) => (alert.properties as Record<string, unknown>).alertType)).toEqual([
      'VM_EICAR',
      'VM_SuspiciousScreenSaver',
    ]);
    expect((examples[1]?.properties as Record<string, unknown>).description).toContain(
      '‘c:\\users\\contosoUser\\scrsave.scr’',
    );
    expect(
      ((examples[1]?.properties as { entities: Record<string, unknown>[] }).entities[0] ?? {}).OsVersion,
    ).toBeNull();
  });
});
