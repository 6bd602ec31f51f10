/// <summary>
/// The expressions the vectors record: hand-picked edge cases first, then a few thousand generated ones, valid and
/// invalid, 5 and 6 fields. Every expression holding whitespace other than spaces is followed by its form with each
/// run of whitespace made one space, which is what src/config/schedule.ts hands the host.
/// </summary>
static class Expressions
{
    const int GeneratedCount = 4000;
    const ulong Seed = 0x5EED_C0DE_2025;

    public static IReadOnlyList<string> All()
    {
        var all = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string expression)
        {
            if (!seen.Add(expression)) return;
            all.Add(expression);
            if (!expression.Any(c => c != ' ' && JsWhitespace.Contains(c))) return;
            var normalised = string.Join(' ', expression.Split(JsWhitespace, StringSplitOptions.RemoveEmptyEntries));
            if (seen.Add(normalised)) all.Add(normalised);
        }
        foreach (var expression in EdgeCases.All) Add(expression);
        var generator = new Generator(new Rng(Seed));
        while (all.Count < EdgeCases.All.Length + GeneratedCount) Add(generator.Expression());
        return all;
    }

    /// <summary>The characters JavaScript's \s matches (ECMAScript WhiteSpace and LineTerminator).</summary>
    public static readonly char[] JsWhitespace =
    [
        '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004',
        '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
        '\ufeff',
    ];
}

/// <summary>splitmix64: the same sequence on every runtime, unlike System.Random's unseeded algorithms.</summary>
sealed class Rng(ulong seed)
{
    ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>0 to n - 1.</summary>
    public int Next(int n) => (int)(NextUInt64() % (ulong)n);

    public int Between(int low, int high) => low + Next(high - low + 1);

    public bool Chance(double probability) => (NextUInt64() >> 11) * (1.0 / (1UL << 53)) < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
