using SpatialGrid.Api.Evaluation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>Cases over HTTP: open, act, read with history and deadlines, list, the red-light overdue list, the chain check.</summary>
public static class CasesApi
{
    public sealed record ChainCheck(string Number, int Events, bool Intact, int? FirstBrokenSequence);

    public static IServiceCollection AddCases(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CasesOptions>().Bind(configuration.GetSection("Cases"))
            .Validate(o => o.IsValid(), "Cases options are not valid (WorkingHours like 08:30-12:00,13:30-17:30; UtcOffsetHours -12..14)").ValidateOnStart();
        services.AddSingleton<CalendarProvider>();
        services.AddSingleton<CaseNotifier>();
        services.AddScoped<CaseOpener>();
        services.AddHostedService(sp => sp.GetRequiredService<CaseNotifier>());
        return services;
    }

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization(SecuritySetup.CaseReaderPolicy);
        read.MapGet("/", List).WithSummary("Cases by state, colour, grid code prefix, unit, class, source, reported time range and text; sorted and paged");
        read.MapGet("/counts", Counts).WithSummary("How many cases each state holds, and each colour among the open ones, under the list's filters (the queue's tabs and badges)");
        read.MapGet("/overdue", Overdue).WithSummary("The red-light list: open cases past a deadline, longest overdue first");
        read.MapGet("/{number}", Get).WithSummary("One case with its stages (deadline, share used, colour, minutes left), allowed actions and history");
        read.MapGet("/{number}/chain", Chain).WithSummary("Checks the case's tamper-evident history chain");

        var write = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization(SecuritySetup.CaseWorkerPolicy);
        write.MapPost("/", CaseCreation.Create).WithSummary("Open a case at a point: grid, unit, deadlines and number are assigned")
            .WithDescription("worker names the patrol worker reporting from the field (an active worker of the key's districts): a key bound " +
                "to a worker reports as that worker, named or not, and naming another is 403 not-your-worker.");
        write.MapPost("/{number}/actions", CaseActions.Apply)
            .WithSummary("One step of the loop: accept, reject, dispatch, return, escalate, arrive, feedback, verify, rework, close, carry-over, resume");
        return app;
    }

    private static async Task<Results<Ok<CaseViews.CaseDetail>, ProblemHttpResult>> Get(string number, SpatialGridDb db, CalendarProvider calendars, TimeProvider clock,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await CallerScope.Of(user).Cases(db.Cases.AsNoTracking()).FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null) return Problems.NotFound("case-not-found", $"no case '{(number.Length > 40 ? number[..40] : number)}'");
        var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).ToListAsync(ct);
        return TypedResults.Ok(CaseViews.Detail(c, events, clock.GetUtcNow().ToUniversalTime(), calendars.Calendar));
    }

    private static async Task<Results<Ok<PagedList<CaseViews.CaseSummary>>, ProblemHttpResult>> List(SpatialGridDb db, CalendarProvider calendars, TimeProvider clock,
        System.Security.Claims.ClaimsPrincipal user,
        string? state, string? colour, string? grid, string? unit, string? @class, string? source, DateTimeOffset? from, DateTimeOffset? to, string? q, string? sort,
        int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var now = clock.GetUtcNow().ToUniversalTime();
        var filter = new CaseFilter(state, colour, grid, unit, @class, source, from, to, q);
        if (filter.Apply(CallerScope.Of(user).Cases(db.Cases.AsNoTracking()), now, out var query) is { } filterError) return filterError;
        query = sort switch
        {
            null or "-reported" => query.OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id),
            "reported" => query.OrderBy(c => c.ReportedAt).ThenBy(c => c.Id),
            "due" => query.OrderBy(c => c.RedAt == null).ThenBy(c => c.RedAt).ThenBy(c => c.Id),
            "number" => query.OrderBy(c => c.Number),
            _ => null!,
        };
        if (query is null) return Problems.BadRequest("bad-sort", "sort is one of -reported, reported, due, number");
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<CaseViews.CaseSummary>(items.Select(c => CaseViews.Summary(c, now, calendars.Calendar)).ToList(), p, size, total));
    }

    public sealed record CaseCounts(long Total, IReadOnlyDictionary<string, long> States, IReadOnlyDictionary<string, long> Colours);

    private static async Task<Results<Ok<CaseCounts>, ProblemHttpResult>> Counts(SpatialGridDb db, TimeProvider clock, System.Security.Claims.ClaimsPrincipal user,
        string? state, string? colour, string? grid, string? unit, string? @class, string? source, DateTimeOffset? from, DateTimeOffset? to, string? q, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        var filter = new CaseFilter(state, colour, grid, unit, @class, source, from, to, q);
        if (filter.Apply(CallerScope.Of(user).Cases(db.Cases.AsNoTracking()), now, out var query) is { } filterError) return filterError;
        // One pass: each case's state and colour (from the stored crossing instants and now, as the list decides it); a
        // closed or rejected case has no deadline running, so it has no colour (-1) and is not counted under one.
        var rows = await query.GroupBy(c => new { c.State, Colour = c.State == CaseState.Closed || c.State == CaseState.Rejected ? -1
                : c.RedAt != null && c.RedAt <= now ? 2 : c.YellowAt != null && c.YellowAt <= now ? 1 : 0 })
            .Select(g => new { g.Key.State, g.Key.Colour, Count = g.LongCount() }).ToListAsync(ct);
        var states = Enum.GetValues<CaseState>().ToDictionary(CaseNames.Name, s => rows.Where(r => r.State == s).Sum(r => r.Count));
        string[] colourNames = ["green", "yellow", "red"];
        var colours = colourNames.Select((n, i) => (n, rows.Where(r => r.Colour == i).Sum(r => r.Count))).ToDictionary(x => x.n, x => x.Item2);
        return TypedResults.Ok(new CaseCounts(rows.Sum(r => r.Count), states, colours));
    }

    private static async Task<Ok<List<CaseViews.CaseSummary>>> Overdue(SpatialGridDb db, CalendarProvider calendars, TimeProvider clock, string? grid,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        var query = CallerScope.Of(user).Cases(db.Cases.AsNoTracking()).Where(c => c.RedAt != null && c.RedAt <= now);
        if (grid is not null)
        {
            var district = grid.Length > 6 ? grid[..6] : grid;
            query = query.Where(c => c.DistrictCode.StartsWith(district) && (c.GridCode == null || c.GridCode.StartsWith(grid)));
        }
        var items = await query.OrderBy(c => c.RedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(items.Select(c => CaseViews.Summary(c, now, calendars.Calendar)).ToList());
    }

    private static async Task<Results<Ok<ChainCheck>, ProblemHttpResult>> Chain(string number, SpatialGridDb db, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await CallerScope.Of(user).Cases(db.Cases.AsNoTracking()).FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null) return Problems.NotFound("case-not-found", $"no case '{(number.Length > 40 ? number[..40] : number)}'");
        var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseNumber == number).OrderBy(e => e.Sequence).ToListAsync(ct);
        var broken = CaseHistory.FirstBroken(events);
        if (broken is null && (events.Count != c.EventCount || (events.Count > 0 && events[^1].Hash != c.LastHash))) broken = events.Count + 1;
        return TypedResults.Ok(new ChainCheck(number, events.Count, broken is null, broken));
    }
}
