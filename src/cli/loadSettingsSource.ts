import { existsSync, readFileSync } from 'node:fs';
import type { SettingsSource } from '../config/settingReaders';

/**
 * The settings the function would see: `local.settings.json` `Values` (as Core Tools loads them), with
 * environment variables taking precedence.
 */
export function loadSettingsSource(
  localSettingsPath: string,
  environment: NodeJS.ProcessEnv,
): SettingsSource {
  if (!existsSync(localSettingsPath)) return { ...environment };
  let values: unknown;
  try {
    values = (JSON.parse(readFileSync(localSettingsPath, 'utf8')) as { Values?: unknown }).Values;
  } catch (error) {
    // The parser's message quotes the text around the error, which may be a secret: keep only where it is.
    throw new Error(
      `Cannot read '${localSettingsPath}': it is not valid JSON${whereJsonFailed(error)}. Fix or remove it.`,
    );
  }
  if (values !== undefined && (typeof values !== 'object' || values === null || Array.isArray(values))) {
    throw new Error(
      `Cannot read '${localSettingsPath}': "Values" must be an object of setting names to strings.`,
    );
  }
  const fromFile: Record<string, string> = {};
  for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') fromFile[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fromFile[name] = String(value);
    else if (value !== null) {
      throw new Error(`Cannot read '${localSettingsPath}': the value of "${name}" must be a string.`);
    }
  }
  return { ...fromFile, ...environment };
}

/** True when nothing points at a real Azure subscription: the local runner then runs its demo. */
export function hasNoAzureSettings(source: SettingsSource): boolean {
  return (
    !source.tenant_id?.trim() &&
    !source.subscription_id?.trim() &&
    !source.subscription_ids?.trim() &&
    !source.management_group_id?.trim()
  );
}

/** " (line 5, column 20)" from a JSON.parse error, or "" when it does not say. */
function whereJsonFailed(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return ` (line ${lineColumn[1]}, column ${lineColumn[2]})`;
  const position = /at position (\d+)/.exec(message);
  return position ? ` (at character ${position[1]})` : '';
}
