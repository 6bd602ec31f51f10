/**
 * The pinned Bicep CLI, installed from NuGet on first use: `npm run check:infra` and the template tests
 * (test/support/bicep.ts) both run it through here, so they always use the same compiler.
 *
 * `infra/tools/bicep.csproj` pins the version. It is a restore-only project: `dotnet restore` downloads the package
 * `Azure.Bicep.CommandLine.linux-x64` into the NuGet global packages folder, whose `tools/bicep` is a self-contained
 * executable. Nothing else is downloaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, from this file's place in `scripts/` (or `dist/scripts/` once compiled). */
export const REPO_ROOT = findRepoRoot(__dirname);

/** `infra/` of the repository. */
export const INFRA_DIR = join(REPO_ROOT, 'infra');

/** The restore-only project that pins the Bicep CLI. */
export const BICEP_PROJECT = join(INFRA_DIR, 'tools', 'bicep.csproj');

const PACKAGE_ID = 'Azure.Bicep.CommandLine.linux-x64';

/** The Bicep CLI version pinned by `<BicepVersion>` in infra/tools/bicep.csproj. */
export function pinnedBicepVersion(): string {
  const version = /<BicepVersion>([^<]+)<\/BicepVersion>/.exec(readFileSync(BICEP_PROJECT, 'utf8'))?.[1];
  if (!version)
    throw new Error(`${BICEP_PROJECT} has no <BicepVersion>: set it to the Bicep CLI version to use.`);
  return version.trim();
}

/**
 * The path of the pinned Bicep CLI, restoring it from NuGet first when it is not in the global packages folder.
 * Throws when dotnet is missing or the restore fails, with dotnet's own output.
 */
export function ensureBicep(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The pinned Bicep CLI is the NuGet package ${PACKAGE_ID}, for Linux x64; this is ${process.platform} ${process.arch}. ` +
        'Run the infra checks on a Linux x64 machine.',
    );
  }
  const version = pinnedBicepVersion();
  return bicepIn(defaultPackagesFolder(), version) ?? restoreBicep(version);
}

/** `tools/bicep` of the package in a global packages folder, if it is there. */
function bicepIn(packagesFolder: string, version: string): string | undefined {
  const executable = join(packagesFolder, PACKAGE_ID.toLowerCase(), version, 'tools', 'bicep');
  return existsSync(executable) ? executable : undefined;
}

/** NuGet's global packages folder unless a NuGet.Config moves it (the restore then says where it is). */
function defaultPackagesFolder(): string {
  return process.env.NUGET_PACKAGES ?? join(homedir(), '.nuget', 'packages');
}

function restoreBicep(version: string): string {
  // The restore's obj/ goes to a folder of its own: nothing lands in the work tree, and two processes restoring at
  // once (parallel test workers) do not share it. NuGet itself locks the package folder while it extracts.
  const objDir = mkdtempSync(join(tmpdir(), 'bicep-restore-'));
  try {
    process.stderr.write(`Installing the Bicep CLI ${version} from NuGet (${PACKAGE_ID})...\n`);
    const restore = spawnSync(
      'dotnet',
      [
        'restore',
        BICEP_PROJECT,
        '--nologo',
        '--verbosity',
        'quiet',
        `-p:BaseIntermediateOutputPath=${objDir}/`,
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (restore.error) {
      throw new Error(
        `Failed to run 'dotnet restore' to install the Bicep CLI: ${restore.error.message}. Install the .NET SDK and put dotnet on PATH.`,
        { cause: restore.error },
      );
    }
    if (restore.status !== 0) {
      throw new Error(
        `'dotnet restore ${BICEP_PROJECT}' exited with ${restore.status ?? restore.signal}, so the Bicep CLI ${version} ` +
          `is not installed. Check that a NuGet source serving ${PACKAGE_ID} ${version} is configured ` +
          `('dotnet nuget list source'). Its output:\n${restore.stdout}${restore.stderr}`,
      );
    }
    const assets = JSON.parse(readFileSync(join(objDir, 'project.assets.json'), 'utf8')) as {
      packageFolders?: Record<string, unknown>;
    };
    for (const folder of [...Object.keys(assets.packageFolders ?? {}), defaultPackagesFolder()]) {
      const found = bicepIn(folder, version);
      if (found) return found;
    }
    throw new Error(
      `'dotnet restore' succeeded but no package folder holds ${PACKAGE_ID.toLowerCase()}/${version}/tools/bicep ` +
        `(looked in ${Object.keys(assets.packageFolders ?? {}).join(', ')}).`,
    );
  } finally {
    rmSync(objDir, { recursive: true, force: true });
  }
}

/** What one run of the Bicep CLI printed, and its findings. */
export interface BicepRun {
  readonly stdout: string;
  /** Diagnostics at level Error or Warning, one line each as Bicep prints them. */
  readonly findings: readonly string[];
}

/**
 * Runs the Bicep CLI with `args` in the repository root. Throws when it cannot start or exits with an error
 * status without a diagnostic to show; findings (errors and warnings) are returned, not thrown.
 */
export function runBicep(bicep: string, args: readonly string[]): BicepRun {
  const run = spawnSync(bicep, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`Failed to run ${bicep}: ${run.error.message}`, { cause: run.error });
  // Bicep prints each diagnostic on stderr as `<file>(<line>,<column>) : <Level> <code>: <message>`.
  const findings = run.stderr.split('\n').filter((line) => / : (Error|Warning) /.test(line));
  if (run.status !== 0 && findings.length === 0) {
    throw new Error(`'bicep ${args.join(' ')}' exited with ${run.status ?? run.signal}:\n${run.stderr}`);
  }
  return { stdout: run.stdout, findings };
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = join(dir, '..')) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'infra'))) return dir;
    if (dir === join(dir, '..'))
      throw new Error(`No repository root (package.json beside infra/) above ${start}`);
  }
}
