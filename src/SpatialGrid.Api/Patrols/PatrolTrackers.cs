using System.Text.Json;
using Npgsql;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// The incremental state of each worker's walk (<c>patrol_trackers</c>): the whole <see cref="VisitState"/> (the last
/// clean point with a teleport suspect, the open visit, an undecided excursion) as JSON, read under a row lock so that
/// two instances never walk one worker at once.
/// </summary>
public static class PatrolTrackers
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Dictionary<string, VisitState>> LockAsync(NpgsqlConnection conn, string[] workers, CancellationToken ct)
    {
        var result = new Dictionary<string, VisitState>(StringComparer.Ordinal);
        if (workers.Length == 0) return result;
        // Sorted, so two writers locking overlapping sets take the locks in the same order (no deadlock).
        Array.Sort(workers, StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT worker_id, state FROM patrol_trackers WHERE worker_id = ANY(@w) ORDER BY worker_id FOR UPDATE", conn);
        cmd.Parameters.AddWithValue("w", workers);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (JsonSerializer.Deserialize<VisitState>(r.GetString(1), Json) is { } state) result[r.GetString(0)] = state;
        return result;
    }
}
