using System.Collections.Concurrent;

namespace SpatialGrid.Api.Ingestion;

/// <summary>What this instance saw of each gateway: connection, messages, and what it refused, by reason.</summary>
public sealed class GatewayStats(TimeProvider clock, ServiceDefaults.Telemetry telemetry)
{
    private readonly ConcurrentDictionary<string, Counters> _gateways = new(StringComparer.Ordinal);

    public sealed class Counters
    {
        public long Messages;
        public long Stored;
        public long Duplicates;
        public int Connections;
        public long LastSeenTicks;
        public readonly ConcurrentDictionary<string, long> Rejects = new(StringComparer.Ordinal);

        public DateTimeOffset? LastSeen => LastSeenTicks == 0 ? null : new DateTimeOffset(Interlocked.Read(ref LastSeenTicks), TimeSpan.Zero);
    }

    public Counters For(string gatewayId) => _gateways.GetOrAdd(gatewayId, _ => new Counters());

    public Counters? Find(string gatewayId) => _gateways.GetValueOrDefault(gatewayId);

    public void Seen(string gatewayId)
    {
        var c = For(gatewayId);
        Interlocked.Increment(ref c.Messages);
        Interlocked.Exchange(ref c.LastSeenTicks, clock.GetUtcNow().UtcTicks);
    }

    public void Rejected(string gatewayId, string reason)
    {
        For(gatewayId).Rejects.AddOrUpdate(reason, 1, (_, n) => n + 1);
        telemetry.Refused(reason);
    }

    public void Connected(string gatewayId, bool connected)
    {
        var c = For(gatewayId);
        if (connected) Interlocked.Increment(ref c.Connections);
        else Interlocked.Decrement(ref c.Connections);
        Interlocked.Exchange(ref c.LastSeenTicks, clock.GetUtcNow().UtcTicks);
    }
}
