/**
 * The `cron` setting, read as the Functions host reads a timer schedule (NCrontab, UTC), and held to NCrontab's own
 * answers for thousands of expressions by test/unit/config/ncrontabVectors.test.ts. Three differences are deliberate:
 * - a schedule that can never fire (`0 0 30 2 *`) is rejected; NCrontab accepts it and never fires;
 * - any whitespace separates fields, where the host splits on spaces only; the host is handed `expression`, the
 *   fields re-joined with single spaces, so it reads what we read;
 * - an invisible character (a soft hyphen or zero-width space in a month or day name, a NUL after a value) is
 *   rejected, where NCrontab ignores it: such a schedule is a copy-paste accident, better reported than run with a
 *   meaning its text does not show.
 */
import { SETTING_NAMES } from './settingNames';
import { CronField, FIELD_SPECS, parseField, type Fail, type FieldSpec } from './cronField';

/** A validated `cron` setting, read the way the Functions host reads it (NCrontab, UTC). */
export interface TimerSchedule {
  /** The schedule in 6-field form (second first), fields separated by single spaces; handed to `app.timer`. */
  expression: string;
  /** The setting value as received. */
  original: string;
  /**
   * The longest interval between two consecutive occurrences, in milliseconds. Exact for any time from 2001 to
   * 2099: the calendar repeats every 28 years in that span, and the whole cycle is scanned, so leap days and
   * day-of-month AND day-of-week combinations are covered (`0 0 0 29 2 *` gives 4 years; 2100 is not a leap year).
   */
  longestGapInMs: number;
  /** The first occurrence strictly after `after` (UTC, whole seconds), or undefined if none before year 10000. */
  next(after: Date): Date | undefined;
}

interface Fields {
  second: CronField;
  minute: CronField;
  hour: CronField;
  day: CronField;
  month: CronField;
  dayOfWeek: CronField;
}

const SETTING = SETTING_NAMES.cron;
const EXAMPLE = 'Example: "0 */1 * * *" runs at the start of every hour.';
const FIELD_COUNTS = 'NCRONTAB needs 5 fields (minute hour day month day-of-week) or 6 (second first)';
/** Vixie cron macros and their NCRONTAB spelling, so the error can give the exact replacement. */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAY_MS = 86_400_000;
/** 2001-01-01: the start of a 28-year cycle inside 2001-2099, where every 4th year is a leap year. */
const CYCLE_START_MS = Date.UTC(2001, 0, 1);
const CYCLE_DAYS = 28 * 365 + 7;
/** .NET's DateTime ends with year 9999; NCrontab gives up there, and so does `next`. */
const LAST_YEAR = 9999;

/**
 * Parses and validates the `cron` app setting as the Functions host would (NCrontab: 5 fields without seconds or 6
 * with, day-of-month AND day-of-week, UTC) and normalises it to 6 fields.
 * @throws Error naming what is wrong, quoting the value and showing a valid example, when the value is missing,
 * malformed, uses syntax from another cron dialect, or can never fire.
 */
