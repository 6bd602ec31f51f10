/*
 * `%name%` references in binding properties, resolved from app settings when the host indexes a function.
 *
 * Checked against Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/NameResolverExtensions.cs
 * (`ResolveWholeString`: every `%name%` replaced; "The '%' at position {0} does not have a closing '%'";
 * "'%{0}%' does not resolve to a value.") and DefaultNameResolver.cs (values come from configuration).
 */

/** App settings as the function app sees them; `undefined` is a setting that is not defined. */
export type AppSettings = Readonly<Record<string, string | undefined>>;

/**
 * Replaces every `%name%` in `text` with the app setting `name`.
 * @throws Error with the host's message for an unclosed `%` or a setting that is not defined.
 */
export function resolveAppSettingReferences(text: string, appSettings: AppSettings): string {
  let result = '';
  let position = 0;
  while (position < text.length) {
    const start = text.indexOf('%', position);
    if (start < 0) return result + text.slice(position);
    const end = text.indexOf('%', start + 1);
    if (end < 0) throw new Error(`The '%' at position ${start} does not have a closing '%'`);
    const name = text.slice(start + 1, end);
    const value = appSettings[name];
    if (value === undefined) throw new Error(`'%${name}%' does not resolve to a value.`);
    result += text.slice(position, start) + value;
    position = end + 1;
  }
  return result;
}
