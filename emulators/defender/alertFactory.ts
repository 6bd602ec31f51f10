import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERT_KINDS,
  COUNTRIES,
  HOSTILE_STRINGS,
  LOCATIONS,
  RESOURCE_GROUPS,
  USER_NAMES,
  type AlertKind,
  type AlertTarget,
} from './alertCatalog';
import type { AlertSource } from './alertStore';
import { mixSeed, mulberry32, type Prng } from './prng';

/**
 * A generated alert. A type alias (not an interface) so it stays assignable to
 * `Record<string, unknown>`, while spreads and `.id` keep their types in tests.
 */
export type GeneratedAlert = {
  id: string;
  name: string;
  type: 'Microsoft.Security/Locations/alerts';
  properties: Record<string, unknown>;
};

/** Which alerts to generate: alert `i` depends only on (`seed`, `subscriptionId`, `i`). */
export interface GenerateAlertsOptions {
  count: number;
  seed: number;
  subscriptionId: string;
  /** Index of the first alert, so a large list can be produced a page at a time. Default 0. */
  startIndex?: number;
  /** Put hostile strings into every 8th alert (index ≡ 5 mod 8). Default true. */
  hostile?: boolean;
}

/**
 * Generates `count` Defender for Cloud alerts shaped as api-version 2022-01-01 returns them
 * (2–6 KB of JSON each), deterministically: the same options always give the same alerts, and alert `i`
 * is the same whether generated alone or in a batch. Ids are unique per seed.
 */
export function generateAlerts(options: GenerateAlertsOptions): GeneratedAlert[] {
  const start = options.startIndex ?? 0;
  const alerts: GeneratedAlert[] = [];
  for (let i = start; i < start + options.count; i++) alerts.push(generateAlert(i, options));
  return alerts;
}

/**
 * An {@link AlertSource} of `count` generated alerts that produces each one on demand, so the emulator
 * can serve hundreds of thousands of alerts without holding gigabytes of objects.
 */
export function generatedAlertSource(options: Omit<GenerateAlertsOptions, 'startIndex'>): AlertSource {
  return { length: options.count, at: (index) => generateAlert(index, options) };
}

/** The "Sample Record" from the collector's specification (`emulators/defender/fixtures/sampleRecord.json`), fresh copy. */
export function sampleRecord(): Record<string, unknown> {
  return readJson(join(FIXTURES_DIR, 'sampleRecord.json'));
}

/**
 * The alerts of Microsoft's published api-version 2022-01-01 examples
 * (`emulators/defender/fixtures/microsoftExamples/*.json`), in file name order, fresh copies.
 */
export function microsoftExampleAlerts(): Record<string, unknown>[] {
  const dir = join(FIXTURES_DIR, 'microsoftExamples');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readJson(join(dir, name)));
}

/** The fixtures beside this file, whether it runs from the sources (ts-jest) or compiled under `dist/` (local demo). */
const FIXTURES_DIR =
  [join(__dirname, 'fixtures'), join(__dirname, '..', '..', '..', 'emulators', 'defender', 'fixtures')].find(
    (dir) => existsSync(join(dir, 'sampleRecord.json')),
  ) ?? join(__dirname, 'fixtures');

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Fixed "now" so generated timestamps do not depend on when tests run. */
const BASE_TIME_MS = Date.UTC(2025, 8, 1, 12, 0, 0);
const DAY_MS = 24 * 60 * 60 * 1000;
/** .NET `DateTime.MaxValue.Ticks`; Defender's systemAlertId starts with MaxValue minus the alert's ticks. */
const MAX_TICKS = 3155378975999999999n;
const TICKS_AT_UNIX_EPOCH = 621355968000000000n;
const HOSTILE_EVERY = 8;
const HOSTILE_OFFSET = 5;