export function parseTimerSchedule(value: string | undefined): TimerSchedule {
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Missing setting '${SETTING}': set it to an NCRONTAB schedule such as "0 */1 * * *" (every hour, UTC).`,
    );
  }
  const fail: Fail = (problem) => {
    throw new Error(`Invalid setting '${SETTING}': ${JSON.stringify(value)} ${problem}. ${EXAMPLE}`);
  };
  // The host splits on spaces only; accepting any whitespace is safe because the host only sees `expression`.
  const tokens = value.trim().split(/\s+/);
  checkShape(tokens, fail);
  const six = tokens.length === 5 ? ['0', ...tokens] : tokens;
  const field = (index: number, spec: FieldSpec): CronField => parseField(six[index] ?? '', spec, fail);
  const fields: Fields = {
    second: field(0, FIELD_SPECS.second),
    minute: field(1, FIELD_SPECS.minute),
    hour: field(2, FIELD_SPECS.hour),
    day: field(3, FIELD_SPECS.day),
    month: field(4, FIELD_SPECS.month),
    dayOfWeek: field(5, FIELD_SPECS.dayOfWeek),
  };
  const days = matchingDaysInCycle(fields);
  if (days.length === 0) {
    // Day-of-week cannot cause this: every date that exists falls on each weekday within the cycle.
    fail(
      `never fires: no month in "${six[4]}" has a day in "${six[3]}"; choose days that exist in those months ` +
        '(February has at most 29 days; April, June, September and November have 30)',
    );
  }
  return {
    expression: six.join(' '),
    original: value,
    longestGapInMs: longestGapInMs(fields, days),
    next: (after) => nextOccurrence(fields, after),
  };
}

function checkShape(tokens: readonly string[], fail: Fail): void {
  const first = tokens[0] ?? '';
  if (first.startsWith('@')) {
    const fix = MACROS[first.toLowerCase()];
    fail(
      `is a macro, which NCRONTAB does not support; ` +
        (fix === undefined ? 'write the schedule as 5 or 6 fields' : `write it as "${fix}"`),
    );
  }
  if (tokens.length === 1 && first.includes(':')) {
    fail(
      `looks like a TimeSpan, which this app does not accept; write an NCRONTAB schedule such as "0 */5 * * *"`,
    );
  }
  if (tokens.length === 7) {
    fail(`has 7 fields; NCRONTAB has no year field, so remove "${tokens[6]}" and keep 5 or 6 fields`);
  }
  if (tokens.length !== 5 && tokens.length !== 6) {
    fail(`has ${tokens.length} field${tokens.length === 1 ? '' : 's'}; ${FIELD_COUNTS}`);
  }
}

/** Day offsets from CYCLE_START_MS, within one 28-year cycle, of the dates the schedule fires on. */
function matchingDaysInCycle(f: Fields): number[] {
  const days: number[] = [];
  for (let offset = 0; offset < CYCLE_DAYS; offset++) {
    const date = new Date(CYCLE_START_MS + offset * DAY_MS);
    if (
      f.month.has(date.getUTCMonth() + 1) &&
      f.day.has(date.getUTCDate()) &&
      f.dayOfWeek.has(date.getUTCDay())
    ) {
      days.push(offset);
    }
  }
  return days;
}

/**
 * Every firing date has the same times of day, so the longest gap is either between two times within a day or from
 * the last time on one firing date to the first time on the next (wrapping around the cycle).
 */
function longestGapInMs(f: Fields, days: readonly number[]): number {
  const times = f.hour.values.flatMap((h) =>
    f.minute.values.flatMap((m) => f.second.values.map((s) => (h * 3600 + m * 60 + s) * 1000)),
  );
  const firstTime = times[0] ?? 0;
  const span = (times[times.length - 1] ?? 0) - firstTime;
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, (times[i] ?? 0) - (times[i - 1] ?? 0));
  const firstDay = days[0] ?? 0;
  const wrapped = [...days.slice(1), firstDay + CYCLE_DAYS];
  wrapped.forEach((day, i) => (longest = Math.max(longest, (day - (days[i] ?? 0)) * DAY_MS - span)));
  return longest;
}

/**
 * Smallest whole-second time after `after` matching every field (NCrontab's GetNextOccurrence). Works from month
 * down to second, jumping to each field's next allowed value and restarting the smaller fields from their minimum
 * whenever a larger one moves; when a field has no value left, the larger one moves on by one and the search
 * restarts (an overflow such as hour 24 or month 13 finds no value and carries again).
 */
function nextOccurrence(f: Fields, after: Date): Date | undefined {
  const start = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  if (Number.isNaN(start.getTime())) throw new RangeError('TimerSchedule.next() needs a valid Date');
  let [year, month, day] = [start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()];
  let [hour, minute, second] = [start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()];
  while (year <= LAST_YEAR) {
    const m = f.month.next(month);
    if (m === undefined) {
      [year, month, day, hour, minute, second] = [year + 1, 1, 1, 0, 0, 0];
      continue;
    }
    if (m !== month) [month, day, hour, minute, second] = [m, 1, 0, 0, 0];
    const d = f.day.next(day);
    if (d === undefined || d > daysInMonth(year, month)) {
      [month, day, hour, minute, second] = [month + 1, 1, 0, 0, 0];
      continue;
    }
    if (d !== day) [day, hour, minute, second] = [d, 0, 0, 0];
    // Like NCrontab, check the day of the week only once the date is settled: day-of-month AND day-of-week.
    const h = f.dayOfWeek.has(utc(year, month, day).getUTCDay()) ? f.hour.next(hour) : undefined;
    if (h === undefined) {
      [day, hour, minute, second] = [day + 1, 0, 0, 0];
      continue;
    }
    if (h !== hour) [hour, minute, second] = [h, 0, 0];
    const mi = f.minute.next(minute);
    if (mi === undefined) {
      [hour, minute, second] = [hour + 1, 0, 0];
      continue;
    }
    if (mi !== minute) [minute, second] = [mi, 0];
    const s = f.second.next(second);
    if (s !== undefined) return utc(year, month, day, hour, minute, s);
    [minute, second] = [minute + 1, 0];
  }
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Unlike Date.UTC, setUTCFullYear does not map years 0-99 to 1900-1999. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}
