using Coravel.Invocable;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// Drops the daily partitions of raw fixes older than <c>Patrols:RetentionDays</c> (derived visits and roll-ups stay).
/// Once across instances: the job holds a transaction-scoped advisory lock while it runs.
/// </summary>
public sealed class GpsRetention(NpgsqlDataSource dataSource, GpsPartitions partitions, IOptions<PatrolsOptions> options, TimeProvider clock,
    ILogger<GpsRetention> log) : IInvocable
{
    private const long LockKey = 0x5347_4750_5254; // "SGGPRT"

    public async Task Invoke()
    {
        var days = options.Value.RetentionDays;
        if (days == 0) return;
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@k)", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("k", LockKey);
            if (await lockCmd.ExecuteScalarAsync() is not true) return;
        }
        var keepFrom = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-days);
        var dropped = await partitions.DropBeforeAsync(dataSource, keepFrom, CancellationToken.None);
        if (dropped.Count > 0) log.LogInformation("Dropped {Count} day(s) of raw GPS fixes older than {Days} days: {Names}", dropped.Count, days, string.Join(", ", dropped));
        await tx.CommitAsync();
    }
}
