// Writes test/unit/config/ncrontabVectors.json: for each expression of Expressions.All(), NCrontab's verdict as the
// Functions timer extension reaches it, and the next occurrences from a few fixed start times.
//
//   dotnet run --project tools/ncrontab-vectors -c Release -- test/unit/config/ncrontabVectors.json
//
// The output is deterministic for a given NCrontab version (the expressions come from a seeded generator), and is
// written in the layout Prettier keeps, so `npx prettier --check` passes on it as written.

using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using NCrontab;

if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: dotnet run --project tools/ncrontab-vectors -c Release -- <output.json>");
    return 2;
}

// Whole seconds except one, to show that NCrontab ignores the fraction of a second. Each stresses something: a new
// year, a leap day ahead, the end of a 28-day February, a Sunday afternoon, 2100 (not a leap year), and the last
// minutes .NET's DateTime can hold.
DateTime[] starts =
[
    Utc("2025-01-01T00:00:00.000Z"),
    Utc("2024-02-28T23:58:59.500Z"),
    Utc("2025-02-28T23:59:30.000Z"),
    Utc("2025-06-15T12:34:56.000Z"),
    Utc("2099-12-31T23:59:59.000Z"),
    Utc("9999-12-31T23:58:58.000Z"),
];
const int occurrencesPerStart = 5;

var expressions = Expressions.All();
var vectors = new List<(string Expression, string? Occurrences)>(expressions.Count);
var valid = 0;
foreach (var expression in expressions)
{
    var schedule = HostTimer.TryParse(expression);
    if (schedule is not null) valid++;
    vectors.Add((expression, schedule is null ? null : Occurrences(schedule)));
}

var library = typeof(CrontabSchedule).Assembly;
var version = library.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
    ?? library.GetName().Version?.ToString();
var json = new StringBuilder();
json.Append("{\n");
Property("description", "NCrontab's answers for generated cron expressions, read as the Functions timer extension reads a schedule; see tools/ncrontab-vectors and test/unit/config/ncrontabVectors.test.ts.");
Property("library", $"NCrontab.Signed {version}");
Property("parse", "CrontabSchedule.TryParse(expression, new ParseOptions { IncludingSeconds = not exactly 5 space-separated fields }), as CronSchedule.TryCreate (azure-webjobs-sdk-extensions) does. An exception thrown by TryParse (int.Parse overflowing) counts as a rejection: the host then fails to index the function.");
Property("runtime", $"{RuntimeInformation.FrameworkDescription}, {Globalization()}");
Property("format", $"vectors maps each expression to false when NCrontab rejects it, else to one group per start (separated by ';') of the next occurrences, each found from the one before (GetNextOccurrence), as whole seconds after the start without its fraction of a second. A group holds {occurrencesPerStart}, or fewer when NCrontab finds none further before year 10000 (it returns DateTime.MaxValue).");
json.Append("  \"starts\": [\n");
json.Append(string.Join(",\n", starts.Select(s => $"    {Quote(s.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))}")));
json.Append("\n  ],\n");
json.Append($"  \"occurrencesPerStart\": {occurrencesPerStart},\n");
json.Append("  \"vectors\": {\n");
json.Append(string.Join(",\n", vectors.Select(v => $"    {Quote(v.Expression)}: {(v.Occurrences is null ? "false" : Quote(v.Occurrences))}")));
json.Append("\n  }\n}\n");
File.WriteAllText(args[0], json.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
Console.WriteLine($"{vectors.Count} expressions ({valid} valid, {vectors.Count - valid} rejected) by NCrontab.Signed {version}: {args[0]}");
return 0;

string Occurrences(CrontabSchedule schedule) =>
    string.Join(";", starts.Select(start =>
    {
        var origin = new DateTime(start.Ticks - start.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var offsets = new List<long>();
        for (var at = start; offsets.Count < occurrencesPerStart;)
        {
            at = schedule.GetNextOccurrence(at);
            if (at == DateTime.MaxValue) break;
            offsets.Add((at - origin).Ticks / TimeSpan.TicksPerSecond);
        }
        return string.Join(" ", offsets);
    }));

void Property(string name, string value) => json.Append($"  {Quote(name)}: {Quote(value)},\n");

static DateTime Utc(string iso) =>
    DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

// NCrontab matches month and day names with the invariant culture's IsPrefix, ignoring case: with ICU that comparison
// is linguistic (canonically equivalent strings match), in invariant globalization mode it is ordinal.
static string Globalization() =>
    CultureInfo.InvariantCulture.CompareInfo.IsPrefix("\u00C5", "A\u030A", CompareOptions.IgnoreCase)
        ? "ICU (linguistic) name matching"
        : "invariant globalization (ordinal name matching)";

// JSON string with every character outside printable ASCII escaped, so that tabs, NULs and look-alike letters show
// in a diff.
static string Quote(string value)
{
    var quoted = new StringBuilder("\"");
    foreach (var c in value)
    {
        quoted.Append(c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\t' => "\\t",
            '\n' => "\\n",
            '\r' => "\\r",
            < ' ' or > '~' => $"\\u{(int)c:x4}",
            _ => c.ToString(),
        });
    }
    return quoted.Append('"').ToString();
}

/// <summary>How the Functions timer extension turns a schedule string into an NCrontab schedule.</summary>
static class HostTimer
{
    /// <summary>
    /// CronSchedule.TryCreate (azure-webjobs-sdk-extensions, src/WebJobs.Extensions/Extensions/Timers/Scheduling):
    /// seconds are included unless the expression splits into exactly 5 parts on spaces (empty parts removed), then
    /// CrontabSchedule.TryParse. TryParse lets int.Parse's OverflowException through (a value or step beyond 32
    /// bits); in the host that fails the function's indexing, so here it is a rejection.
    /// </summary>
    public static CrontabSchedule? TryParse(string expression)
    {
        var fields = expression.Split([' '], StringSplitOptions.RemoveEmptyEntries).Length;
        var options = new CrontabSchedule.ParseOptions { IncludingSeconds = fields != 5 };
        try
        {
            return CrontabSchedule.TryParse(expression, options);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
