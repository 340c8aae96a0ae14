using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Hotspots;

/// <summary>
/// A day's forecast for one shift: each grid's share of its cases reported in the shift's hours over the year before,
/// shrunk toward the city's share (a grid with three cases does not get a share of 0 or 1 from them), so that the
/// day's expected cases split into shifts where event times exist.
/// </summary>
public static class ShiftShares
{
    /// <summary>Cases' worth of weight the city's share has against a grid's own.</summary>
    public const double Prior = 10;

    public static async Task<(Dictionary<string, double>? PerGrid, double CityShare, ProblemHttpResult? Problem)> ForAsync(NpgsqlDataSource db, ClaimsPrincipal user,
        string? shift, DateOnly day, TimeSpan offset, CancellationToken ct)
    {
        if (shift is null) return (null, 1, null);
        if (shift.Length > 64) return (null, 1, Problems.BadRequest("bad-request", "shift must be a shift code of at most 64 characters"));
        TimeOnly starts, ends;
        await using (var find = db.CreateCommand("SELECT starts, ends, district_code FROM patrol_shifts WHERE code = @code"))
        {
            find.Parameters.AddWithValue("code", shift);
            await using var r = await find.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct) || !CallerScope.Of(user).ReachesDistrict(r.GetString(2)))
                return (null, 1, Problems.NotFound("not-found", $"there is no shift '{HotspotsApi.Clip(shift)}' in your districts (GET /api/patrols/shifts lists them)"));
            starts = r.GetFieldValue<TimeOnly>(0);
            ends = r.GetFieldValue<TimeOnly>(1);
        }
        var hours = (ends - starts).TotalHours;
        if (hours <= 0) hours += 24;
        await using var cmd = db.CreateCommand("""
            SELECT grid_code, count(*)::double precision,
                   count(*) FILTER (WHERE CASE WHEN @starts < @ends THEN lt >= @starts AND lt < @ends ELSE lt >= @starts OR lt < @ends END)::double precision
            FROM (SELECT grid_code, (reported_at AT TIME ZONE 'UTC' + @offset)::time AS lt FROM cases
                  WHERE grid_code IS NOT NULL AND state <> 8 AND reported_at >= @from AND reported_at < @to) c
            GROUP BY grid_code
            """);
        cmd.Parameters.AddWithValue("starts", starts);
        cmd.Parameters.AddWithValue("ends", ends);
        cmd.Parameters.AddWithValue("offset", offset);
        cmd.Parameters.AddWithValue("from", HotspotSource.Utc(day.AddDays(-365), offset));
        cmd.Parameters.AddWithValue("to", HotspotSource.Utc(day, offset));
        var counts = new List<(string Grid, double All, double Inside)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) counts.Add((r.GetString(0), r.GetDouble(1), r.GetDouble(2)));
        var all = counts.Sum(c => c.All);
        // Without cases to tell, a shift's share is its share of the day's hours.
        var city = all > 0 ? counts.Sum(c => c.Inside) / all : hours / 24;
        return (counts.ToDictionary(c => c.Grid, c => (c.Inside + Prior * city) / (c.All + Prior)), city, null);
    }
}
