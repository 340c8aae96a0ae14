using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Patrols;

/// <summary>What the centre asks of patrols: where everyone is, the tracks, coverage per grid, grids nobody visited.</summary>
public static partial class PatrolReports
{
    public sealed record LiveWorker(string Worker, string Name, string? Team, DateTimeOffset T, double Lon, double Lat, string? Grid, double AgeSeconds);
    /// <param name="RoadMetres">Road length in the grid (the road components, in stretches of Patrols:RoadSampleMetres).</param>
    /// <param name="RoadShare">Share (0–1) of that length within Patrols:RoadBufferMetres of a track walked that day by any
    /// worker; null when the grid has no roads, or with a team filter (the stretches are not stored per worker).</param>
    public sealed record GridCoverage(string Grid, string? Name, double Minutes, double Metres, int Workers, DateTimeOffset FirstVisit, DateTimeOffset LastVisit,
        double RoadMetres, double? RoadShare);
    public sealed record UnvisitedGrid(string Grid, string? Name, string[] Shifts);

    public static async Task<Ok<List<LiveWorker>>> Live(NpgsqlDataSource db, ClaimsPrincipal user, TimeProvider clock, IOptions<CasesOptions> cases,
        bool? onShift, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var local = now.ToOffset(TimeSpan.FromHours(cases.Value.UtcOffsetHours));
        await using var cmd = db.CreateCommand(SqlFiles.Get("Patrols/Sql/live.sql"));
        cmd.Parameters.AddWithValue("scope", PatrolOrganisation.Districts(user));
        cmd.Parameters.AddWithValue("on_shift", onShift ?? false);
        cmd.Parameters.AddWithValue("today", DateOnly.FromDateTime(local.DateTime));
        cmd.Parameters.AddWithValue("now_time", TimeOnly.FromDateTime(local.DateTime));
        var result = new List<LiveWorker>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var t = r.GetFieldValue<DateTimeOffset>(3);
            result.Add(new LiveWorker(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), t, r.GetDouble(4), r.GetDouble(5),
                r.IsDBNull(6) ? null : r.GetString(6), Math.Round((now - t).TotalSeconds)));
        }
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<List<GridCoverage>>, FileContentHttpResult, ProblemHttpResult>> Coverage(NpgsqlDataSource db, ClaimsPrincipal user,
        PatrolCellsCache cells, PatrolRoadsCache roads, string? date, string? grid, string? team, string? shift, string? format, CancellationToken ct)
    {
        if (ParseDay(date) is not { } day) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{PatrolOrganisation.Clip(date)}'");
        if (grid is not null && (grid.Length > 15 || !grid.All(char.IsAsciiDigit)))
            return Problems.BadRequest("bad-request", "grid must be a grid code or its prefix (digits, at most 15)");
        if (format is not (null or "json" or "csv")) return Problems.BadRequest("bad-request", "format must be json or csv");
        if (await PatrolFilters.UnknownAsync(db, user, team, shift, ct) is { } unknown) return unknown;
        await using var cmd = db.CreateCommand(SqlFiles.Get("Patrols/Sql/coverage.sql"));
        cmd.Parameters.AddWithValue("day", day);
        cmd.Parameters.AddWithValue("grid", (object?)grid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("team", (object?)team ?? DBNull.Value);
        cmd.Parameters.AddWithValue("shift", (object?)shift ?? DBNull.Value);
        cmd.Parameters.AddWithValue("scope", PatrolOrganisation.Districts(user));
        var samples = await roads.GetAsync(cells.Current.Cells, ct);
        var rows = new List<GridCoverage>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var code = r.GetString(0);
                var onRoads = samples.PerCell.GetValueOrDefault(code);
                // Stretches stored before the roads changed may outnumber today's: the share stops at 1.
                double? share = onRoads == 0 || team is not null ? null : Math.Round(Math.Min(1, (double)r.GetInt32(7) / onRoads), 3);
                rows.Add(new GridCoverage(code, r.IsDBNull(1) ? null : r.GetString(1), Math.Round(r.GetDouble(2) / 60, 1),
                    Math.Round(r.GetDouble(3), 1), r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
                    Math.Round(onRoads * samples.Spacing), share));
            }
        if (format != "csv") return TypedResults.Ok(rows);
        var csv = new StringBuilder().Row(["grid", "name", "minutes", "metres", "workers", "first_visit", "last_visit", "road_metres", "road_share"]);
        foreach (var c in rows)
            csv.Row([c.Grid, c.Name, c.Minutes, c.Metres, c.Workers, c.FirstVisit.ToString("O"), c.LastVisit.ToString("O"), c.RoadMetres, c.RoadShare]);
        return CsvFile.Result(csv, $"coverage-{day:yyyy-MM-dd}.csv");
    }

    public static async Task<Results<Ok<List<UnvisitedGrid>>, ProblemHttpResult>> Unvisited(NpgsqlDataSource db, ClaimsPrincipal user,
        PatrolCellsCache cells, string? date, string? shift, CancellationToken ct)
    {
        if (ParseDay(date) is not { } day) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{PatrolOrganisation.Clip(date)}'");
        if (await PatrolFilters.UnknownAsync(db, user, null, shift, ct) is { } unknown) return unknown;
        await using var cmd = db.CreateCommand(SqlFiles.Get("Patrols/Sql/unvisited.sql"));
        cmd.Parameters.AddWithValue("day", day);
        cmd.Parameters.AddWithValue("shift", (object?)shift ?? DBNull.Value);
        cmd.Parameters.AddWithValue("scope", PatrolOrganisation.Districts(user));
        // Without shifts on the day, every cell of the caller's districts is expected to be visited.
        cmd.Parameters.AddWithValue("cells", cells.Current.Codes.ToArray());
        var result = new List<UnvisitedGrid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new UnvisitedGrid(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<string[]>(2)));
        return TypedResults.Ok(result);
    }

    internal static DateOnly? ParseDay(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
