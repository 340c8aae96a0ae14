using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using SpatialGrid.Api.ServiceDefaults;

namespace SpatialGrid.Api.Cases;

/// <summary>
/// A live event of the centre: a case created, transitioned or crossing a colour (yellow or red); or a patrol worker
/// outside their shift's grids (<c>patrol-outside-shift</c>, with <see cref="Worker"/> and <see cref="Shift"/>; no number).
/// </summary>
public sealed record CaseNotification(string Kind, string Number, string DistrictCode, string? GridCode, string State, string Colour, DateTimeOffset At,
    string? Action = null, string? Worker = null, string? Shift = null);

/// <summary>
/// Fans case events out to every API instance: a change is sent with pg_notify once it has committed (the sweep
/// sends inside its own transaction), so nothing is announced that did not happen; each instance LISTENs and hands the events to its own
/// subscribers (the SSE streams of <c>/api/events</c>).
/// </summary>
public sealed class CaseNotifier(NpgsqlDataSource dataSource, ILogger<CaseNotifier> log) : BackgroundService
{
    public const string Channel = "spatialgrid_cases";
    private readonly Lock _gate = new();
    private readonly List<Channel<CaseNotification>> _subscribers = [];

    public static Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CaseNotification n, CancellationToken ct) =>
        SendManyAsync(connection, transaction, [n], ct);

    /// <summary>Several notifications in one statement (delivered at commit, in order).</summary>
    public static async Task SendManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<CaseNotification> notifications, CancellationToken ct)
    {
        var payloads = notifications.Select(n => JsonSerializer.Serialize(n)).ToArray();
        if (payloads.Length == 0) return;
        await using var cmd = new NpgsqlCommand("SELECT count(pg_notify(@channel, p)) FROM unnest(@payloads::text[]) WITH ORDINALITY AS u(p, n)", connection, transaction);
        cmd.Parameters.AddWithValue("channel", Channel);
        cmd.Parameters.AddWithValue("payloads", payloads);
        await cmd.ExecuteScalarAsync(ct);
    }

    public async Task SendAsync(CaseNotification n, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await SendAsync(conn, null, n, ct);
    }

    /// <summary>
    /// Every event as it is heard, on the listener's thread and before the subscribers (which may drop the oldest):
    /// for what must never miss one, such as ending the evaluation's snapshots. Handlers must be quick.
    /// </summary>
    public event Action<CaseNotification>? Notified;

    /// <summary>A subscription; dispose of it to stop. A slow reader loses the oldest events rather than holding the server's memory.</summary>
    public Subscription Subscribe()
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<CaseNotification>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate) _subscribers.Add(channel);
        return new Subscription(channel.Reader, () => { lock (_gate) _subscribers.Remove(channel); });
    }

    public sealed class Subscription(ChannelReader<CaseNotification> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<CaseNotification> Reader { get; } = reader;
        public void Dispose() => unsubscribe();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PostgresListener.RunAsync(dataSource, Channel, payload =>
        {
            var n = JsonSerializer.Deserialize<CaseNotification>(payload);
            if (n is null) return;
            Notified?.Invoke(n);
            lock (_gate)
            {
                foreach (var s in _subscribers) s.Writer.TryWrite(n);
            }
        }, null, log, stoppingToken);
}
