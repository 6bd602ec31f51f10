/**
 * Holds the `cron` setting's reading (src/config/schedule.ts) to NCrontab, the library the Functions timer extension
 * parses schedules with: for every expression of ncrontabVectors.json, whether it is accepted and, if so, the next
 * occurrences from each start time of the file, each found from the one before.
 *
 * The file records NCrontab.Signed 3.4.0. The host's timer extension uses 3.3.3 (WebJobs.Extensions 5.1.0 and later),
 * which NuGet here does not offer; 3.4.0 parses and finds occurrences as 3.3.3 does, whereas 3.3.2 gets the seconds
 * wrong after the minute or hour moves on (atifaziz/NCrontab#90).
 *
 * The file is generated, and committed: CI has no .NET SDK and never regenerates it. To regenerate it (with the .NET
 * SDK and NCrontab.Signed from NuGet; the version is pinned in tools/ncrontab-vectors/NCrontabVectors.csproj):
 *
 *   dotnet run --project tools/ncrontab-vectors -c Release -- test/unit/config/ncrontabVectors.json
 *   npx prettier --check test/unit/config/ncrontabVectors.json
 *
 * then run this test. Three differences are deliberate, and each has a test below that lists its expressions:
 * - schedules that can never fire are rejected (NCrontab accepts them and never fires);
 * - any whitespace separates fields (the host splits on spaces only, but it is handed the schedule re-joined with
 *   single spaces);
 * - an invisible character (a soft hyphen or zero-width space in a name, a NUL after a value) is rejected where
 *   NCrontab ignores it: such a schedule is a copy-paste accident, better reported than run with a meaning its text
 *   does not show.
 * Everything else must agree exactly.
 *
 * Each expression is parsed once, for all the tests: parseTimerSchedule scans a 28-year calendar cycle, a Date per
 * day, and a global look-up such as `Date` costs about three times as much in Jest's sandbox as in plain Node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimerSchedule, type TimerSchedule } from '../../../src/config/schedule';

/** ncrontabVectors.json; its `format` property describes `vectors`. */
interface VectorFile {
  readonly library: string;
  readonly starts: readonly string[];
  readonly occurrencesPerStart: number;
  /** false: NCrontab rejects the expression; else the occurrences, as the generator writes them. */
  readonly vectors: Readonly<Record<string, string | false>>;
}

const FILE = JSON.parse(readFileSync(join(__dirname, 'ncrontabVectors.json'), 'utf8')) as VectorFile;
const VECTORS = Object.entries(FILE.vectors);
const EXAMPLE = 'Example: "0 */1 * * *" runs at the start of every hour.';

/** Our answer in the file's notation, or the message our parser rejects the expression with. */
type Answer = { readonly occurrences: string } | { readonly rejected: string };

function ourAnswer(expression: string): Answer {
  let schedule: TimerSchedule;
  try {
    schedule = parseTimerSchedule(expression);
  } catch (error) {
    return { rejected: (error as Error).message };
  }
  const groups = FILE.starts.map((start) => {
    const origin = Math.floor(Date.parse(start) / 1000) * 1000;
    const offsets: number[] = [];
    for (let at = schedule.next(new Date(start)); at; at = schedule.next(at)) {
      offsets.push((at.getTime() - origin) / 1000);
      if (offsets.length === FILE.occurrencesPerStart) break;
    }
    return offsets.join(' ');
  });
  return { occurrences: groups.join(';') };
}

/** Whitespace other than a space: ours separates fields with it, the host's split does not. */
const OTHER_WHITESPACE = /[^\S ]/;
/** What the host is handed for a value with other whitespace: the fields re-joined with single spaces. */
const oneSpaced = (expression: string): string => expression.trim().split(/\s+/).join(' ');

/**
 * Expressions with an invisible character that NCrontab ignores (ICU's name matching skips the soft hyphen, the
 * zero-width space and the NUL; int.Parse allows trailing NULs), each with the visible expression NCrontab reads it
 * as, and the problem our message names.
 */
type Invisible = readonly [what: string, expression: string, visible: string, problem: string];
const INVISIBLE: readonly Invisible[] = [
  [
    'a soft hyphen (U+00AD) in a month name',
    '0 0 1 Jan\u00ad *',
    '0 0 1 Jan *',
    'has "Jan\u00ad" in the month field ("Jan\u00ad"), which is not a month value; ' +
      'use a month value from 1 to 12 or a name or its prefix, such as "Feb"',
  ],
  [
    'a zero-width space (U+200B) in a month name',
    '0 0 1 Jan\u200b *',
    '0 0 1 Jan *',
    'has "Jan\u200b" in the month field ("Jan\u200b"), which is not a month value; ' +
      'use a month value from 1 to 12 or a name or its prefix, such as "Feb"',
  ],
  [
    'a NUL after a number',
    '5\u0000 * * * *',
    '5 * * * *',
    'has "5\u0000" in the minute field ("5\u0000"), which is not a number; use a minute value from 0 to 59',
  ],
  [
    'a NUL after a day name',
    '0 0 * * Mon\u0000',
    '0 0 * * Mon',
    'has "Mon\u0000" in the day-of-week field ("Mon\u0000"), which is not a day-of-week value; ' +
      'use a day-of-week value from 0 to 6 or a name or its prefix, such as "Mon"',
  ],
];
const INVISIBLE_EXPRESSIONS = new Set(INVISIBLE.map(([, expression]) => expression));

