using System.Globalization;

namespace SpatialGrid.Core.Evaluation;

/// <summary>The span an evaluation covers: cases reported in [From, To), named by its month or by its bounds.</summary>
public sealed record EvaluationPeriod(string Label, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Longest span one evaluation covers: a year and a day (a leap year), so a request cannot ask for the whole history at once.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(367);

    /// <summary>
    /// The period of a request: <paramref name="month"/> as <c>YYYY-MM</c> (a local calendar month, at the city's UTC offset),
    /// or <paramref name="from"/> and <paramref name="to"/> together; none of them: the current local month. Null and the
    /// reason when the request is not a period.
    /// </summary>
    public static (EvaluationPeriod? Period, string? Problem) Parse(string? month, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan utcOffset)
    {
        if (month is not null && (from is not null || to is not null))
            return (null, "give either period (YYYY-MM) or from and to, not both");
        if (month is not null)
        {
            if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) || first.Year < 2000 || first.Year > 2100)
                return (null, $"period is a month as YYYY-MM between 2000-01 and 2100-12, not '{Clip(month)}'");
            return (Month(first, utcOffset), null);
        }
        if (from is null != to is null) return (null, "from and to go together: give both, or a period (YYYY-MM)");
        if (from is { } f && to is { } t)
        {
            if (t <= f) return (null, $"to ({t:O}) must be after from ({f:O})");
            if (t - f > MaxSpan) return (null, $"a period spans at most {MaxSpan.TotalDays:0} days; this one spans {(t - f).TotalDays:0}");
            return (new EvaluationPeriod($"{f.ToUniversalTime():O}/{t.ToUniversalTime():O}", f.ToUniversalTime(), t.ToUniversalTime()), null);
        }
        var local = now.ToOffset(utcOffset);
        return (Month(new DateOnly(local.Year, local.Month, 1), utcOffset), null);
    }

    /// <summary>The local calendar month that starts on <paramref name="first"/>.</summary>
    public static EvaluationPeriod Month(DateOnly first, TimeSpan utcOffset)
    {
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), utcOffset);
        return new EvaluationPeriod(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), start.ToUniversalTime(), start.AddMonths(1).ToUniversalTime());
    }

    /// <summary>The month before this period's first month (for trends).</summary>
    public EvaluationPeriod PreviousMonth(TimeSpan utcOffset)
    {
        var local = From.ToOffset(utcOffset);
        return Month(new DateOnly(local.Year, local.Month, 1).AddMonths(-1), utcOffset);
    }

    private static string Clip(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
