import type { SettingsSource } from './settingReaders';

/** App Service's syntax for an app setting read from Key Vault: `@Microsoft.KeyVault(SecretUri=…)`. */
const REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

/**
 * The settings whose value is still a Key Vault reference. App Service replaces a reference with the
 * secret before the app starts; when it cannot (no access, vault or secret missing), the app receives the
 * reference text itself, which would otherwise be used as a client secret or connection string and fail
 * later with a misleading 401.
 */
export function unresolvedKeyVaultReferences(source: SettingsSource): string[] {
  return Object.entries(source)
    .filter(([, value]) => value !== undefined && REFERENCE.test(value))
    .map(([name]) => name)
    .sort();
}

/** What to do about an unresolved reference; the reference is not quoted (it names the vault's secret). */
export function unresolvedReferenceProblem(name: string): string {
  return (
    `Setting '${name}' is a Key Vault reference that App Service could not resolve: the app received ` +
    "'@Microsoft.KeyVault(...)' instead of the secret. Most likely the function app's identity lacks the " +
    "'Key Vault Secrets User' role on the vault, or the role assignment has not propagated yet (allow a few " +
    "minutes, then restart the app); the portal shows each reference's status under the app's Environment " +
    'variables. Check also that the secret exists and the vault allows the app through its network rules.'
  );
}

/** `source` without `names`, so that the other checks do not report them a second time. */
export function withoutSettings(source: SettingsSource, names: readonly string[]): SettingsSource {
  if (names.length === 0) return source;
  const rest: Record<string, string | undefined> = { ...source };
  for (const name of names) delete rest[name];
  return rest;
}