/** Generates alert number `index`; see {@link generateAlerts}. */
export function generateAlert(
  index: number,
  options: Pick<GenerateAlertsOptions, 'seed' | 'subscriptionId' | 'hostile'>,
): GeneratedAlert {
  const rng = mulberry32(mixSeed(options.seed, index));
  const sub = options.subscriptionId;
  const kind = rng.pick(ALERT_KINDS);
  const location = rng.pick(LOCATIONS);
  const resourceGroup = rng.pick(RESOURCE_GROUPS);
  const resource = makeResource(rng, kind.target, sub, resourceGroup);
  const user = rng.pick(USER_NAMES);
  const country = rng.pick(COUNTRIES);
  const ip = `${rng.pick([198, 203, 185, 45])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;

  const startMs = BASE_TIME_MS - rng.int(0, 90 * DAY_MS);
  const endMs = startMs + rng.int(0, 6 * 60 * 60 * 1000);
  const generatedMs = endMs + rng.int(1000, 20 * 60 * 1000);
  const startTicks = BigInt(startMs) * 10000n + TICKS_AT_UNIX_EPOCH + BigInt(rng.int(0, 9999));
  const alertName = `${MAX_TICKS - startTicks}_${uniqueGuid(rng, options.seed, index)}`;

  const fill = (text: string): string =>
    text.replaceAll('{resource}', resource.name).replaceAll('{ip}', ip).replaceAll('{user}', user);
  const hostile =
    (options.hostile ?? true) && index % HOSTILE_EVERY === HOSTILE_OFFSET
      ? hostileTrio(Math.floor(index / HOSTILE_EVERY))
      : undefined;
  const status = rng.pick(['Active', 'Active', 'Active', 'InProgress', 'Resolved', 'Resolved', 'Dismissed']);

  const properties: Record<string, unknown> = {
    version: '2022-01-01',
    alertType: kind.alertType,
    systemAlertId: alertName,
    productComponentName: kind.component,
    alertDisplayName: kind.displayName,
    description: fill(kind.description) + (hostile ? ` ${hostile[0]}` : ''),
    severity: rng.pick(kind.severities),
    intent: kind.intent,
    startTimeUtc: dotNetTime(rng, startMs),
    endTimeUtc: dotNetTime(rng, endMs),
    resourceIdentifiers: resourceIdentifiers(rng, resource.id, sub, resourceGroup, kind.target),
    remediationSteps: kind.remediationSteps.map(fill).concat(hostile ? [hostile[1]] : []),
    vendorName: 'Microsoft',
    status,
    extendedLinks: rng.chance(0.5) ? [threatReportLink(kind)] : [],
    alertUri: `https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/${alertName}/subscriptionId/${sub}/resourceGroup/${resourceGroup}/referencedFrom/alertDeepLink/location/${location}`,
    timeGeneratedUtc: dotNetTime(rng, generatedMs),
    productName: 'Microsoft Defender for Cloud',
    processingEndTimeUtc: dotNetTime(rng, generatedMs + rng.int(100, 5000)),
    entities: makeEntities(rng, kind.target, location, resource, {
      ip,
      country,
      user,
      hostile: hostile?.[2],
    }),
    isIncident: false,
    correlationKey: base64Like(rng, 44),
    extendedProperties: extendedProperties(rng, kind, resource, { ip, user, hostile }),
    compromisedEntity: resource.name,
    techniques: [...kind.techniques],
    subTechniques: [...kind.subTechniques],
  };
  if (rng.chance(0.35)) properties.supportingEvidence = tabularEvidence(rng, startMs, user, ip);
  return {
    id: `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/Microsoft.Security/locations/${location}/alerts/${alertName}`,
    name: alertName,
    type: 'Microsoft.Security/Locations/alerts',
    properties,
  };
}

interface Resource {
  id: string;
  name: string;
  /** Extra ids entities refer to (SQL server of a database, AKS cluster of a node pool). */
  parentId?: string;
}

function makeResource(rng: Prng, target: AlertTarget, sub: string, rg: string): Resource {
  const base = `/subscriptions/${sub}/resourceGroups/${rg}/providers`;
  const n = rng.int(1, 40);
  switch (target) {
    case 'vm': {
      const name = `${rng.pick(['web', 'sqlvm', 'jumpbox', 'build-agent', 'dc', 'app'])}-${String(n).padStart(2, '0')}`;
      return { id: `${base}/Microsoft.Compute/virtualMachines/${name}`, name };
    }
    case 'sql': {
      const server = `sql-${rng.pick(['orders', 'crm', 'payroll', 'telemetry'])}-${n}`;
      const name = rng.pick(['master', 'OrdersDb', 'CustomerData', 'Audit']);
      const parentId = `${base}/Microsoft.Sql/servers/${server}`;
      return { id: `${parentId}/databases/${name}`, name, parentId };
    }
    case 'storage': {
      const name = `st${rng.pick(['logs', 'backup', 'public', 'data'])}${rng.hex(8)}`;
      return { id: `${base}/Microsoft.Storage/storageAccounts/${name}`, name };
    }
    case 'k8s': {
      const name = `aks-${rng.pick(['prod', 'staging', 'platform'])}-${n}`;
      return { id: `${base}/Microsoft.ContainerService/managedClusters/${name}`, name };
    }
    case 'keyVault': {
      const name = `kv-${rng.pick(['secrets', 'payments', 'certs'])}-${rng.hex(4)}`;
      return { id: `${base}/Microsoft.KeyVault/vaults/${name}`, name };
    }
    case 'appService': {
      const name = `app-${rng.pick(['portal', 'checkout', 'api'])}-${n}`;
      return { id: `${base}/Microsoft.Web/sites/${name}`, name };
    }
    case 'cosmos': {
      const name = `cosmos-${rng.pick(['catalog', 'sessions'])}-${n}`;
      return { id: `${base}/Microsoft.DocumentDB/databaseAccounts/${name}`, name };
    }
    case 'arm':
      return { id: `/subscriptions/${sub}`, name: sub };
  }
}

function resourceIdentifiers(
  rng: Prng,
  resourceId: string,
  sub: string,
  rg: string,
  target: AlertTarget,
): Record<string, unknown>[] {
  const ids: Record<string, unknown>[] = [{ azureResourceId: resourceId, type: 'AzureResource' }];
  if (target === 'vm' || target === 'k8s') {
    ids.push({
      workspaceId: rng.guid(),
      workspaceSubscriptionId: sub,
      workspaceResourceGroup: rg,
      agentId: rng.guid(),
      type: 'LogAnalytics',
    });
  }
  return ids;
}

interface EntityContext {
  ip: string;
  country: (typeof COUNTRIES)[number];
  user: string;
  hostile: string | undefined;
}

/**
 * Entities as the service sends them: each with a `$id`, later ones pointing at earlier ones with
 * `{"$ref": id}` objects.
 */
function makeEntities(
  rng: Prng,
  target: AlertTarget,
  location: string,
  resource: Resource,
  ctx: EntityContext,
): Record<string, unknown>[] {
  const entities: Record<string, unknown>[] = [];
  const add = (entity: Record<string, unknown>): { $ref: string } => {
    const id = `${location}_${entities.length + 1}`;
    entities.push({ $id: id, ...entity });
    return { $ref: id };
  };
  add({
    address: ctx.ip,
    location: { ...ctx.country },
    // Present on some alerts only, as the service omits members it has no value for.
    ...(rng.chance(0.4)
      ? {
          threatIntelligence: [
            {
              providerName: 'Microsoft Threat Intelligence',
              threatType: 'Botnet',
              confidence: rng.int(50, 99) / 100,
            },
          ],
        }
      : {}),
    type: 'ip',
  });
  // Added only where referenced: VM alerts name their resource in the host entity instead.
  const resourceEntity = (): { $ref: string } =>
    add({ resourceId: resource.id, resourceType: resourceType(resource), type: 'azure-resource' });

  switch (target) {
    case 'vm': {
      const host = add({
        hostName: resource.name,
        netBiosName: resource.name.toUpperCase(),
        azureID: resource.id,
        omsAgentID: rng.guid(),
        osFamily: rng.pick(['Windows', 'Linux']),
        osVersion: rng.pick(['Windows Server 2022', 'Ubuntu 22.04', 'Windows Server 2019']),
        type: 'host',
      });
      const account = add({
        name: ctx.user,
        ntDomain: resource.name,
        logonId: `0x${rng.hex(8)}`,
        host,
        type: 'account',
      });
      const image = add({ directory: 'c:\\windows\\system32', name: 'cmd.exe', type: 'file' });
      const parent = add({ processId: `0x${rng.hex(4)}`, imageFile: image, account, host, type: 'process' });
      add({
        processId: `0x${rng.hex(4)}`,
        commandLine:
          ctx.hostile ??
          `powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand ${base64Like(rng, rng.int(40, 120))}`,
        creationTimeUtc: new Date(BASE_TIME_MS - rng.int(0, 90 * DAY_MS)).toISOString(),
        parentProcess: parent,
        account,
        host,
        type: 'process',
      });
      break;
    }
    case 'k8s': {
      const cluster = add({ name: resource.name, cloudResource: resourceEntity(), type: 'K8s-cluster' });
      const namespace = add({
        name: rng.pick(['default', 'kube-system', 'payments']),
        cluster,
        type: 'K8s-namespace',
      });
      const image = add({ imageId: `contoso.azurecr.io/app@sha256:${rng.hex(64)}`, type: 'container-image' });
      const container = add({
        name: rng.pick(['app', 'sidecar', 'miner']),
        image,
        isPrivileged: true,
        type: 'container',
      });
      add({ name: `app-${rng.hex(10)}-${rng.hex(5)}`, namespace, containers: [container], type: 'K8s-pod' });
      break;
    }
    case 'storage': {
      const containerRef = add({
        name: rng.pick(['logs', 'uploads', '$web']),
        storageResource: resourceEntity(),
        type: 'blob-container',
      });
      add({
        name: ctx.hostile ?? `uploads/${rng.hex(12)}.zip`,
        container: containerRef,
        url: `https://${resource.name}.blob.core.windows.net/uploads/${rng.hex(12)}.zip`,
        etag: `0x8DC${rng.hex(12).toUpperCase()}`,
        type: 'blob',
      });
      break;
    }
    default:
      resourceEntity();
      add({
        name: ctx.hostile ?? ctx.user,
        aadUserId: rng.guid(),
        upnSuffix: 'contoso.com',
        sid: `S-1-5-21-${rng.int(1e9, 4e9)}-${rng.int(1e9, 4e9)}-${rng.int(1e9, 4e9)}-${rng.int(500, 5000)}`,
        type: 'account',
      });
      add({
        appId: rng.int(10000, 999999),
        name: rng.pick(['Azure CLI', 'Azure PowerShell', 'Unknown']),
        type: 'cloud-application',
      });
  }
  return entities;
}

