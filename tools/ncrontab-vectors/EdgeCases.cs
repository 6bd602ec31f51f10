/// <summary>
/// Hand-picked expressions: the examples of test/unit/config/schedule.test.ts, the cases src/config/cronField.ts and
/// src/config/schedule.ts single out, and what NCrontab's parser (CrontabFieldImpl.InternalParse, int.Parse,
/// CompareInfo.IsPrefix) and its GetNextOccurrence make of unusual input.
/// </summary>
static class EdgeCases
{
    public static readonly string[] All =
    [
        // schedule.test.ts: accepted, with their normalised forms.
        "0 */1 * * *", "0 0 */1 * * *", "*/30 * * * * *", "  0   5 * * *  ", "0\t5\t*\t*\t*",
        "0 9 * Jan-Mar Mon-Fri", "0 0 0 1,15 * SUNDAY", "0 30 9-17/2 * * 1-5", "5/15 * * * *", "0 0 * * * */0",
        // schedule.test.ts: rejected.
        "0 */1 * *", "*", "0 0 * * * * 2030", "@daily", "@reboot", "00:05:00", "0 0 ? * 1", "0 0 L * *",
        "0 0 * * 5L", "0 0 15W * *", "0 0 * * 5#3", "0 0 * * 7", "0 0 * * 1-7", "0 0 25 * * *", "60 * * * *",
        "0 0 0 0 * *", "0 0 1 13 *", "0 0 1 1-13 *", "70/5 * * * *", "5a * * * *", "x * * * *", "0 0 1 Janx *",
        "0 0 * * Fry", "-5 * * * *", "1,,2 * * * *", "5- * * * *", "*/x * * * *", "*/ * * * *",
        "*/3000000000 * * * *", "/5 * * * *", "0 0 30 2 *", "0 0 0 31 4,6,9,11 *", "0 */1 *\t*",
        // schedule.test.ts: day-of-month AND day-of-week, names by prefix, reversed ranges, steps below 1.
        "0 0 0 13 * 5", "0 0 13 * Fri", "0 0 0 1 J *", "0 0 0 1 jan *", "0 0 0 1 JANU *", "0 0 0 1 January *",
        "0 0 0 1 Ju *", "0 0 0 1 Jul *", "0 0 0 1 M *", "0 0 0 1 Sept *", "0 0 0 1 Feb-Apr *", "0 0 0 1 dec-oct *",
        "0 0 0 * * S", "0 0 0 * * T", "0 0 0 * * W", "0 0 0 * * th", "0 0 0 * * FRIDAY", "0 0 0 * * sat",
        "0 0 5-1 * * *", "0 0 0 * * Fri-Mon", "*/0 * * * * *", "0 0 0 * * */-3", "0 10-0/0 * * * *",
        "0 0 0 1 */5 *",
        // schedule.test.ts: longest gaps, next occurrences, the second-by-second scans.
        "* * * * * *", "0 0 9,17 * * 1-5", "0 0 0 1 1 *", "0 0 0 29 2 *", "0 0 0 29 2 1", "0 0 0 31 * *",
        "*/20 0-2 3 * * *", "0 */5 * * * *", "30 15 8 * * *", "0 0 0 30 * *", "0 0 12 * * 0", "0 0 0 1-7 * 1",
        "0 59 23 31 12 *", "*/20 5-7 1,13 * * *", "0 */13 */7 * * *", "15 0 0 * * 6,0", "0 0 0 28-31 * *",
        // Several seconds in a minute, reached after the minute or the hour moves (atifaziz/NCrontab#90).
        "* 0-1 10 * * *", "* * 10 * * *", "* 55 * * * *", "*/20 5 * * * *", "10-20 * * * * *", "0,30 */7 * * * *",
        // Steps: signs, zero, 32-bit limits, a single value with a step, steps on steps.
        "*/+5 * * * *", "*/-5 * * * *", "*/05 * * * *", "*/2147483647 * * * * *", "*/2147483648 * * * * *",
        "*/-2147483648 * * * * *", "*/-2147483649 * * * * *", "*/60 * * * * *", "*/59 * * * * *", "59/5 * * * * *",
        "0/0 * * * * *", "*/1/2 * * * *", "1-5/2/3 * * * *", "*/5,10 * * * *", "5/0 * * * *", "5/-1 * * * *",
        "30-5/10 * * * * *", "*/7 */5 */3 */4 */5 *",
        // Values: leading zeros, signs, overflow, other digit forms.
        "00 * * * *", "007 * * * *", "99999999999 * * * *", "+5 * * * *", "5+ * * * *", "5.0 * * * *",
        "0x5 * * * *", "1e1 * * * *", "\u0665 * * * *", "\uff15 * * * *", "0 0 0 00 * *", "0 0 0 1 012 *",
        // Ranges.
        "1-2-3 * * * *", "*-5 * * * *", "5-* * * * *", "0-59 * * * * *", "59-0 * * * * *", "0-60 * * * * *",
        "60-0 * * * * *", "-0 * * * *", "0- * * * *", "5-5 * * * *", "5-5/0 * * * *", "1-3,2-4 * * * *",
        "0 0 0 31-1 * *", "0 0 0 0-5 * *", "0 0 0 * * 6-0", "0 0 0 * * 0-6/7",
        // Lists and wildcards.
        ",5 * * * *", "5, * * * *", "5,,6 * * * *", ", * * * *", "*,* * * * *", "*,5 * * * *", "5,* * * * *",
        "1,2,3,4,5,6,7,8,9,10,11,12 * * * *", "** * * * *", "*/* * * * *", "*5 * * * *", "5* * * * *",
        // Names: case, prefixes, ranges and steps of names, names where none are allowed.
        "0 0 1 JAN *", "0 0 1 jAn *", "0 0 1 janUARY *", "0 0 1 Januaryx *", "0 0 1 Ja *", "0 0 1 Ma *",
        "0 0 1 A *", "0 0 1 N *", "0 0 1 O *", "0 0 1 D *", "0 0 1 F *", "0 0 1 Se *", "0 0 1 Mayo *",
        "0 0 * * Su", "0 0 * * M", "0 0 * * TU", "0 0 * * We", "0 0 * * Thurs", "0 0 * * Thursday", "0 0 * * F",
        "0 0 * * Sa", "0 0 * * Mo-Fr", "0 0 1 Jan-Dec/2 *", "0 0 * * Mon-Fri/2", "0 0 1 Jan/3 *", "0 0 1 1-Mar *",
        "0 0 1 Nov-Feb *", "0 0 * * Sat-Sun", "0 0 1 */Feb *", "0 0 1 Jan,Jul *", "0 0 * * Sun,Wed,Fri",
        "0 0 Mon * *", "0 Jan * * *", "Sun * * * * *", "0 0 1 Jan-13 *", "0 0 * * Sat-7",
        // Look-alike and invisible characters in names and values.
        "0 0 1 J\u0430n *", "0 0 1 Jan\u00ad *", "0 0 1 Jan\u200b *", "0 0 1 \uff2a\uff41\uff4e *",
        "0 0 * * FR\u0130", "0 0 * * fr\u0131", "5\u0000 * * * *", "0 0 * * Mon\u0000",
        // The visible expressions NCrontab reads four of those as (it ignores the soft hyphen, the zero-width space and
        // the NULs), which src/config/schedule.ts rejects on purpose.
        "0 0 1 Jan *", "5 * * * *", "0 0 * * Mon",
        // Whitespace other than spaces (their one-space forms follow them).
        "\t0 5 * * *", "0 5 * * *\n", "0 */\t5 * * * *", "0 5\t * * *", "0\u00a05 * * *", "0 0 5\u3000* * *",
        "0 0 5 * *\r\n", "0 0 5 * * \u2003*",
        // Field counts and other dialects.
        "", " ", "* * *", "* * * *", "* * * * * * *", "0 0 0 0 0 0 0 0", "0 0 0 1 1 * 2030", "0 0 * * MON#1",
        "0 0 LW * *", "0 0 L-3 * *", "0 0 1W * *", "0 0 * * L", "0 0 * * 7L", "0 0 ? * MON", "0 0 * * ?",
        "@hourly", "@every 5m", "H * * * *", "0 0 * * 0-7", "0 0 * * 7-1", "1.00:00:00", "5", "01:00",
        // Dates that never come, that come rarely, and the last ones .NET's DateTime holds.
        "0 0 0 30 Feb *", "0 0 0 31 2,4,6,9,11 *", "0 0 0 30,31 2 *", "0 0 0 29-31 Feb *", "0 0 0 31 Apr-Jun/2 *",
        "0 0 0 31 4-6 *", "0 0 0 29 2 0", "0 0 0 29 Feb Sun", "0 0 29 2 *", "0 0 31 2 *", "* * * 31 11 *",
        "0 0 0 31 9 1", "0 0 0 31 Nov Fri", "59 59 23 31 12 *", "* * * 31 12 5", "0 0 0 31 12 4",
        // Day-of-month with day-of-week.
        "0 0 0 1-7 * Mon", "0 0 0 15-21 * 5", "0 0 0 * * 1-5", "0 0 0 13 2 5", "0 0 0 */2 * */2",
        "0 0 0 29 * 1", "0 30 2 8-14 3,11 0",
    ];
}