const neverFires = (theirs: string | false): boolean => theirs !== false && /^;*$/.test(theirs);
/** Our message for a schedule that never fires; day and month are the third and second fields from the end. */
function neverFiresMessage(expression: string): string {
  const [day, month] = expression.trim().split(/\s+/).slice(-3, -1);
  return (
    `Invalid setting 'cron': ${JSON.stringify(expression)} never fires: no month in "${month}" has a day in ` +
    `"${day}"; choose days that exist in those months (February has at most 29 days; April, June, September and ` +
    `November have 30). ${EXAMPLE}`
  );
}
const show = (answer: string | false | Answer): string =>
  answer === false
    ? 'rejected'
    : typeof answer === 'string'
      ? answer
      : 'rejected' in answer
        ? `rejected: ${answer.rejected}`
        : answer.occurrences;

const OURS = new Map(VECTORS.map(([expression]) => [expression, ourAnswer(expression)]));
const ours = (expression: string): Answer => OURS.get(expression) ?? ourAnswer(expression);

const neverFiring = VECTORS.filter(
  ([expression, theirs]) => !OTHER_WHITESPACE.test(expression) && neverFires(theirs),
).map(([expression]) => expression);
const otherWhitespace = VECTORS.filter(([expression]) => OTHER_WHITESPACE.test(expression)).map(
  ([expression]) => expression,
);

describe(`the cron setting read against ${FILE.library}`, () => {
  it('holds thousands of expressions, valid and invalid, from six start times', () => {
    expect(FILE.library).toBe('NCrontab.Signed 3.4.0');
    expect(FILE.starts).toHaveLength(6);
    expect(FILE.occurrencesPerStart).toBe(5);
    expect(VECTORS).toHaveLength(4249);
    expect(VECTORS.filter(([, theirs]) => theirs === false)).toHaveLength(932);
    expect(neverFiring).toHaveLength(69);
    expect(otherWhitespace).toHaveLength(306);
  });

  it('agrees with NCrontab on every other expression: the same verdict and the same occurrences', () => {
    const disagreements = VECTORS.filter(
      ([expression, theirs]) =>
        !OTHER_WHITESPACE.test(expression) && !neverFires(theirs) && !INVISIBLE_EXPRESSIONS.has(expression),
    ).flatMap(([expression, theirs]) => {
      const answer = ours(expression);
      const same =
        theirs === false ? 'rejected' in answer : 'occurrences' in answer && answer.occurrences === theirs;
      return same ? [] : [`${JSON.stringify(expression)}: NCrontab ${show(theirs)}; ours ${show(answer)}`];
    });
    expect(disagreements).toEqual([]);
  });

  it.each(neverFiring)('rejects %j, which NCrontab accepts although it never fires', (expression) => {
    expect(ours(expression)).toEqual({ rejected: neverFiresMessage(expression) });
  });

  it.each(otherWhitespace.map((expression) => [expression, oneSpaced(expression)]))(
    'reads %j, with whitespace other than spaces, as NCrontab reads %j, which the host is handed',
    (expression, handed) => {
      // The tests above hold our answer for the handed form to NCrontab's.
      if (!(handed in FILE.vectors))
        throw new Error(`No vector for ${JSON.stringify(handed)}: regenerate the file`);
      const forHanded = ours(handed);
      expect(ours(expression)).toEqual(
        'rejected' in forHanded
          ? { rejected: forHanded.rejected.replace(JSON.stringify(handed), JSON.stringify(expression)) }
          : forHanded,
      );
    },
  );

  it.each(INVISIBLE)(
    'rejects a schedule with %s, which NCrontab ignores',
    (_what, expression, visible, problem) => {
      const theirs = FILE.vectors[expression];
      expect(theirs).toEqual(expect.stringMatching(/\d/));
      expect(theirs).toBe(FILE.vectors[visible]);
      expect(ours(expression)).toEqual({
        rejected: `Invalid setting 'cron': ${JSON.stringify(expression)} ${problem}. ${EXAMPLE}`,
      });
    },
  );
});
