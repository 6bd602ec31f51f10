/// <summary>
/// Random cron expressions, most of them valid: lists of values, ranges (some reversed), steps (some zero, signed or
/// beyond the field), month and day names and their prefixes in any case; some with day-of-month and day-of-week both
/// set, some on dates that may not exist; a few with one field broken, the wrong number of fields, or whitespace
/// other than single spaces.
/// </summary>
sealed class Generator(Rng rng)
{
    sealed record Field(int Min, int Max, string[]? Names = null);

    static readonly Field Second = new(0, 59);
    static readonly Field Minute = new(0, 59);
    static readonly Field Hour = new(0, 23);
    static readonly Field Day = new(1, 31);
    static readonly Field Month = new(1, 12,
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);
    static readonly Field DayOfWeek = new(0, 6, ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]);

    static readonly int[] Steps = [0, 1, 2, 3, 4, 5, 6, 7, 10, 12, 13, 15, 20, 25, 30, 45, 59, 60, 61, 100];

    // Tokens NCrontab rejects in any field, or that other cron dialects accept.
    static readonly string[] Broken =
    [
        "", "?", "L", "5L", "L-2", "15W", "LW", "5#3", "x", "5a", "-5", "/5", "*/", "*/x", "1,,2", ",5", "5,", "5-",
        "**", "*-5", "1-2-3", "1/2/3", "99999999999", "*/3000000000", "Janx", "Fry", "H", "*/2.5", "1..3",
    ];

    // Day-of-month and month pairs around the dates that do not exist in every month or year.
    static readonly string[] ShortMonthDays = ["29", "30", "31", "30,31", "29-31", "31/2", "28-31/3", "29,31"];
    static readonly string[] ShortMonths =
        ["2", "Feb", "FEB", "2,4", "4,6,9,11", "Apr,Jun", "9-11/2", "February", "4", "11", "2,3", "6-7", "*/2"];
    static readonly string[] SparseDays = ["13", "1-7", "8-14", "15-21", "22-28", "29-31", "28-31", "31", "1,15", "*/7", "*/10", "29"];
    static readonly string[] SparseDaysOfWeek = ["5", "Fri", "1-5", "Mon-Fri", "0,6", "Sat,Sun", "SUN", "*/2", "6-0", "Th", "2-3", "0"];
    static readonly string[] FewTimes = ["0", "15", "0,30", "*/30", "5-6", "59", "*/20", "10-40/15"];
    static readonly string[] FewHours = ["0", "12", "23", "*/6", "9-17", "0,12", "3"];

    public string Expression()
    {
        var six = rng.Chance(0.5);
        var fields = rng.Next(100) switch
        {
            < 20 => DayAndWeekday(),
            < 25 => ShortMonth(),
            _ => [Token(Second), Token(Minute), Token(Hour), Token(Day), Token(Month), Token(DayOfWeek)],
        };
        var parts = new List<string>(six ? fields : fields[1..]);
        if (rng.Chance(0.05)) parts[rng.Next(parts.Count)] = rng.Pick(Broken);
        if (rng.Chance(0.015))
        {
            if (rng.Chance(0.5)) parts.RemoveAt(rng.Next(parts.Count));
            else parts.Insert(rng.Next(parts.Count + 1), Token(Minute));
        }
        return Join(parts);
    }

    string[] DayAndWeekday() =>
    [
        rng.Pick(FewTimes), rng.Pick(FewTimes), rng.Chance(0.5) ? rng.Pick(FewHours) : Token(Hour),
        rng.Pick(SparseDays), rng.Chance(0.7) ? "*" : Token(Month), rng.Pick(SparseDaysOfWeek),
    ];

    string[] ShortMonth() =>
    [
        rng.Pick(FewTimes), rng.Pick(FewTimes), rng.Pick(FewHours),
        rng.Pick(ShortMonthDays), rng.Pick(ShortMonths), rng.Chance(0.8) ? "*" : rng.Pick(SparseDaysOfWeek),
    ];

    /// <summary>A field: a list of one to three items, each a wildcard, value or range, with or without a step.</summary>
    string Token(Field field)
    {
        if (rng.Chance(0.25)) return "*";
        var items = new string[rng.Chance(0.7) ? 1 : rng.Between(2, 3)];
        for (var i = 0; i < items.Length; i++) items[i] = Item(field);
        return string.Join(',', items);
    }

    string Item(Field field) => rng.Next(6) switch
    {
        0 => "*",
        1 => Value(field),
        2 => $"{Value(field)}-{Value(field)}",
        3 => $"*/{Step()}",
        4 => $"{Value(field)}/{Step()}",
        _ => $"{Value(field)}-{Value(field)}/{Step()}",
    };

    /// <summary>A value of the field, now and then one past either end, with a leading zero, or as a name.</summary>
    string Value(Field field)
    {
        if (rng.Chance(0.03)) return (rng.Chance(0.5) ? field.Max + 1 : Math.Max(field.Min - 1, 0)).ToString();
        var value = rng.Between(field.Min, field.Max);
        if (field.Names is not null && rng.Chance(0.4)) return Name(field.Names[value - field.Min]);
        return rng.Chance(0.05) ? $"0{value}" : value.ToString();
    }

    /// <summary>The whole name, its first three letters or a shorter or longer prefix, in any case.</summary>
    string Name(string name)
    {
        var prefix = rng.Next(3) switch
        {
            0 => name,
            1 => name[..3],
            _ => name[..rng.Between(1, name.Length)],
        };
        return rng.Next(4) switch
        {
            0 => prefix.ToLowerInvariant(),
            1 => prefix.ToUpperInvariant(),
            2 => new string(prefix.Select(c => rng.Chance(0.5) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray()),
            _ => prefix,
        };
    }

    string Step()
    {
        var step = rng.Pick(Steps);
        return rng.Next(20) switch
        {
            0 => $"-{step}",
            1 => $"+{step}",
            _ => step.ToString(),
        };
    }

    /// <summary>Single spaces mostly; now and then extra spaces at either end or between, or a tab or another space.</summary>
    string Join(List<string> parts)
    {
        string[] separators = [" ", "  ", "\t", " \t", "\u00a0", "\u3000"];
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) text.Append(rng.Chance(0.97) ? " " : rng.Pick(separators));
            text.Append(parts[i]);
        }
        if (rng.Chance(0.03)) text.Insert(0, new string(' ', rng.Between(1, 2))).Append(' ', rng.Between(0, 2));
        return text.ToString();
    }
}
