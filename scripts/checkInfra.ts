/**
 * `npm run check:infra`: builds infra/main.bicep (with every module it uses) and lints every Bicep file under infra/
 * with infra/bicepconfig.json, using the pinned Bicep CLI (installed from NuGet when missing). Any error or warning
 * fails it. The compiled template goes to a temporary folder and is removed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureBicep, INFRA_DIR, pinnedBicepVersion, REPO_ROOT, runBicep } from './bicepCli';

const CONFIG = join(INFRA_DIR, 'bicepconfig.json');

function main(): number {
  const started = Date.now();
  const bicep = ensureBicep();
  console.log(`Bicep CLI ${pinnedBicepVersion()}: ${bicep}`);

  const outDir = mkdtempSync(join(tmpdir(), 'check-infra-'));
  const findings: string[] = [];
  try {
    // --no-restore: every module is local; a registry module would fail here at once instead of after retries.
    const build = runBicep(bicep, [
      'build',
      'infra/main.bicep',
      '--no-restore',
      '--config',
      CONFIG,
      '--outdir',
      outDir,
    ]);
    findings.push(...build.findings);
    console.log(`build infra/main.bicep: ${build.findings.length} finding(s)`);

    const files = bicepFiles(INFRA_DIR);
    const lint = runBicep(bicep, [
      'lint',
      '--pattern',
      'infra/**/*.bicep',
      '--no-restore',
      '--config',
      CONFIG,
    ]);
    findings.push(...lint.findings);
    console.log(`lint ${files.length} files (${files.join(', ')}): ${lint.findings.length} finding(s)`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }

  // The same diagnostic can come from the build and the lint, or from two files that use one module.
  const distinct = [...new Set(findings)];
  for (const finding of distinct) console.error(finding);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (distinct.length > 0) {
    console.error(`check:infra failed: ${distinct.length} error(s) or warning(s) in ${seconds} s.`);
    return 1;
  }
  console.log(`check:infra passed: no error or warning, ${seconds} s.`);
  return 0;
}

/** Every .bicep file under `dir`, relative to the repository root. */
function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.bicep'))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
