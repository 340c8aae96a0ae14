using System.Collections.Concurrent;
using Npgsql;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// The daily partitions of <c>gps_points</c> (UTC days, <c>gps_points_pYYYYMMDD</c>): created when a fix first needs
/// one, dropped whole when older than the retention. A dropped partition is a file unlinked, not millions of rows
/// deleted under a lock (what fleet trackers do with one DELETE).
/// </summary>
public sealed class GpsPartitions
{
    private readonly ConcurrentDictionary<DateOnly, bool> _known = new();

    public static string NameOf(DateOnly day) => $"gps_points_p{day:yyyyMMdd}";

    /// <summary>
    /// Creates the partitions of the days given that this instance has not seen yet, each in a short transaction of its
    /// own before the write's (an empty partition left by a write that then rolls back is harmless). Inside the write's
    /// transaction a second writer would wait for the whole first write to commit before it could create or use the day.
    /// </summary>
    public async Task EnsureAsync(NpgsqlDataSource dataSource, IEnumerable<DateOnly> days, CancellationToken ct)
    {
        foreach (var day in days.Distinct())
        {
            if (_known.ContainsKey(day)) continue;
            var from = day.ToString("yyyy-MM-dd");
            var to = day.AddDays(1).ToString("yyyy-MM-dd");
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // Two writers creating one partition at once: the second would fail on the catalogue's unique index (IF NOT
            // EXISTS does not guard a concurrent CREATE), so they take turns, and the second finds it made.
            await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('gps_points partitions'))", conn, tx))
                await turn.ExecuteNonQueryAsync(ct);
            // The name and bounds are made from a DateOnly: no text of a caller reaches this statement.
            await using (var cmd = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {NameOf(day)} PARTITION OF gps_points FOR VALUES FROM ('{from} 00:00+00') TO ('{to} 00:00+00')", conn, tx))
                await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            _known[day] = true;
        }
    }

    /// <summary>Drops the partitions whose whole day lies before <paramref name="keepFrom"/>; returns their names.</summary>
    public async Task<List<string>> DropBeforeAsync(NpgsqlDataSource dataSource, DateOnly keepFrom, CancellationToken ct)
    {
        var dropped = new List<string>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'gps_points'::regclass", conn))
        await using (var r = await list.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) names.Add(r.GetString(0));
        foreach (var name in names)
        {
            if (!DateOnly.TryParseExact(name.Replace("gps_points_p", ""), "yyyyMMdd", out var day) || day >= keepFrom) continue;
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {name}", conn);
            await drop.ExecuteNonQueryAsync(ct);
            _known.TryRemove(day, out _);
            dropped.Add(name);
        }
        return dropped;
    }
}
