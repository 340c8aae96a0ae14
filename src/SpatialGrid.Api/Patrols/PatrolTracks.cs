using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;
using Npgsql;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Patrols;

/// <summary>Tracks for display and replay, and one worker's day.</summary>
public static partial class PatrolReports
{
    public const int MaxTrackDays = 7;
    public const int MaxTrackFixes = 200_000;

    public sealed record VisitedGrid(string Grid, string? Name, double Minutes, double Metres, bool InShift);
    public sealed record WorkerDayReport(string Worker, string Day, IReadOnlyList<VisitedGrid> Grids, double Minutes, double MinutesInShiftGrids,
        double Metres, int CasesReported, int CasesVerified);

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Tracks(NpgsqlDataSource db, ClaimsPrincipal user, IOptions<PatrolsOptions> options,
        string? worker, DateTimeOffset? from, DateTimeOffset? to, double? tolerance, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(worker)) return Problems.BadRequest("bad-request", "worker is required");
        if (from is null || to is null) return Problems.BadRequest("bad-request", "from and to are required (RFC 3339, e.g. 2026-11-24T08:00:00+08:00)");
        if (to <= from || to - from > TimeSpan.FromDays(MaxTrackDays))
            return Problems.BadRequest("bad-request", $"to must be after from, and at most {MaxTrackDays} days later");
        if (tolerance is { } tol && (!double.IsFinite(tol) || tol < 0 || tol > 1000))
            return Problems.BadRequest("bad-request", "tolerance must be between 0 and 1000 metres");
        if (await WorkerDistrictAsync(db, user, worker, ct) is not { } district)
            return Problems.NotFound("worker-not-found", $"no worker '{PatrolOrganisation.Clip(worker)}'");

