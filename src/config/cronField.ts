/**
 * One NCRONTAB field, parsed the way NCrontab's `CrontabFieldImpl.InternalParse` and `CrontabField.Accumulate`
 * read it (atifaziz/NCrontab), so that whatever passes here is accepted, with the same meaning, by the Functions host.
 */

/** Where a field sits in the 6-field form; also the word used for it in error messages. */
export type FieldLabel = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'day-of-week';

/** A field's allowed range and, for month and day-of-week, the English names NCrontab accepts by prefix. */
export interface FieldSpec {
  readonly label: FieldLabel;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** Throws an error describing `problem`; supplied by the caller so it can wrap the problem with the setting value. */
export type Fail = (problem: string) => never;

const MONTHS = [
  ...['January', 'February', 'March', 'April', 'May', 'June'],
  ...['July', 'August', 'September', 'October', 'November', 'December'],
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The six fields in 6-field order, with NCrontab's ranges (day-of-week is 0-6: Sunday is only 0). */
export const FIELD_SPECS = {
  second: { label: 'second', min: 0, max: 59 },
  minute: { label: 'minute', min: 0, max: 59 },
  hour: { label: 'hour', min: 0, max: 23 },
  day: { label: 'day', min: 1, max: 31 },
  month: { label: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { label: 'day-of-week', min: 0, max: 6, names: DAYS },
} as const satisfies Record<string, FieldSpec>;

/** The set of values a field allows, with the look-ups the next-occurrence search needs. */
export class CronField {
  /** `nextFrom[v]` is the smallest allowed value >= v; precomputed so stepping through a schedule is O(1). */
  private readonly nextFrom: readonly (number | undefined)[];
  /** Allowed values, ascending. */
  readonly values: readonly number[];

  /** @param allowed `allowed[v]` is true when value v is in the set. */
  constructor(allowed: readonly boolean[]) {
    const nextFrom: (number | undefined)[] = [];
    for (let v = allowed.length - 1, next: number | undefined; v >= 0; v--) {
      if (allowed[v] === true) next = v;
      nextFrom[v] = next;
    }
    this.nextFrom = nextFrom;
    this.values = allowed.flatMap((on, v) => (on ? [v] : []));
  }

  /** Whether `value` is allowed. */
  has(value: number): boolean {
    return this.nextFrom[value] === value;
  }

  /** The smallest allowed value >= `from`, or undefined when there is none (e.g. `from` is past the maximum). */
  next(from: number): number | undefined {
    return this.nextFrom[from];
  }
}

/**
 * Parses one field: comma lists of `*`, `n`, `a-b`, each optionally followed by `/step`, with names matched by
 * prefix. Calls `fail` (which throws) on anything NCrontab would reject, and on extensions from other cron
 * dialects it does not know, with a message naming them.
 */
export function parseField(token: string, spec: FieldSpec, fail: Fail): CronField {
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  const where = `the ${spec.label} field ("${token}")`;
  for (const item of token.split(',')) {
    rejectOtherDialects(item, spec, where, fail);
    // NCrontab splits the step off at the first '/', and only when something comes before it.
    const slash = item.indexOf('/');
    if (slash === 0)
      fail(`has a step with nothing to step over in ${where}; write "*/n" for every n-th value`);
    const base = slash > 0 ? item.slice(0, slash) : item;
    const step = slash > 0 ? parseStep(item.slice(slash + 1), where, fail) : 1;
    const dash = base.indexOf('-');
    let low = spec.min;
    let high = spec.max;
    if (base !== '*' && dash > 0) {
      const first = parseValue(base.slice(0, dash), spec, where, fail);
      const last = parseValue(base.slice(dash + 1), spec, where, fail);
      // NCrontab swaps a reversed range rather than wrapping it: 5-1 means 1-5.
      [low, high] = [Math.min(first, last), Math.max(first, last)];
    } else if (base !== '*') {
      low = parseValue(base, spec, where, fail);
      // A single value with a step ("5/15") runs from that value to the field's maximum.
      high = slash > 0 ? spec.max : low;
    }
    for (let v = low; v <= high; v += step) allowed[v] = true;
  }
  return new CronField(allowed);
}

/** NCrontab reads the step with int.Parse (a sign is allowed) and treats a step below 1 as 1, so "*\/0" is "*". */
function parseStep(text: string, where: string, fail: Fail): number {
  const step = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  // int.Parse overflows outside a 32-bit int (-2^31 to 2^31-1), and the host then refuses the schedule.
  if (!(step >= -(2 ** 31) && step <= 2 ** 31 - 1)) {
    fail(`has an invalid step "${text}" in ${where}; a step is a whole number, as in "*/5"`);
  }
  return Math.max(step, 1);
}

function parseValue(text: string, spec: FieldSpec, where: string, fail: Fail): number {
  if (text === '') fail(`has an empty value in ${where}; write values such as "0,30", "1-5" or "*/15"`);
  let value: number;
  if (/^[0-9]/.test(text)) {
    if (!/^\d+$/.test(text)) fail(`has "${text}" in ${where}, which is not a number; use ${range(spec)}`);
    value = Number(text);
  } else {
    // NCrontab: the first name, in calendar order, that starts with the text, ignoring case ("J" is January).
    const lower = text.toLowerCase();
    const index = spec.names?.findIndex((name) => name.toLowerCase().startsWith(lower)) ?? -1;
    if (index < 0) {
      const names = spec.names && ` or a name or its prefix, such as "${spec.names[1]?.slice(0, 3)}"`;
      fail(`has "${text}" in ${where}, which is not a ${spec.label} value; use ${range(spec)}${names ?? ''}`);
    }
    value = index + spec.min;
  }
  if (spec.label === 'day-of-week' && value === 7) {
    fail(
      `has 7 in ${where}; NCRONTAB numbers the days of the week 0-6 and Sunday is only 0, so use 0 for Sunday`,
    );
  }
  if (value < spec.min || value > spec.max) fail(`has ${value} in ${where}; use ${range(spec)}`);
  return value;
}

function range(spec: FieldSpec): string {
  return `${spec.label === 'hour' ? 'an' : 'a'} ${spec.label} value from ${spec.min} to ${spec.max}`;
}

/** Quartz and Vixie extensions NCrontab lacks; none of these patterns is valid NCRONTAB, so naming them is safe. */
function rejectOtherDialects(item: string, spec: FieldSpec, where: string, fail: Fail): void {
  const unsupported = (what: string, fix: string): never =>
    fail(`uses ${what} in ${where}, which NCRONTAB does not support; ${fix}`);
  if (item.includes('?')) unsupported('"?" (no specific value)', 'use "*" instead');
  if (item.includes('#')) {
    // Day-of-month and day-of-week combine with AND in NCrontab, which expresses the n-th weekday directly.
    unsupported('"#" (n-th weekday)', 'combine a day range with a day of the week, as in "0 0 15-21 * 5"');
  }
  // The day field has no names, so any letter there is an extension; in day-of-week "W" is Wednesday.
  if ((spec.label === 'day' && /l/i.test(item)) || (spec.label === 'day-of-week' && /^\d*l$/i.test(item))) {
    unsupported('"L" (last)', 'list the days explicitly');
  }
  if (spec.label === 'day' && /w/i.test(item)) {
    unsupported('"W" (nearest weekday)', 'list the days explicitly and restrict the day-of-week to 1-5');
  }
}
