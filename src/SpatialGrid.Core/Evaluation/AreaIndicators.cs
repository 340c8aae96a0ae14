using SpatialGrid.Core.Cases;

namespace SpatialGrid.Core.Evaluation;

/// <summary>The standard's indicators of an area or a handling unit.</summary>
public enum AreaIndicator
{
    Opened = 1,         // 立案数
    Closure = 2,        // 结案率
    OnTimeClosure = 3,  // 按期结案率
    Rework = 4,         // 返工率
    Extension = 5,      // 延期率
    OnTimeHandling = 6, // 按时处置率
}

/// <summary>
/// Each indicator as a rule on one case: whether the case counts (the denominator) and whether it meets the
/// indicator (the numerator). The figures, the rankings and the list of cases behind a figure all come from this
/// one rule, so a disputed figure can be rebuilt case by case.
/// Deadlines are judged as of the evaluation's moment: a case whose closing is not yet due and is not closed is
/// not counted against closure (as in <c>/api/stats/cases</c>).
/// </summary>
public static class AreaIndicators
{
    public static readonly IReadOnlyList<AreaIndicator> All = Enum.GetValues<AreaIndicator>();

    public static string Name(AreaIndicator i) => i switch
    {
        AreaIndicator.Opened => "opened",
        AreaIndicator.Closure => "closure",
        AreaIndicator.OnTimeClosure => "on-time-closure",
        AreaIndicator.Rework => "rework",
        AreaIndicator.Extension => "extension",
        _ => "on-time-handling",
    };

    public static bool TryParse(string? text, out AreaIndicator indicator)
    {
        indicator = All.FirstOrDefault(i => Name(i) == text);
        return indicator != 0;
    }

    /// <summary>Rework and extension are better low; the rest better high.</summary>
    public static bool LowerIsBetter(AreaIndicator i) => i is AreaIndicator.Rework or AreaIndicator.Extension;

    /// <summary>Whether the case counts in the indicator (denominator) and whether it meets it (numerator).</summary>
    public static (bool Counted, bool Met) Judge(AreaIndicator i, in CaseFacts c, DateTimeOffset asOf)
    {
        var closed = c.State == CaseState.Closed;
        switch (i)
        {
            case AreaIndicator.Opened:
                return (true, c.Opened);
            case AreaIndicator.Closure:
            case AreaIndicator.OnTimeClosure:
                // Due: closed, or its closing deadline has passed (应结案).
                var closingDue = c.Opened && (closed || c.CloseDue <= asOf);
                return (closingDue, closingDue && closed && (i == AreaIndicator.Closure || c.ClosedAt <= c.CloseDue));
            case AreaIndicator.Rework:
                return (c.Opened && c.HandledOnce, c.Opened && c.HandledOnce && c.ReworkCount > 0);
            case AreaIndicator.Extension:
                return (c.Opened, c.Opened && c.Extended);
            default:
                // Due: feedback given, or its feedback deadline has passed (应处置).
                var handlingDue = c.Opened && (c.HandledAt is not null || c.FeedbackDue <= asOf);
                return (handlingDue, handlingDue && c.HandledAt <= c.FeedbackDue);
        }
    }
}
