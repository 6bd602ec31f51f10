/**
 * Small readers for app settings. Each failure names the setting, quotes what was received (never for a
 * secret) and says how to fix it, in the message style of `@azure/functions`.
 */
export type SettingsSource = Readonly<Record<string, string | undefined>>;

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns the trimmed value, or `undefined` when the setting is absent or blank. */
export function optionalSetting(source: SettingsSource, name: string): string | undefined {
  const value = source[name]?.trim();
  return value ? value : undefined;
}

export function requiredSetting(source: SettingsSource, name: string, hint: string): string {
  const value = optionalSetting(source, name);
  if (value === undefined) {
    throw new Error(`Missing setting '${name}': ${hint}`);
  }
  return value;
}

/**
 * A GUID-shaped setting. The subscription id goes into a URL path, so anything else (slashes, `..`,
 * query characters) must be refused rather than allowed to reshape the request.
 */
export function guidSetting(source: SettingsSource, name: string, hint: string): string;
export function guidSetting(
  source: SettingsSource,
  name: string,
  hint: string,
  required: false,
): string | undefined;
export function guidSetting(
  source: SettingsSource,
  name: string,
  hint: string,
  required = true,
): string | undefined {
  const value = required ? requiredSetting(source, name, hint) : optionalSetting(source, name);
  if (value !== undefined && !GUID_PATTERN.test(value)) {
    // A value with other characters than a GUID's may be a secret pasted into the wrong setting: not echoed.
    const shown = /^[0-9a-f{}-]*$/i.test(value)
      ? `"${value}"`
      : 'The value (not shown: it is not GUID-shaped, and may be a secret pasted into the wrong setting)';
    throw new Error(
      `Invalid setting '${name}': ${shown} is not a GUID. ${hint} It looks like 00000000-0000-0000-0000-000000000000.`,
    );
  }
  return value?.toLowerCase();
}

export function choiceSetting<T extends string>(
  source: SettingsSource,
  name: string,
  choices: readonly T[],
  defaultValue: T,
): T {
  const value = optionalSetting(source, name);
  if (value === undefined) return defaultValue;
  const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new Error(
      `Invalid setting '${name}': "${value}" is not one of ${choices.map((c) => `'${c}'`).join(', ')}. ` +
        `Remove it to use '${defaultValue}'.`,
    );
  }
  return match;
}

export function integerSetting(
  source: SettingsSource,
  name: string,
  range: { min: number; max: number },
  defaultValue: number,
): number {
  const value = optionalSetting(source, name);
  if (value === undefined) return defaultValue;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
    throw new Error(
      `Invalid setting '${name}': "${value}" is not a whole number from ${range.min} to ${range.max}. ` +
        `Remove it to use ${defaultValue}.`,
    );
  }
  return parsed;
}

/** An absolute https URL without query, fragment or credentials, returned without a trailing slash. */
export function httpsUrlSetting(source: SettingsSource, name: string, example: string): string | undefined {
  const value = optionalSetting(source, name);
  if (value === undefined) return undefined;
  // Checked on the raw text: the URL parser reports a bare "?" or "#" as an empty search or hash.
  const hasExtras = /[?#@]/.test(value);
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'https:' || hasExtras) {
    // A query or user info may carry a SAS token or a password, and text that is no URL at all may be a
    // connection string or a SAS pasted into the wrong setting: never echo such a value.
    const shown = hasExtras
      ? 'The value (not shown: it has a query, fragment or credentials)'
      : url === undefined
        ? 'The value (not shown: it is not a URL, and may be a secret pasted into the wrong setting)'
        : `"${value}"`;
    throw new Error(
      `Invalid setting '${name}': ${shown} is not an https URL without query or credentials. ` +
        `Example: "${example}".`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** A container or blob-path name: the characters Azure Storage accepts, checked before any request. */
export function storageNameSetting(
  source: SettingsSource,
  name: string,
  kind: 'container' | 'blob' | 'queue' | 'eventhub' | 'connection',
  defaultValue: string | undefined,
): string | undefined {
  const value = optionalSetting(source, name) ?? defaultValue;
  if (value === undefined) return undefined;
  const rules = {
    container: {
      pattern: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      text: '3-63 lowercase letters, digits and single hyphens',
    },
    queue: {
      pattern: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      text: '3-63 lowercase letters, digits and single hyphens',
    },
    blob: {
      pattern: /^(?!\/)(?!.*\/\/)(?!.*\.\.)[^\\?#\r\n]{1,1024}$/s,
      text: 'a relative path of at most 1024 characters without "..", "?", "#" or "\\"',
    },
    eventhub: {
      pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/,
      text: 'letters, digits, ".", "_" and "-" (at most 256)',
    },
    connection: {
      pattern: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
      text: 'the name of an app setting (letters, digits and "_")',
    },
  }[kind];
  if (!rules.pattern.test(value)) {
    throw new Error(`Invalid setting '${name}': "${value}" must be ${rules.text}.`);
  }
  return value;
}
