/**
 * The templates under `infra/` as the real Bicep CLI compiles them, for the template tests: the ARM JSON of
 * `infra/main.bicep` (every module inlined as a nested deployment), and Bicep's deployment snapshot of that JSON for
 * a set of parameters (the resources it would deploy, with every expression Bicep can evaluate without Azure
 * evaluated). The pinned CLI is installed from NuGet when missing (scripts/bicepCli.ts, as for check:infra).
 *
 * Compiling takes a second or two, so results are cached in the temp folder under a hash of infra/ and of the
 * parameters: the first test file compiles, the others read the cache. Each result is written to a file of its own
 * and renamed into place, so parallel test workers never read half a file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureBicep, INFRA_DIR, REPO_ROOT, runBicep } from '../../scripts/bicepCli';

export { INFRA_DIR, REPO_ROOT };

/** A parameter declaration of a compiled template. */
export interface ArmParameter {
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly nullable?: boolean;
  readonly metadata?: { readonly description?: string };
}

/** A resource of a compiled template; `symbol` is its Bicep name where the template keeps symbolic names. */
export interface ArmResource {
  readonly symbol?: string;
  readonly type: string;
  readonly apiVersion?: string;
  readonly name: string;
  readonly existing?: boolean;
  readonly condition?: string | boolean;
  readonly scope?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** A compiled template: ARM JSON as `bicep build` writes it. */
export interface ArmTemplate {
  readonly $schema: string;
  readonly languageVersion?: string;
  readonly parameters?: Record<string, ArmParameter>;
  readonly variables?: Record<string, unknown>;
  /** An array, or an object keyed by symbolic name (languageVersion 2.0). */
  readonly resources: readonly ArmResource[] | Record<string, ArmResource>;
  readonly outputs?: Record<string, { readonly type: string; readonly value: unknown }>;
}

/** A module of main.bicep, or of one of its modules: the nested deployment and the template inside it. */
export interface CompiledModule {
  /** Deployment names from main.bicep down, e.g. `monitoring/logAnalytics` (a symbolic name where there is one). */
  readonly path: string;
  readonly deployment: ArmResource;
  readonly template: ArmTemplate;
}

/** A resource of a deployment snapshot. Values Bicep cannot know before deploying stay ARM expressions. */
export interface PredictedResource {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly location?: string;
  readonly kind?: string;
  readonly tags?: Record<string, string>;
  readonly sku?: Record<string, unknown>;
  readonly identity?: Record<string, unknown>;
  readonly properties?: Record<string, unknown>;
}

/** What `bicep snapshot` predicts a deployment of main.bicep does. */
export interface DeploymentSnapshot {
  readonly predictedResources: readonly PredictedResource[];
  readonly outputs: Record<string, unknown>;
  readonly diagnostics: readonly unknown[];
}

/** The subscription, tenant and region every snapshot deploys to. */
export const SNAPSHOT_CONTEXT = {
  subscriptionId: '00000000-0000-0000-0000-00000000d401',
  tenantId: '00000000-0000-0000-0000-00000000a7e7',
  location: 'westeurope',
  deploymentName: 'collector-test',
} as const;

/** infra/main.bicep compiled to ARM JSON. */
export function compiledTemplate(): ArmTemplate {
  const file = cached('main.json', () => {
    const outFile = join(cacheDir(), `main.${randomUUID()}.json`);
    check(
      'build infra/main.bicep',
      runBicep(bicep(), ['build', 'infra/main.bicep', '--no-restore', '--outfile', outFile]),
    );
    return outFile;
  });
  return JSON.parse(readFileSync(file, 'utf8')) as ArmTemplate;
}

/**
 * Bicep's deployment snapshot of the compiled main.bicep with these parameters (string, number or boolean values),
 * deployed at subscription scope in {@link SNAPSHOT_CONTEXT}.
 */
export function deploymentSnapshot(
  parameters: Readonly<Record<string, string | number | boolean>>,
): DeploymentSnapshot {
  compiledTemplate();
  const key = parametersKey(parameters);
  const file = cached(`snapshot-${key}.json`, () => {
    const name = `snapshot-${key}.${randomUUID()}`;
    check(`snapshot of ${JSON.stringify(parameters)}`, runSnapshot(name, parameters));
    return join(cacheDir(), `${name}.snapshot.json`);
  });
  return JSON.parse(readFileSync(file, 'utf8')) as DeploymentSnapshot;
}

/**
 * Why a deployment of the compiled main.bicep with these parameters stops before deploying anything: the message of a
 * `fail()` (or any other template error) as Bicep's snapshot reports it. Throws when the snapshot succeeds. Cached like
 * the snapshots.
 */
export function deploymentFailure(parameters: Readonly<Record<string, string | number | boolean>>): string {
  compiledTemplate();
  const key = parametersKey(parameters);
  const file = cached(`failure-${key}.txt`, () => {
    const name = `failure-${key}.${randomUUID()}`;
    let message: string;
    try {
      runSnapshot(name, parameters);
      rmSync(join(cacheDir(), `${name}.snapshot.json`), { force: true });
      message = '';
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    if (message === '') throw new Error(`The snapshot of ${JSON.stringify(parameters)} succeeded`);
    const out = join(cacheDir(), `${name}.txt`);
    writeFileSync(out, message);
    return out;
  });
  return readFileSync(file, 'utf8');
}

function parametersKey(parameters: Readonly<Record<string, string | number | boolean>>): string {
  return createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 16);
}

/** Runs `bicep snapshot` of main.json with these parameters; the snapshot lands in `<name>.snapshot.json`. */
function runSnapshot(
  name: string,
  parameters: Readonly<Record<string, string | number | boolean>>,
): { readonly findings: readonly string[] } {
  const paramsFile = join(cacheDir(), `${name}.bicepparam`);
  const lines = [
    "using './main.json'",
    ...Object.entries(parameters).map(([param, value]) => `param ${param} = ${bicepLiteral(value)}`),
  ];
  writeFileSync(paramsFile, `${lines.join('\n')}\n`);
  const { subscriptionId, tenantId, location, deploymentName } = SNAPSHOT_CONTEXT;
  try {
    return runBicep(bicep(), [
      'snapshot',
      paramsFile,
      '--mode',
      'overwrite',
      ...['--subscription-id', subscriptionId, '--tenant-id', tenantId],
      ...['--location', location, '--deployment-name', deploymentName],
    ]);
  } finally {
    rmSync(paramsFile, { force: true });
  }
}

/** The resources of a template, symbolic names kept, `existing` references left out unless asked for. */
export function resourcesOf(template: ArmTemplate, includeExisting = false): ArmResource[] {
  const all = Array.isArray(template.resources)
    ? (template.resources as readonly ArmResource[])
    : Object.entries(template.resources as Record<string, ArmResource>).map(([symbol, r]) => ({
        symbol,
        ...r,
      }));
  return all.filter((r) => includeExisting || r.existing !== true);
}

/** Every module of main.bicep and of its modules, depth first. */
export function modulesOf(template: ArmTemplate, parentPath = ''): CompiledModule[] {
  return resourcesOf(template)
    .filter((r) => r.type === 'Microsoft.Resources/deployments')
    .flatMap((deployment) => {
      const path = `${parentPath}${deployment.symbol ?? deployment.name}`;
      const nested = (deployment.properties as { template: ArmTemplate }).template;
      return [{ path, deployment, template: nested }, ...modulesOf(nested, `${path}/`)];
    });
}

/** The module at `path` (see {@link CompiledModule.path}); throws naming the modules there are. */
export function moduleAt(template: ArmTemplate, path: string): CompiledModule {
  const modules = modulesOf(template);
  const found = modules.find((m) => m.path === path);
  if (!found)
    throw new Error(`No module '${path}'; the modules are ${modules.map((m) => m.path).join(', ')}`);
  return found;
}

/** Every string in a JSON value (keys excluded), depth first. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * The top-level arguments of the first call of `functionName` in an ARM expression (`[guid(a, f(b), 'c')]` gives
 * `a`, `f(b)` and `'c'`), or `undefined` when there is none.
 */
export function callArguments(expression: string, functionName: string): string[] | undefined {
  const start = new RegExp(`(?:^|[^\\w.])${functionName}\\(`).exec(expression);
  if (!start) return undefined;
  const args: string[] = [];
  let depth = 0;
  let argStart = start.index + start[0].length;
  for (let i = argStart; i < expression.length; i += 1) {
    const c = expression[i];
    if (c === "'") {
      // A string literal; '' inside it is an escaped quote.
      i += 1;
      while (i < expression.length && !(expression[i] === "'" && expression[i + 1] !== "'")) {
        i += expression[i] === "'" ? 2 : 1;
      }
    } else if (c === '(' || c === '[') {
      depth += 1;
    } else if ((c === ')' || c === ']') && depth > 0) {
      depth -= 1;
    } else if (c === ')' || (c === ',' && depth === 0)) {
      args.push(expression.slice(argStart, i).trim());
      argStart = i + 1;
      if (c === ')') return args;
    }
  }
  return undefined;
}

/** The value of an ARM string literal written in an expression (`'it''s'` gives `it's`). */
export function armStringLiteral(literal: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/.exec(literal);
  return match ? match[1]!.replace(/''/g, "'") : undefined;
}

let bicepPath: string | undefined;
function bicep(): string {
  bicepPath ??= ensureBicep();
  return bicepPath;
}

/** Errors stop the tests; warnings are check:infra's business. */
function check(what: string, run: { readonly findings: readonly string[] }): void {
  const errors = run.findings.filter((finding) => / : Error /.test(finding));
  if (errors.length > 0) throw new Error(`Bicep ${what} reported:\n${errors.join('\n')}`);
}

/** The cache folder of the current infra/: a hash of every file under it, by path and content. */
let cacheFolder: string | undefined;
function cacheDir(): string {
  if (!cacheFolder) {
    const hash = createHash('sha256');
    for (const file of filesUnder(INFRA_DIR)) {
      hash
        .update(`${relative(INFRA_DIR, file)}\0`)
        .update(readFileSync(file))
        .update('\0');
    }
    cacheFolder = join(tmpdir(), 'defender-collector-bicep', hash.digest('hex').slice(0, 16));
    mkdirSync(cacheFolder, { recursive: true });
  }
  return cacheFolder;
}

/** The cached file `name`, made by `make` (which returns the file it wrote) when it is not there yet. */
function cached(name: string, make: () => string): string {
  const file = join(cacheDir(), name);
  if (!existsSync(file)) {
    const made = make();
    // Atomic on one file system: a parallel worker that made the same file first is simply replaced.
    renameSync(made, file);
  }
  return file;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
    );
}

function bicepLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}
