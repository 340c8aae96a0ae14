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
    /// <summary>A case behind a figure: counted in the denominator, meeting the indicator or not, with links to it and to its chain check.</summary>
    public sealed record TracedCase(string Number, string State, string Place, string Unit, DateTimeOffset ReportedAt, bool Met, string Case, string Chain);

    public static IEndpointRouteBuilder MapEvaluation(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/evaluation").WithTags("Evaluation").RequireAuthorization(SecuritySetup.CaseReaderPolicy);
        read.MapGet("/", Get)
            .WithSummary("Evaluation of areas (by=area, level=district|street|community|grid) or handling units (by=unit) for a period (period=YYYY-MM, or from and to; default this month): cases opened, closure, on-time closure, rework, extension and on-time handling, ranked; format=csv (or Accept: text/csv) for a spreadsheet");
        read.MapGet("/cases", Cases)
            .WithSummary("The cases behind one figure of the evaluation (indicator and key of a row, same period and grouping): each counted case, whether it met the indicator, and links to the case and its chain check");
        return app;
    }

    private static async Task<Results<Ok<AreaTable>, FileContentHttpResult, ProblemHttpResult>> Get(HttpContext http, NpgsqlDataSource dataSource, ClaimsPrincipal user,
        TimeProvider clock, CalendarProvider calendars, string? period, DateTimeOffset? from, DateTimeOffset? to, string? by, string? level, string? format,
        int? page, int? pageSize, CancellationToken ct)
    {
        if (format is not (null or "json" or "csv")) return Problems.BadRequest("bad-format", $"format is json or csv, not '{(format.Length > 20 ? format[..20] : format)}'");
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var now = clock.GetUtcNow().ToUniversalTime();
        var (request, problem) = EvaluationRequest.Parse(period, from, to, by, level, now, calendars.Calendar.UtcOffset);
        if (request is null) return problem!;
        var facts = await CaseFactsQuery.LoadAsync(dataSource, CallerScope.Of(user), request.Period, null, null, ct);
        var rows = AreaEvaluation.Evaluate(facts, request.Grouping, now);
        var names = request.Grouping == Grouping.Unit ? [] : await CaseFactsQuery.AreaNamesAsync(dataSource, rows.Select(r => r.Key), ct);
        var views = rows.Select(r => View(r, names.GetValueOrDefault(r.Key), request)).ToList();
        var csv = format == "csv" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        if (csv) return EvaluationCsv.Areas(views, request);
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        return TypedResults.Ok(new AreaTable(new PeriodView(request.Period.Label, request.Period.From, request.Period.To), now, request.By,
            request.Grouping == Grouping.Unit ? null : AreaEvaluation.Name(request.Grouping), views.Skip((p - 1) * size).Take(size).ToList(), p, size, views.Count));
    }

    private static AreaRowView View(EvaluationRow r, string? name, EvaluationRequest request) => new(r.Key, name,
        r.Figures.ToDictionary(kv => AreaIndicators.Name(kv.Key), kv => new FigureView(kv.Value.Numerator, kv.Value.Denominator, kv.Value.Value, kv.Value.Rank,
            $"/api/evaluation/cases?{request.Query}&indicator={AreaIndicators.Name(kv.Key)}&key={Uri.EscapeDataString(r.Key)}")));

    private static async Task<Results<Ok<PagedList<TracedCase>>, ProblemHttpResult>> Cases(NpgsqlDataSource dataSource, ClaimsPrincipal user, TimeProvider clock,
        CalendarProvider calendars, string? period, DateTimeOffset? from, DateTimeOffset? to, string? by, string? level, string? indicator, string? key, bool? met,
        int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var now = clock.GetUtcNow().ToUniversalTime();
        var (request, problem) = EvaluationRequest.Parse(period, from, to, by, level, now, calendars.Calendar.UtcOffset);
        if (request is null) return problem!;
        if (!AreaIndicators.TryParse(indicator, out var which))
            return Problems.BadRequest("bad-indicator", $"indicator is one of {string.Join(", ", AreaIndicators.All.Select(AreaIndicators.Name))}");
        if (string.IsNullOrEmpty(key) || key.Length > 200) return Problems.BadRequest("bad-key", "key is the key of a row of the evaluation (an area's code or a unit's name)");
        var isArea = request.Grouping != Grouping.Unit;
        if (isArea && !key.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-key", "for by=area the key is an area's code (digits)");
        var facts = await CaseFactsQuery.LoadAsync(dataSource, CallerScope.Of(user), request.Period, isArea ? key : null, isArea ? null : key, ct);
        var traced = facts.Where(c => AreaEvaluation.KeyOf(c, request.Grouping) == key)
            .Select(c => (Case: c, Judged: AreaIndicators.Judge(which, c, now)))
            .Where(x => x.Judged.Counted && (met is null || x.Judged.Met == met))
            .OrderBy(x => x.Case.ReportedAt).ThenBy(x => x.Case.Number, StringComparer.Ordinal)
            .Select(x => new TracedCase(x.Case.Number, CaseNames.Name(x.Case.State), x.Case.Place, x.Case.Unit, x.Case.ReportedAt, x.Judged.Met,
                $"/api/cases/{Uri.EscapeDataString(x.Case.Number)}", $"/api/cases/{Uri.EscapeDataString(x.Case.Number)}/chain"))
            .ToList();
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        return TypedResults.Ok(new PagedList<TracedCase>(traced.Skip((p - 1) * size).Take(size).ToList(), p, size, traced.Count));
    }
}
