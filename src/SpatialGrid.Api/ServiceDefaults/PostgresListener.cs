using Npgsql;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// LISTENs on a PostgreSQL channel for as long as the service runs, reconnecting after a lost connection; the
/// way every instance learns what another one changed (grid versions, case events).
/// </summary>
public static class PostgresListener
{
    /// <param name="onConnected">Run after each (re)connection, to catch up on what was missed while not listening.</param>
    public static async Task RunAsync(NpgsqlDataSource dataSource, string channel, Action<string> onPayload, Func<CancellationToken, Task>? onConnected,
        ILogger log, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => onPayload(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", conn)) await listen.ExecuteNonQueryAsync(stoppingToken);
                try
                {
                    if (onConnected is not null) await onConnected(stoppingToken);
                    while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
                }
                finally
                {
                    // Pooled connections are not reset (NoResetOnClose): leave nothing listening behind.
                    if (conn.State == System.Data.ConnectionState.Open)
                    {
                        try
                        {
                            await using var unlisten = new NpgsqlCommand("UNLISTEN *", conn);
                            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                        }
                        catch (Exception)
                        {
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Lost the listener on {Channel}; retrying in 5 s", channel);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { });
            }
        }
    }
}
