using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// <c>/api/evaluation</c>: the seventh node (综合评价). Areas and handling units over a period, ranked per indicator;
/// each figure links to the cases it is made of, and each case to its hash-chained history.
/// </summary>
public static class EvaluationApi
{
    public sealed record PeriodView(string Label, DateTimeOffset From, DateTimeOffset To);
    /// <summary>Numerator over denominator (for opened: opened cases over reported ones, the value being the count), the rank among the rows, and the link to the cases behind it.</summary>
    public sealed record FigureView(long Numerator, long Denominator, double? Value, int? Rank, string Cases);
    public sealed record AreaRowView(string Key, string? Name, IReadOnlyDictionary<string, FigureView> Indicators);
    public sealed record AreaTable(PeriodView Period, DateTimeOffset AsOf, string By, string? Level, IReadOnlyList<AreaRowView> Items, int Page, int PageSize, int Total);
    /// <summary>
    /// A case behind a figure: counted in the denominator, meeting the indicator or not, with links to it and to its chain check. For people,
    /// Counted and MetCount say how much the case weighs (its dispatches, for accurate dispatch); its place and state are those of an area's case only.
    /// </summary>
    public sealed record TracedCase(string Number, string? State, string? Place, string? Unit, DateTimeOffset? ReportedAt, bool Met, string Case, string Chain,
        int Counted = 1, int MetCount = 0);

    public static IEndpointRouteBuilder MapEvaluation(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/evaluation").WithTags("Evaluation").RequireAuthorization(SecuritySetup.CaseReaderPolicy);
        read.MapGet("/", Get)
            .WithSummary("Evaluation for a period (period=YYYY-MM, or from and to; default this month) " +
                "of areas (by=area, level=district|street|community|grid) or handling units (by=unit): cases opened, closure, on-time closure, rework, extension, " +
                "on-time handling, ranked; or of people and roles (by=person|role, role=, weights=name:percent,…): the standard's indicators per role, composite, " +
                "grade A–E, rank; format=csv (or Accept: text/csv)");
        read.MapGet("/cases", Cases)
            .WithSummary("The cases behind one figure of the evaluation (indicator and key of a row, same period and grouping): each counted case, whether it met the indicator, and links to the case and its chain check");
        read.MapGet("/report", MonthlyReport.Get).Produces(200, contentType: "text/html")
            .WithSummary("The district's monthly evaluation report (district=, period=YYYY-MM; default this month) as an HTML page that prints on A4: figures and six-month trend, streets, units and people ranked and graded, red-light cases");
        return app;
    }

    private static async Task<Results<Ok<AreaTable>, Ok<PersonTables.PersonTable>, FileContentHttpResult, ProblemHttpResult>> Get(HttpContext http,
        NpgsqlDataSource dataSource, EvaluationSnapshots snapshots, ClaimsPrincipal user, TimeProvider clock, CalendarProvider calendars, string? period, DateTimeOffset? from, DateTimeOffset? to,
        string? by, string? level, string? role, string? weights, string? format, int? page, int? pageSize, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv")) return Problems.BadRequest("bad-format", $"format is json or csv, not '{(format.Length > 20 ? format[..20] : format)}'");
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var now = clock.GetUtcNow().ToUniversalTime();
        var (request, problem) = EvaluationRequest.Parse(period, from, to, by, level, now, calendars.Calendar.UtcOffset);
        if (request is null) return problem!;
        var csv = format == "csv" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        if (request.ByPeople || role is not null || weights is not null)
        {
            if (!request.ByPeople) return Problems.BadRequest("bad-group", "role and weights apply to by=person or by=role");
            Role? only = null;
            if (role is not null)
            {
                if (!RoleIndicators.TryParse(role, out var r))
                    return Problems.BadRequest("bad-role", $"role is one of {string.Join(", ", Enum.GetValues<Role>().Select(RoleIndicators.Name))}");
                only = r;
            }
            var (w, weightProblem) = RoleIndicators.Parse(weights);
            if (w is null) return Problems.BadRequest("bad-weights", weightProblem!);
            var (judged, judgedAt) = await snapshots.JudgementsAsync(CallerScope.Of(user), request.Period, ct);
            var people = PersonEvaluation.Evaluate(judged.Totals, w, request.By == "role").Where(x => only is null || x.Role == only)
                .Select(x => PersonTables.View(x, request)).ToList();
            if (csv) return PersonTables.Csv(people, request);
            return TypedResults.Ok(new PersonTables.PersonTable(new PeriodView(request.Period.Label, request.Period.From, request.Period.To), judgedAt, request.By, w,
                people.Skip((p - 1) * size).Take(size).ToList(), p, size, people.Count));
        }
        // One snapshot of the period's facts serves every tier and the units (asOf: when it was read; figures are judged then).
        var (facts, asOf) = await snapshots.CaseFactsAsync(CallerScope.Of(user), request.Period, ct);
        var rows = AreaEvaluation.Evaluate(facts, request.Grouping, asOf);
        var names = request.Grouping == Grouping.Unit ? [] : await CaseFactsQuery.AreaNamesAsync(dataSource, rows.Select(r => r.Key), ct);
        var views = rows.Select(r => View(r, names.GetValueOrDefault(r.Key), request)).ToList();
        if (csv) return EvaluationCsv.Areas(views, request);
        return TypedResults.Ok(new AreaTable(new PeriodView(request.Period.Label, request.Period.From, request.Period.To), asOf, request.By,
            request.Grouping == Grouping.Unit ? null : AreaEvaluation.Name(request.Grouping), views.Skip((p - 1) * size).Take(size).ToList(), p, size, views.Count));
    }

