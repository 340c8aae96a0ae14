using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Supervision;

namespace SpatialGrid.Api.Cases;

/// <summary>Reads who may get a confirm or check task in a grid now (roster and live positions), for <see cref="SupervisionTasks.Choose"/>.</summary>
public static class TaskRouting
{
    /// <summary>A fix older than this says nothing about where the supervisor is now.</summary>
    public const int FreshMinutes = 30;

    public static async Task<List<Candidate>> OnShiftAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string district, string? grid, double lon, double lat,
        DateTimeOffset now, TimeSpan utcOffset, CancellationToken ct)
    {
        // A case outside every grid has no grid supervisor: its tasks wait for the acceptor.
        if (grid is null) return [];
        var local = now.ToOffset(utcOffset);
        await using var cmd = new NpgsqlCommand(SqlFiles.Get("Cases/Sql/task_candidates.sql"), conn, tx);
        cmd.Parameters.AddWithValue("district", district);
        cmd.Parameters.AddWithValue("grid", grid);
        cmd.Parameters.AddWithValue("lon", lon);
        cmd.Parameters.AddWithValue("lat", lat);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("fresh_minutes", FreshMinutes);
        cmd.Parameters.AddWithValue("today", DateOnly.FromDateTime(local.DateTime));
        cmd.Parameters.AddWithValue("now_time", TimeOnly.FromDateTime(local.DateTime));
        var result = new List<Candidate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new Candidate(r.GetString(0), r.IsDBNull(1) ? null : r.GetDouble(1)));
        return result;
    }
}