/** `Microsoft.Compute/virtualMachines` from a resource id; `Subscription` for a subscription id. */
function resourceType(resource: Resource): string {
  const segments = resource.id.split('/');
  return segments.length > 7 ? `${segments[6]}/${segments[7]}` : 'Subscription';
}

function extendedProperties(
  rng: Prng,
  kind: AlertKind,
  resource: Resource,
  ctx: { ip: string; user: string; hostile: readonly [string, string, string] | undefined },
): Record<string, string> {
  const props: Record<string, string> = {
    resourceType: resourceType(resource),
    'client IP address': ctx.ip,
    'user name': ctx.user,
    'investigation steps': `{"displayValue":"View related activity","kind":"Link","value":"https://portal.azure.com/#@contoso.com/resource${resource.id}/overview"}`,
    enrichment_tas_threat__reports: `{"Kind":"MultiLink","DisplayValueToUrlDictionary":{"Report: ${kind.displayName}":"https://interflowwebportalext.trafficmanager.net/reports/DisplayReport?reportName=${encodeURIComponent(kind.alertType)}.pdf"}}`,
    'Detection Id': rng.guid(),
  };
  if (resource.parentId) props['server name'] = resource.parentId.split('/').pop() ?? '';
  if (kind.target === 'vm') {
    props['process name'] = 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe';
    props['parent process'] = 'c:\\windows\\system32\\cmd.exe';
    props['process id'] = `0x${rng.hex(4)}`;
    props['account logon id'] = `0x${rng.hex(8)}`;
  }
  if (ctx.hostile) {
    // Hostile keys too: consumers that turn property names into columns or field names must cope.
    props[`hostile key ${ctx.hostile[2]}`] = ctx.hostile[1];
  }
  return props;
}

