/*
 * .NET formatting that binding expressions reach: `{DateTime:<format>}`, `{sys.utcnow:<format>}`,
 * `{rand-guid:<format>}`.
 *
 * Checked against:
 * - Azure/azure-webjobs-sdk src/Microsoft.Azure.WebJobs.Host/Bindings/BindingDataPathHelper.cs
 *   (`ConvertParameterValueToString`: DateTime default format "yyyy-MM-ddTHH-mm-ssK", InvariantCulture;
 *   Guid: ToString() or ToString(format)).
 * - .NET custom/standard date and time format strings and Guid.ToString formats (documented behaviour; the
 *   subset below is what the simulator models, anything else is refused by name rather than guessed).
 */

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Standard (one-letter) formats the simulator models, as their InvariantCulture custom patterns. */
const STANDARD_FORMATS: Record<string, string> = {
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
};

/**
 * Formats a UTC instant as .NET's `DateTime.ToString(format, CultureInfo.InvariantCulture)` does for a
 * `DateTimeKind.Utc` value (what `DateTime.UtcNow` is). Supports the custom specifiers y, M, d, H, h, m, s,
 * f, F, t, K, quoted literals, `\` escapes and `%`, plus the standard formats o, s, u and r.
 * @throws Error naming the specifier for the parts of .NET formatting not modelled here (z, g, other
 *   standard formats), so a test never passes on a guessed rendering.
 */
export function formatDotNetDateTime(instant: Date, format: string): string {
  if (format.length === 1) {
    const standard = STANDARD_FORMATS[format];
    if (standard === undefined)
      throw new Error(
        `The simulator does not model the .NET standard date format '${format}'. Use a custom format such as 'yyyy-MM-dd'.`,
      );
    return formatCustom(instant, standard);
  }
  return formatCustom(instant, format);
}

function formatCustom(instant: Date, format: string): string {
  let result = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === "'" || ch === '"') {
      const end = format.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`Cannot find a matching quote character for the character '${ch}'.`);
      result += format.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '\\') {
      result += format[i + 1] ?? '';
      i += 2;
    } else if (ch === '%') {
      i += 1;
    } else {
      let count = 1;
      while (format[i + count] === ch) count += 1;
      result += formatSpecifier(instant, ch, count);
      i += count;
    }
  }
  return result;
}

function formatSpecifier(instant: Date, specifier: string, count: number): string {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  const hours = instant.getUTCHours();
  switch (specifier) {
    case 'y': {
      const year = instant.getUTCFullYear();
      return count <= 2 ? pad(year % 100, count) : pad(year, count);
    }
    case 'M': {
      const month = instant.getUTCMonth();
      if (count >= 4) return MONTH_NAMES[month]!;
      if (count === 3) return MONTH_NAMES[month]!.slice(0, 3);
      return pad(month + 1, count);
    }
    case 'd': {
      const day = instant.getUTCDay();
      if (count >= 4) return DAY_NAMES[day]!;
      if (count === 3) return DAY_NAMES[day]!.slice(0, 3);
      return pad(instant.getUTCDate(), count);
    }
    case 'H':
      return pad(hours, Math.min(count, 2));
    case 'h':
      return pad(hours % 12 === 0 ? 12 : hours % 12, Math.min(count, 2));
    case 'm':
      return pad(instant.getUTCMinutes(), Math.min(count, 2));
    case 's':
      return pad(instant.getUTCSeconds(), Math.min(count, 2));
    case 't':
      return (hours < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
    case 'K':
      return 'Z';
    case 'f':
    case 'F':
      return formatFraction(instant, specifier, count);
    case 'z':
    case 'g':
      throw new Error(
        `The simulator does not model the .NET date format specifier '${specifier}' (time zone / era).`,
      );
    default:
      // Every other character, ':' and '/' included, is a literal in InvariantCulture.
      return specifier.repeat(count);
  }
}

function formatFraction(instant: Date, specifier: 'f' | 'F', count: number): string {
  if (count > 7) throw new Error('Input string was not in a correct format.');
  // A JavaScript Date has millisecond precision; .NET ticks below that are zero.
  const digits = `${String(instant.getUTCMilliseconds()).padStart(3, '0')}0000`.slice(0, count);
  return specifier === 'f' ? digits : digits.replace(/0+$/, '');
}

/**
 * Formats a GUID as .NET's `Guid.ToString(format)`: D (default, also for an empty format), N, B, P.
 * @throws Error for X, which the simulator does not model.
 */
export function formatDotNetGuid(guid: string, format: string | undefined): string {
  const canonical = guid.toLowerCase();
  switch (format ?? 'D') {
    case 'D':
    case 'd':
      return canonical;
    case 'N':
    case 'n':
      return canonical.replace(/-/g, '');
    case 'B':
    case 'b':
      return `{${canonical}}`;
    case 'P':
    case 'p':
      return `(${canonical})`;
    default:
      throw new Error(`The simulator does not model the .NET Guid format '${format}'. Use D, N, B or P.`);
  }
}
