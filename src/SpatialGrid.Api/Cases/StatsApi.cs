using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Cases;

/// <summary><c>GET /api/stats/cases</c>: the standard case measures per district, sub-district, community, grid, unit, class or source; JSON or CSV.</summary>
public static class StatsApi
{
    // acceptor, dispatcher and closer group by the person (API client) who accepted, first dispatched or closed: the per-role view.
    private static readonly string[] Keys = ["district", "subdistrict", "community", "grid", "unit", "class", "source", "acceptor", "dispatcher", "closer"];

    /// <summary>One group's counts and the rates made from them (null where the denominator is zero).</summary>
    public sealed record Measures(string Key, long Cases, long Accepted, double? OnTimeAcceptanceRate, double? OnTimeDispatchRate, long Dispatches, long Returns,
        double? AccurateDispatchRate, long HandlingDue, double? HandlingRate, double? OnTimeHandlingRate, long ClosingDue, long Closed, double? ClosureRate,
        double? OnTimeClosureRate, long OverdueClosures, long Reworks, double? ReworkRate, double? AverageHours, double? MedianHours, double? P90Hours,
        double? FirstContactRate, double? Satisfaction, long Rated, double? PatrolShare, double? PublicShare, long RedNow);

    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats/cases", Get).WithTags("Cases").RequireAuthorization(SecuritySetup.CaseReaderPolicy)
            .WithSummary("Case measures (on-time acceptance, accurate dispatch, (on-time) handling and closure, rework, handling time, first contact, satisfaction, patrol vs public share) by district|subdistrict|community|grid|unit|class|source, for cases reported in [from, to); format=csv for a spreadsheet");
        return app;
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);

    private static async Task<IResult> Get(NpgsqlDataSource dataSource, ClaimsPrincipal user, TimeProvider clock, string? by, DateTimeOffset? from, DateTimeOffset? to, string? format, CancellationToken ct)
    {
        by ??= "district";
        if (!Keys.Contains(by)) return Problems.BadRequest("bad-group", $"by is one of {string.Join(", ", Keys)}");
        if (format is not (null or "json" or "csv")) return Problems.BadRequest("bad-format", "format is json or csv");
        var now = clock.GetUtcNow().ToUniversalTime();
        var start = from?.ToUniversalTime() ?? now.AddDays(-30);
        var end = to?.ToUniversalTime() ?? now.AddSeconds(1);
        if (end <= start) return Problems.BadRequest("bad-period", "to must be after from");
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Cases/Sql/measures.sql"));
        cmd.Parameters.AddWithValue("by", by);
        cmd.Parameters.AddWithValue("from", start);
        cmd.Parameters.AddWithValue("to", end);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("scope", CallerScope.Of(user).Patterns);
        var rows = new List<Measures>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                long L(string name) => r.GetInt64(r.GetOrdinal(name));
                double? D(string name) => r.IsDBNull(r.GetOrdinal(name)) ? null : Math.Round(Convert.ToDouble(r.GetValue(r.GetOrdinal(name))), 3);
                long cases = L("cases"), dispatches = L("dispatches"), returns = L("returns"), closed = L("closed");
                rows.Add(new Measures(r.IsDBNull(0) ? "" : r.GetString(0), cases, L("accepted"), Rate(L("accepted_on_time"), L("accepted")), Rate(L("dispatched_on_time"), L("dispatched")),
                    dispatches, returns, Rate(dispatches - returns, dispatches), L("handling_due"), Rate(L("handled"), L("handling_due")), Rate(L("handled_on_time"), L("handling_due")),
                    L("closing_due"), closed, Rate(closed, L("closing_due")), Rate(L("closed_on_time"), L("closing_due")), L("closed_overdue"), L("reworks"),
                    Rate(L("reworked_closed"), closed), D("avg_hours"), D("p50_hours"), D("p90_hours"), Rate(L("public_contacted_on_time"), L("public_reports")),
                    D("satisfaction"), L("rated"), Rate(L("found_by_patrol"), cases), Rate(L("public_reports"), cases), L("red_now")));
            }
        }
        if (format != "csv") return TypedResults.Ok(rows);
        var csv = new StringBuilder();
        var properties = typeof(Measures).GetProperties();
        csv.Row(properties.Select(p => p.Name));
        foreach (var row in rows) csv.Row(properties.Select(p => p.GetValue(row)));
        return CsvFile.Result(csv, $"case-measures-{by}.csv");
    }
}
