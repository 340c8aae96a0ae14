using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialGrid.Api.Maps;

/// <summary>
/// <c>?from=2026-01-01&amp;to=2026-12-31&amp;class=E05&amp;state=open</c> on the heat and density tiles: cases reported on the
/// city's calendar days from..to (both included; default the 30 days up to today), of one class or a class prefix, open
/// ones or all. Bound as @from_at and @until_at (instants, [from 00:00, day after to 00:00) in the city's zone),
/// @class_like (a LIKE pattern) and @open_only.
/// </summary>
public static partial class CasePeriodQuery
{
    /// <summary>A year and a leap day: a planner compares one year with another, not decades in one tile.</summary>
    public const int MaxDays = 366;
    private const int DefaultDays = 30;

    public static readonly TileParameters Parameters = new(new Dictionary<string, string>
    {
        ["from"] = "First day of the period (yyyy-MM-dd, the city's calendar); default 29 days before to",
        ["to"] = $"Last day of the period, included (yyyy-MM-dd); default today; at most {MaxDays} days after from",
        ["class"] = "A class code (0101, E0502) or its major class (01, E05); default every class",
        ["state"] = "open (not closed or rejected) or all (default)",
    }, Parse);

    [GeneratedRegex(@"^E?[0-9]{2}([0-9]{2})?$")]
    private static partial Regex ClassPattern();

    public static (TileQuery? Query, TileQueryProblem? Problem) Parse(IQueryCollection query, DateTimeOffset now, TimeSpan utcOffset)
    {
        string? One(string name, out TileQueryProblem? problem)
        {
            var values = query[name];
            problem = values.Count > 1 ? new TileQueryProblem("bad-query", $"{name} is given {values.Count} times; give it once") : null;
            return values.Count == 1 ? values[0] : null;
        }

        var fromText = One("from", out var p1);
        var toText = One("to", out var p2);
        var classText = One("class", out var p3);
        var stateText = One("state", out var p4);
        if ((p1 ?? p2 ?? p3 ?? p4) is { } repeated) return (null, repeated);

        DateOnly? Day(string name, string? text, out TileQueryProblem? problem)
        {
            problem = null;
            if (text is null) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            problem = new TileQueryProblem("bad-date", $"{name} '{Clip(text)}' is not a date: write it as yyyy-MM-dd, e.g. 2026-01-31");
            return null;
        }

        var fromDay = Day("from", fromText, out var badFrom);
        var toDay = Day("to", toText, out var badTo);
        if ((badFrom ?? badTo) is { } bad) return (null, bad);
        var today = DateOnly.FromDateTime(now.ToOffset(utcOffset).DateTime);
        var to = toDay ?? today;
        var from = fromDay ?? to.AddDays(-(DefaultDays - 1));
        if (to < from)
            return (null, new TileQueryProblem("bad-period", $"to ({to:yyyy-MM-dd}) is before from ({from:yyyy-MM-dd}): the period runs from the first day to the last, both included"));
        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
            return (null, new TileQueryProblem("bad-period", $"the period from {from:yyyy-MM-dd} to {to:yyyy-MM-dd} is {days} days; at most {MaxDays} are drawn in one map"));

        if (classText is not null && !ClassPattern().IsMatch(classText))
            return (null, new TileQueryProblem("bad-class", $"class '{Clip(classText)}' is not a class code: give a component class (0101) or its major class (01), an event class (E0502) or its major class (E05)"));
        if (stateText is not null && stateText is not ("open" or "all"))
            return (null, new TileQueryProblem("bad-state", $"state '{Clip(stateText)}' is not known: open (not closed or rejected) or all"));
        var state = stateText ?? "all";

        var given = string.Join('&', new[] { ("from", fromText), ("to", toText), ("class", classText), ("state", stateText) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));
        var key = FormattableString.Invariant($"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&class={classText}&state={state}");
        DateTimeOffset Start(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), utcOffset).ToUniversalTime();
        return (new TileQuery(key, given,
        [
            new("from_at", Start(from)),
            new("until_at", Start(to.AddDays(1))),
            new("class_like", (classText ?? "") + "%"),
            new("open_only", state == "open"),
        ]), null);
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
