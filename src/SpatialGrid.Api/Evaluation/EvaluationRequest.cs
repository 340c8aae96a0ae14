using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>What an evaluation request asks for: the period and the rows (areas of a tier, or units), checked once for every evaluation endpoint.</summary>
public sealed record EvaluationRequest(EvaluationPeriod Period, string By, Grouping Grouping)
{
    public static readonly string[] Groupings = ["area", "unit", "person", "role"];
    public static readonly string[] Levels = ["district", "street", "community", "grid"];

    public static (EvaluationRequest? Request, ProblemHttpResult? Problem) Parse(string? period, DateTimeOffset? from, DateTimeOffset? to, string? by, string? level,
        DateTimeOffset now, TimeSpan utcOffset)
    {
        var (p, periodProblem) = EvaluationPeriod.Parse(period, from, to, now, utcOffset);
        if (p is null) return (null, Problems.BadRequest("bad-period", periodProblem!));
        by ??= "area";
        if (!Groupings.Contains(by)) return (null, Problems.BadRequest("bad-group", $"by is one of {string.Join(", ", Groupings)}, not '{Clip(by)}'"));
        if (by != "area")
        {
            if (level is not null) return (null, Problems.BadRequest("bad-level", "level applies to by=area only (district, street, community, grid)"));
            // People and roles are not grouped by place: their rows come from PersonEvaluation.
            return (new EvaluationRequest(p, by, by == "unit" ? Grouping.Unit : 0), null);
        }
        if (!AreaEvaluation.TryParseLevel(level ?? "district", out var g))
            return (null, Problems.BadRequest("bad-level", $"level is one of {string.Join(", ", Levels)}, not '{Clip(level!)}'"));
        return (new EvaluationRequest(p, by, g), null);
    }

    public bool ByPeople => By is "person" or "role";

    /// <summary>The query string that names this request again (for the links to the cases behind a figure: made once, not per figure).</summary>
    public string Query => field ??= $"from={Uri.EscapeDataString(Period.From.ToString("O"))}&to={Uri.EscapeDataString(Period.To.ToString("O"))}&by={By}" +
        (Grouping == Grouping.Unit || ByPeople ? "" : $"&level={AreaEvaluation.Name(Grouping)}");

    private static string Clip(string s) => s.Length > 30 ? s[..30] + "…" : s;
}
