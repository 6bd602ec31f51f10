import { parseTimerSchedule } from '../../../src/config/schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EXAMPLE = 'Example: "0 */1 * * *" runs at the start of every hour.';

/** The next `count` occurrences after `from`, as ISO strings. */
function occurrences(expression: string, from: string, count: number): string[] {
  const schedule = parseTimerSchedule(expression);
  const result: string[] = [];
  let at: Date | undefined = new Date(from);
  while (result.length < count && at) {
    at = schedule.next(at);
    if (at) result.push(at.toISOString());
  }
  return result;
}

describe('parseTimerSchedule', () => {
  it.each([
    ['0 */1 * * *', '0 0 */1 * * *'],
    ['*/30 * * * * *', '*/30 * * * * *'],
    ['  0   5 * * *  ', '0 0 5 * * *'],
    ['0\t5\t*\t*\t*', '0 0 5 * * *'],
    ['0 9 * Jan-Mar Mon-Fri', '0 0 9 * Jan-Mar Mon-Fri'],
    ['0 0 0 1,15 * SUNDAY', '0 0 0 1,15 * SUNDAY'],
    ['0 30 9-17/2 * * 1-5', '0 30 9-17/2 * * 1-5'],
    ['5/15 * * * *', '0 5/15 * * * *'],
    ['0 0 * * * */0', '0 0 * * * */0'],
  ])('accepts %j as %j', (value, expression) => {
    const schedule = parseTimerSchedule(value);
    expect(schedule.expression).toBe(expression);
    expect(schedule.original).toBe(value);
  });

  it.each([undefined, '', '   '])('reports a missing setting for %j', (value) => {
    expect(() => parseTimerSchedule(value)).toThrow(
      new Error(
        `Missing setting 'cron': set it to an NCRONTAB schedule such as "0 */1 * * *" (every hour, UTC).`,
      ),
    );
  });

  const fields = 'NCRONTAB needs 5 fields (minute hour day month day-of-week) or 6 (second first)';
  it.each([
    ['0 */1 * *', `has 4 fields; ${fields}`],
    ['*', `has 1 field; ${fields}`],
    ['0 0 * * * * 2030', 'has 7 fields; NCRONTAB has no year field, so remove "2030" and keep 5 or 6 fields'],
    ['@daily', 'is a macro, which NCRONTAB does not support; write it as "0 0 * * *"'],
    ['@reboot', 'is a macro, which NCRONTAB does not support; write the schedule as 5 or 6 fields'],
    [
      '00:05:00',
      'looks like a TimeSpan, which this app does not accept; write an NCRONTAB schedule such as "0 */5 * * *"',
    ],
    [
      '0 0 ? * 1',
      'uses "?" (no specific value) in the day field ("?"), which NCRONTAB does not support; use "*" instead',
    ],
    [
      '0 0 L * *',
      'uses "L" (last) in the day field ("L"), which NCRONTAB does not support; list the days explicitly',
    ],
    [
      '0 0 * * 5L',
      'uses "L" (last) in the day-of-week field ("5L"), which NCRONTAB does not support; list the days explicitly',
    ],
    [
      '0 0 15W * *',
      'uses "W" (nearest weekday) in the day field ("15W"), which NCRONTAB does not support; ' +
        'list the days explicitly and restrict the day-of-week to 1-5',
    ],
    [
      '0 0 * * 5#3',
      'uses "#" (n-th weekday) in the day-of-week field ("5#3"), which NCRONTAB does not support; ' +
        'combine a day range with a day of the week, as in "0 0 15-21 * 5"',
    ],
    [
      '0 0 * * 7',
      'has 7 in the day-of-week field ("7"); NCRONTAB numbers the days of the week 0-6 and Sunday is only 0, ' +
        'so use 0 for Sunday',
    ],
    [
      '0 0 * * 1-7',
      'has 7 in the day-of-week field ("1-7"); NCRONTAB numbers the days of the week 0-6 and Sunday is only 0, ' +
        'so use 0 for Sunday',
    ],
    ['0 0 25 * * *', 'has 25 in the hour field ("25"); use an hour value from 0 to 23'],
    ['60 * * * *', 'has 60 in the minute field ("60"); use a minute value from 0 to 59'],
    ['0 0 0 0 * *', 'has 0 in the day field ("0"); use a day value from 1 to 31'],
    ['0 0 1 13 *', 'has 13 in the month field ("13"); use a month value from 1 to 12'],
    ['0 0 1 1-13 *', 'has 13 in the month field ("1-13"); use a month value from 1 to 12'],
    ['70/5 * * * *', 'has 70 in the minute field ("70/5"); use a minute value from 0 to 59'],
    [
      '5a * * * *',
      'has "5a" in the minute field ("5a"), which is not a number; use a minute value from 0 to 59',
    ],
    [
      'x * * * *',
      'has "x" in the minute field ("x"), which is not a minute value; use a minute value from 0 to 59',
    ],
    [
      '0 0 1 Janx *',
      'has "Janx" in the month field ("Janx"), which is not a month value; ' +
        'use a month value from 1 to 12 or a name or its prefix, such as "Feb"',
    ],
    [
      '0 0 * * Fry',
      'has "Fry" in the day-of-week field ("Fry"), which is not a day-of-week value; ' +
        'use a day-of-week value from 0 to 6 or a name or its prefix, such as "Mon"',
    ],
    [
      '-5 * * * *',
      'has "-5" in the minute field ("-5"), which is not a minute value; use a minute value from 0 to 59',
    ],
    [
      '1,,2 * * * *',
      'has an empty value in the minute field ("1,,2"); write values such as "0,30", "1-5" or "*/15"',
    ],
    [
      '5- * * * *',
      'has an empty value in the minute field ("5-"); write values such as "0,30", "1-5" or "*/15"',
    ],
    [
      '*/x * * * *',
      'has an invalid step "x" in the minute field ("*/x"); a step is a whole number, as in "*/5"',
    ],
    [
      '*/ * * * *',
      'has an invalid step "" in the minute field ("*/"); a step is a whole number, as in "*/5"',
    ],
    [
      '*/3000000000 * * * *',
      'has an invalid step "3000000000" in the minute field ("*/3000000000"); a step is a whole number, as in "*/5"',
    ],
    [
      '*/-2147483649 * * * *',
      'has an invalid step "-2147483649" in the minute field ("*/-2147483649"); a step is a whole number, as in "*/5"',
    ],
    [
      '/5 * * * *',
      'has a step with nothing to step over in the minute field ("/5"); write "*/n" for every n-th value',
    ],
    [
      '0 0 30 2 *',
      'never fires: no month in "2" has a day in "30"; choose days that exist in those months ' +
        '(February has at most 29 days; April, June, September and November have 30)',
    ],
    [
      '0 0 0 31 4,6,9,11 *',
      'never fires: no month in "4,6,9,11" has a day in "31"; choose days that exist in those months ' +
        '(February has at most 29 days; April, June, September and November have 30)',
    ],
  ])('rejects %j', (value, problem) => {
    expect(() => parseTimerSchedule(value)).toThrow(
      new Error(`Invalid setting 'cron': ${JSON.stringify(value)} ${problem}. ${EXAMPLE}`),
    );
  });

  it('quotes the value exactly as received, escaping control characters', () => {
    expect(() => parseTimerSchedule('0 */1 *\t*')).toThrow(
      `Invalid setting 'cron': "0 */1 *\\t*" has 4 fields;`,
    );
  });

  it.each([
    ['0 0 0 13 * 5', '2025-01-01T00:00:00Z'],
    ['0 0 13 * Fri', '2025-01-01T00:00:00Z'],
  ])('combines day-of-month and day-of-week with AND: %j is Friday the 13th only', (value, from) => {
    expect(occurrences(value, from, 6)).toEqual(
      ['2025-06-13', '2026-02-13', '2026-03-13', '2026-11-13', '2027-08-13', '2028-10-13'].map(
        (day) => `${day}T00:00:00.000Z`,
      ),
    );
  });

  it.each([
    ['J', '0 0 0 1 1 *'],
    ['jan', '0 0 0 1 1 *'],
    ['JANU', '0 0 0 1 1 *'],
    ['January', '0 0 0 1 1 *'],
    ['Ju', '0 0 0 1 6 *'],
    ['Jul', '0 0 0 1 7 *'],
    ['M', '0 0 0 1 3 *'],
    ['Sept', '0 0 0 1 9 *'],
    ['Feb-Apr', '0 0 0 1 2-4 *'],
    ['dec-oct', '0 0 0 1 10-12 *'],
  ])('matches month name %j by prefix', (month, numeric) => {
    const from = '2025-03-05T00:00:00Z';
    expect(occurrences(`0 0 0 1 ${month} *`, from, 5)).toEqual(occurrences(numeric, from, 5));
  });

  it.each([
    ['S', 0],
    ['T', 2],
    ['W', 3],
    ['th', 4],
    ['FRIDAY', 5],
    ['sat', 6],
  ])('matches day-of-week name %j by prefix', (name, day) => {
    const next = parseTimerSchedule(`0 0 0 * * ${name}`).next(new Date('2025-01-01T00:00:00Z'));
    expect(next?.getUTCDay()).toBe(day);
  });

  it.each([
    ['0 0 5-1 * * *', '0 0 1-5 * * *'],
    ['0 0 0 * * Fri-Mon', '0 0 0 * * 1-5'],
    ['*/0 * * * * *', '* * * * * *'],
    ['0 0 0 * * */-3', '0 0 0 * * *'],
    ['*/-2147483648 * * * * *', '* * * * * *'],
    ['0 10-0/0 * * * *', '0 0-10 * * * *'],
    ['0 0 0 1 */5 *', '0 0 0 1 1,6,11 *'],
  ])('reads %j like %j (reversed ranges are swapped, steps below 1 mean 1)', (value, same) => {
    const from = '2024-12-30T23:58:00Z';
    expect(occurrences(value, from, 30)).toEqual(occurrences(same, from, 30));
  });

  it.each([
    ['* * * * * *', 1000],
    ['0 */1 * * *', HOUR],
    ['0 0 9,17 * * 1-5', 64 * HOUR],
    ['0 0 0 1 1 *', 366 * DAY],
    ['0 0 0 13 * 5', 427 * DAY],
    ['0 0 0 29 2 *', (4 * 365 + 1) * DAY],
    ['0 0 0 29 2 1', (28 * 365 + 7) * DAY],
    ['0 0 0 31 * *', 61 * DAY],
    ['*/20 0-2 3 * * *', 24 * HOUR - 2 * 60_000 - 40_000],
  ])('computes the longest gap of %j', (value, gap) => {
    expect(parseTimerSchedule(value).longestGapInMs).toBe(gap);
  });

  it.each([
    ['0 */5 * * * *', '2025-01-01T10:02:30Z', '2025-01-01T10:05:00.000Z'],
    ['0 */5 * * * *', '2025-01-01T10:05:00Z', '2025-01-01T10:10:00.000Z'],
    ['0 */5 * * * *', '2025-01-01T10:04:59.999Z', '2025-01-01T10:05:00.000Z'],
    ['0 */5 * * * *', '2025-12-31T23:57:00Z', '2026-01-01T00:00:00.000Z'],
    ['30 15 8 * * *', '2025-01-31T09:00:00Z', '2025-02-01T08:15:30.000Z'],
    ['0 0 0 31 * *', '2025-01-31T00:00:00Z', '2025-03-31T00:00:00.000Z'],
    ['0 0 0 30 * *', '2025-01-30T12:00:00Z', '2025-03-30T00:00:00.000Z'],
    ['0 0 0 29 2 *', '2025-01-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 0 29 2 *', '2096-03-01T00:00:00Z', '2104-02-29T00:00:00.000Z'],
    ['0 0 0 1 1 *', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['0 0 12 * * 0', '2025-12-28T12:00:00Z', '2026-01-04T12:00:00.000Z'],
    ['0 0 0 1-7 * 1', '2025-09-02T00:00:00Z', '2025-10-06T00:00:00.000Z'],
    ['0 59 23 31 12 *', '2025-12-31T23:59:00Z', '2026-12-31T23:59:00.000Z'],
    ['0 0 0 1 1 *', '9999-06-01T00:00:00Z', undefined],
  ])('%j after %s is %s', (value, after, expected) => {
    expect(parseTimerSchedule(value).next(new Date(after))?.toISOString()).toBe(expected);
  });

  type Matches = (hour: number, minute: number, second: number, weekday: number, day: number) => boolean;
  it.each<[string, Matches]>([
    ['*/20 5-7 1,13 * * *', (h, m, s) => [1, 13].includes(h) && m >= 5 && m <= 7 && s % 20 === 0],
    ['0 */13 */7 * * *', (h, m, s) => h % 7 === 0 && m % 13 === 0 && s === 0],
    ['15 0 0 * * 6,0', (h, m, s, weekday) => h === 0 && m === 0 && s === 15 && [0, 6].includes(weekday)],
    ['0 0 0 28-31 * *', (h, m, s, _weekday, day) => h === 0 && m === 0 && s === 0 && day >= 28],
  ])('agrees with a second-by-second scan for %j', (value, matches) => {
    const start = Date.parse('2025-02-26T00:00:00Z');
    const expected: string[] = [];
    for (let t = start + 1000; t < start + 4 * DAY; t += 1000) {
      const d = new Date(t);
      if (matches(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCDay(), d.getUTCDate())) {
        expected.push(d.toISOString());
      }
    }
    const found = occurrences(value, new Date(start).toISOString(), 100).filter((at) => at < '2025-03-02');
    expect(found).toEqual(expected);
  });

  it('rejects an invalid Date passed to next()', () => {
    expect(() => parseTimerSchedule('0 * * * *').next(new Date(NaN))).toThrow(RangeError);
  });
});
