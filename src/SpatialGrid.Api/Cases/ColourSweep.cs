using Coravel.Invocable;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Cases;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// Each minute: finds the cases that crossed into yellow or red and announces each crossing once. Runs in one
/// instance at a time (a PostgreSQL advisory lock); the colour shown by the API never waits for it, it is
/// computed from the clock.
/// </summary>
public sealed class ColourSweep(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<ColourSweep> log) : IInvocable
{
    public async Task Invoke() => await RunAsync(CancellationToken.None);

    /// <summary>Returns the crossings announced (none when another instance holds the sweep).</summary>
    public async Task<IReadOnlyList<CaseNotification>> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUniversalTime();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext('spatialgrid.cases.colour-sweep'))", conn, tx))
        {
            if (!(bool)(await lockCmd.ExecuteScalarAsync(ct))!) return [];
        }
        var crossings = new List<CaseNotification>();
        await using (var cmd = new NpgsqlCommand(SqlFiles.Get("Cases/Sql/colour_sweep.sql"), conn, tx))
        {
            cmd.Parameters.AddWithValue("now", now);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                crossings.Add(new CaseNotification("colour", r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    CaseNames.Name((CaseState)r.GetInt32(3)), CaseViews.Name((Colour)r.GetInt32(4)), now));
            }
        }
        foreach (var n in crossings) await CaseNotifier.SendAsync(conn, tx, n, ct);
        await tx.CommitAsync(ct);
        if (crossings.Count > 0) log.LogInformation("Colour sweep: {Count} crossing(s)", crossings.Count);
        return crossings;
    }
}
