using System.Text.Json;
using Npgsql;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// The incremental state of each worker's walk (<c>patrol_trackers</c>): the whole <see cref="VisitState"/> (the last
/// clean point with a teleport suspect, the open visit, an undecided excursion) as JSON, and the time of the newest fix
/// stored for the worker, read under a lock per worker so that two writers never walk one worker at once.
/// </summary>
public static class PatrolTrackers
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The locked trackers: each worker's walk state, and the newest stored fix where it is known.</summary>
    public sealed record Locked(Dictionary<string, VisitState> States, Dictionary<string, DateTimeOffset> StoredUntil);

    public static async Task<Locked> LockAsync(NpgsqlConnection conn, string[] workers, CancellationToken ct)
    {
        var result = new Locked(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        if (workers.Length == 0) return result;
        // A transaction-scoped advisory lock per worker (key space 19: patrols), taken in key order so that two writers
        // locking overlapping sets never deadlock. Unlike a row lock it also holds a worker without a tracker yet: two
        // writers of a new worker's first fixes take turns instead of both walking from nothing.
        await using var batch = new NpgsqlBatch(conn);
        var locks = new NpgsqlBatchCommand(
            "SELECT count(pg_advisory_xact_lock(19, k)) FROM (SELECT DISTINCT hashtext(w) AS k FROM unnest(@w::text[]) AS w ORDER BY 1) AS s");
        locks.Parameters.AddWithValue("w", workers);
        var read = new NpgsqlBatchCommand("SELECT worker_id, state, stored_until FROM patrol_trackers WHERE worker_id = ANY(@w)");
        read.Parameters.AddWithValue("w", workers);
        batch.BatchCommands.Add(locks);
        batch.BatchCommands.Add(read);
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var worker = r.GetString(0);
            if (JsonSerializer.Deserialize<VisitState>(r.GetString(1), Json) is { } state) result.States[worker] = state;
            if (!r.IsDBNull(2)) result.StoredUntil[worker] = r.GetFieldValue<DateTimeOffset>(2);
        }
        return result;
    }
}