function tabularEvidence(rng: Prng, startMs: number, user: string, ip: string): Record<string, unknown> {
  const rows: unknown[][] = [];
  for (let i = rng.int(2, 5); i > 0; i--) {
    const success = rng.chance(0.2);
    rows.push([
      new Date(startMs + i * 1000).toISOString(),
      rng.pick(['Log on', 'Network connection']),
      user,
      ip,
      String(success),
      success,
    ]);
  }
  return {
    type: 'tabularEvidences',
    title: 'Investigate activity',
    columns: ['Date', 'Activity', 'User', 'Source', 'TestedText', 'TestedValue'],
    rows,
  };
}

function threatReportLink(kind: AlertKind): Record<string, string> {
  return {
    Category: 'threat_reports',
    Label: `Report: ${kind.displayName}`,
    Href: `https://interflowwebportalext.trafficmanager.net/reports/DisplayReport?reportName=${encodeURIComponent(kind.alertType)}`,
    Type: 'webLink',
  };
}

/** Three different hostile strings, rotating so that every one appears across consecutive hostile alerts. */
function hostileTrio(n: number): [string, string, string] {
  const at = (k: number): string => HOSTILE_STRINGS[(n + k) % HOSTILE_STRINGS.length] ?? '';
  return [at(0), at(4), at(7)];
}

/**
 * A GUID whose last 12 hex digits are the index XOR a seed-derived mask: a bijection on indexes below
 * 2^48, so ids never collide even though each alert's random stream has only 32 bits of state.
 */
function uniqueGuid(rng: Prng, seed: number, index: number): string {
  const mask = mixSeed(seed, 0x5eed);
  const low = ((index % 0x1000000) ^ (mask & 0xffffff)) >>> 0;
  const high = (Math.floor(index / 0x1000000) ^ (mask >>> 8)) & 0xffffff;
  const tail = high.toString(16).padStart(6, '0') + low.toString(16).padStart(6, '0');
  const guid = `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${rng.hex(3)}-${tail}`;
  // The service sends upper- and lower-case GUIDs; consumers must not assume either.
  return rng.chance(0.5) ? guid.toUpperCase() : guid;
}

/** A timestamp as .NET writes it: seven fractional digits and a `Z`. */
function dotNetTime(rng: Prng, ms: number): string {
  return new Date(ms).toISOString().replace('Z', `${String(rng.int(0, 9999)).padStart(4, '0')}Z`);
}

function base64Like(rng: Prng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(rng.int(0, 63));
  return `${out}=`;
}