    private static AreaRowView View(EvaluationRow r, string? name, EvaluationRequest request) => new(r.Key, name,
        r.Figures.ToDictionary(kv => AreaIndicators.Name(kv.Key), kv => new FigureView(kv.Value.Numerator, kv.Value.Denominator, kv.Value.Value, kv.Value.Rank,
            $"/api/evaluation/cases?{request.Query}&indicator={AreaIndicators.Name(kv.Key)}&key={Uri.EscapeDataString(r.Key)}")));

    private static async Task<Results<Ok<PagedList<TracedCase>>, ProblemHttpResult>> Cases(EvaluationSnapshots snapshots, ClaimsPrincipal user, TimeProvider clock,
        CalendarProvider calendars, string? period, DateTimeOffset? from, DateTimeOffset? to, string? by, string? level, string? indicator, string? key, bool? met,
        int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var now = clock.GetUtcNow().ToUniversalTime();
        var (request, problem) = EvaluationRequest.Parse(period, from, to, by, level, now, calendars.Calendar.UtcOffset);
        if (request is null) return problem!;
        if (request.ByPeople) return await PersonCases(snapshots, user, request, indicator, key, met, page ?? 1, pageSize ?? Paging.DefaultPageSize, ct);
        if (!AreaIndicators.TryParse(indicator, out var which))
            return Problems.BadRequest("bad-indicator", $"indicator is one of {string.Join(", ", AreaIndicators.All.Select(AreaIndicators.Name))}");
        if (string.IsNullOrEmpty(key) || key.Length > 200) return Problems.BadRequest("bad-key", "key is the key of a row of the evaluation (an area's code or a unit's name)");
        var isArea = request.Grouping != Grouping.Unit;
        if (isArea && !key.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-key", "for by=area the key is an area's code (digits)");
        // The same snapshot as the table's figures: the cases behind a figure add up to it.
        var (facts, asOf) = await snapshots.CaseFactsAsync(CallerScope.Of(user), request.Period, ct);
        var traced = facts.Where(c => AreaEvaluation.KeyOf(c, request.Grouping) == key)
            .Select(c => (Case: c, Judged: AreaIndicators.Judge(which, c, asOf)))
            .Where(x => x.Judged.Counted && (met is null || x.Judged.Met == met))
            .OrderBy(x => x.Case.ReportedAt).ThenBy(x => x.Case.Number, StringComparer.Ordinal)
            .Select(x => new TracedCase(x.Case.Number, CaseNames.Name(x.Case.State), x.Case.Place, x.Case.Unit, x.Case.ReportedAt, x.Judged.Met,
                $"/api/cases/{Uri.EscapeDataString(x.Case.Number)}", $"/api/cases/{Uri.EscapeDataString(x.Case.Number)}/chain", 1, x.Judged.Met ? 1 : 0))
            .ToList();
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        return TypedResults.Ok(new PagedList<TracedCase>(traced.Skip((p - 1) * size).Take(size).ToList(), p, size, traced.Count));
    }

    private static async Task<Results<Ok<PagedList<TracedCase>>, ProblemHttpResult>> PersonCases(EvaluationSnapshots snapshots, ClaimsPrincipal user,
        EvaluationRequest request, string? indicator, string? key, bool? met, int page, int size, CancellationToken ct)
    {
        if (RoleIndicators.Find(indicator ?? "") is not { } which)
            return Problems.BadRequest("bad-indicator", $"indicator is one of {string.Join(", ", RoleIndicators.All.Select(i => i.Name))}");
        if (string.IsNullOrEmpty(key) || key.Length > 200)
            return Problems.BadRequest("bad-key", "key is role:person for by=person (e.g. supervisor:w-1), the role for by=role");
        var colon = key.IndexOf(':');
        var roleName = request.By == "role" ? key : colon > 0 ? key[..colon] : "";
        if (!RoleIndicators.TryParse(roleName, out var role) || (request.By == "person" && colon < 0))
            return Problems.BadRequest("bad-key", "key is role:person for by=person (e.g. supervisor:w-1), the role for by=role");
        if (which.Role != role) return Problems.BadRequest("bad-indicator", $"{which.Name} is an indicator of the {RoleIndicators.Name(which.Role)}, not of the {roleName}");
        var person = request.By == "role" ? null : key[(colon + 1)..];
        var (judged, _) = await snapshots.JudgementsAsync(CallerScope.Of(user), request.Period, ct);
        var traced = judged.All.Value.Where(j => j.Role == role && j.Indicator == which.Name && (person is null || j.Person == person))
            .GroupBy(j => j.CaseNumber, StringComparer.Ordinal)
            .Select(g => (Number: g.Key, Counted: g.Sum(j => j.Counted), Met: g.Sum(j => j.Met)))
            .Where(x => met is null || (x.Met == x.Counted) == met)
            .OrderBy(x => x.Number, StringComparer.Ordinal)
            .Select(x => new TracedCase(x.Number, null, null, null, null, x.Met == x.Counted, $"/api/cases/{Uri.EscapeDataString(x.Number)}",
                $"/api/cases/{Uri.EscapeDataString(x.Number)}/chain", x.Counted, x.Met))
            .ToList();
        return TypedResults.Ok(new PagedList<TracedCase>(traced.Skip((page - 1) * size).Take(size).ToList(), page, size, traced.Count));
    }
}