        // With the worker's district as a value the key (district, worker, t) finds the range in each day's partition,
        // already in time order (no sort), and the planner prunes the days outside the range; joined to the worker
        // instead, every partition was planned and its rows sorted (half the request's time at 5,000 fixes).
        await using var cmd = db.CreateCommand("""
            SELECT t, lon, lat FROM gps_points
            WHERE district_code = @d AND worker_id = @w AND t >= @from AND t < @to AND flags = 0 ORDER BY t LIMIT @max
            """);
        cmd.Parameters.AddWithValue("d", district);
        cmd.Parameters.AddWithValue("w", worker);
        cmd.Parameters.AddWithValue("from", from.Value.ToUniversalTime());
        cmd.Parameters.AddWithValue("to", to.Value.ToUniversalTime());
        cmd.Parameters.AddWithValue("max", MaxTrackFixes + 1);
        // The fixes in a pooled buffer, trips as ranges of it: a worker-shift (5,000 fixes, 160 KB) in a growing list was a
        // few large-object allocations per request, paid for in gen-2 collections (the report's tail).
        var pool = ArrayPool<(DateTimeOffset T, double Lon, double Lat)>.Shared;
        var fixes = pool.Rent(1024);
        var n = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                if (n == fixes.Length)
                {
                    var larger = pool.Rent(n * 2);
                    Array.Copy(fixes, larger, n);
                    pool.Return(fixes);
                    fixes = larger;
                }
                fixes[n++] = (r.GetFieldValue<DateTimeOffset>(0), r.GetDouble(1), r.GetDouble(2));
            }
        if (n > MaxTrackFixes)
        {
            pool.Return(fixes);
            return Problems.BadRequest("bad-request", $"more than {MaxTrackFixes:N0} fixes in the range: ask for a shorter one");
        }

        // Trips: a new one after every gap longer than the gap limit (the stretch in between was not walked).
        var gap = TimeSpan.FromMinutes(options.Value.GapLimitMinutes);
        var trips = new List<ArraySegment<(DateTimeOffset T, double Lon, double Lat)>>();
        for (int start = 0, i = 1; i <= n; i++)
            if (i == n || fixes[i].T - fixes[i - 1].T > gap)
            {
                trips.Add(new(fixes, start, i - start));
                start = i;
            }
        return GeoJsonStream.FeatureCollection(trips, (w, trip) => WriteTrip(w, worker, trip, tolerance ?? 0), $"track-{worker}.geojson",
            done: () => pool.Return(fixes));
    }

    private static void WriteTrip(Utf8JsonWriter w, string worker, ArraySegment<(DateTimeOffset T, double Lon, double Lat)> trip, double toleranceM)
    {
        // Simplified for display in degrees at the trip's latitude; each kept vertex keeps its time (M = its index).
        // Without a tolerance every vertex is kept: written straight from the fixes.
        int[] kept;
        if (toleranceM > 0 && trip.Count > 2)
        {
            var coords = trip.Select((f, i) => (Coordinate)new CoordinateM(f.Lon, f.Lat, i)).ToArray();
            kept = DouglasPeuckerLineSimplifier.Simplify(coords, toleranceM / Measure.MetresPerDegree(trip[0].Lat).Lat).Select(c => (int)c.M).ToArray();
        }
        else kept = Enumerable.Range(0, trip.Count).ToArray();
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteStartObject("geometry");
        w.WriteString("type", kept.Length == 1 ? "Point" : "LineString");
        if (kept.Length == 1) WritePosition(w, "coordinates", trip[kept[0]].Lon, trip[kept[0]].Lat);
        else
        {
            w.WriteStartArray("coordinates");
            foreach (var i in kept) WritePosition(w, null, trip[i].Lon, trip[i].Lat);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("worker", worker);
        w.WriteString("from", trip[0].T);
        w.WriteString("to", trip[^1].T);
        w.WriteNumber("fixes", trip.Count);
        w.WriteStartArray("times");
        foreach (var i in kept) w.WriteStringValue(trip[i].T);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePosition(Utf8JsonWriter w, string? name, double lon, double lat)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        w.WriteNumberValue(Math.Round(lon, 7));
        w.WriteNumberValue(Math.Round(lat, 7));
        w.WriteEndArray();
    }

    public static async Task<Results<Ok<WorkerDayReport>, ProblemHttpResult>> WorkerDay(string id, NpgsqlDataSource db, ClaimsPrincipal user,
        IOptions<CasesOptions> options, string? date, CancellationToken ct)
    {
        if (ParseDay(date) is not { } day) return Problems.BadRequest("bad-request", $"date must be a date YYYY-MM-DD, not '{PatrolOrganisation.Clip(date)}'");
        if (await WorkerDistrictAsync(db, user, id, ct) is null) return Problems.NotFound("worker-not-found", $"no worker '{PatrolOrganisation.Clip(id)}'");
        await using var cmd = db.CreateCommand(SqlFiles.Get("Patrols/Sql/worker_day.sql"));
        cmd.Parameters.AddWithValue("w", id);
        cmd.Parameters.AddWithValue("day", day);
        var grids = new List<VisitedGrid>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                grids.Add(new VisitedGrid(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), Math.Round(r.GetDouble(2) / 60, 1), Math.Round(r.GetDouble(3), 1), r.GetBoolean(4)));
        await using var cases = db.CreateCommand(SqlFiles.Get("Patrols/Sql/worker_day_cases.sql"));
        cases.Parameters.AddWithValue("w", id);
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(options.Value.UtcOffsetHours));
        cases.Parameters.AddWithValue("from", start.ToUniversalTime());
        cases.Parameters.AddWithValue("to", start.AddDays(1).ToUniversalTime());
        var (reported, verified) = (0, 0);
        await using (var r = await cases.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (reported, verified) = (r.GetInt32(0), r.GetInt32(1));
        return TypedResults.Ok(new WorkerDayReport(id, day.ToString("yyyy-MM-dd"), grids, Math.Round(grids.Sum(g => g.Minutes), 1),
            Math.Round(grids.Where(g => g.InShift).Sum(g => g.Minutes), 1), Math.Round(grids.Sum(g => g.Metres), 1), reported, verified));
    }

    /// <summary>The worker's district when the worker exists within the caller's districts; null otherwise (a 404 either way).</summary>
    private static async Task<string?> WorkerDistrictAsync(NpgsqlDataSource db, ClaimsPrincipal user, string worker, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT district_code FROM patrol_workers WHERE id = @w" + PatrolOrganisation.InScopeSql);
        cmd.Parameters.AddWithValue("w", worker);
        cmd.Parameters.AddWithValue("scope", PatrolOrganisation.Districts(user));
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
