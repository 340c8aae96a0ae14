using System.Diagnostics;
using System.Diagnostics.Metrics;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Ingestion;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// The service's own metrics, all in the meter <c>SpatialGrid</c>, exported at <c>/metrics</c> for Prometheus (names
/// there: dots become underscores, counters end in <c>_total</c>, seconds in <c>_seconds</c>). The README's
/// Operations section lists them; deploy/observability/grafana-dashboard.json charts them.
/// </summary>
public sealed class Telemetry
{
    public const string Name = "SpatialGrid";

    /// <summary>The service's own traces: one activity per MQTT message processed (HTTP requests have ASP.NET Core's).</summary>
    public static readonly ActivitySource Activities = new(Name);

    // From a millisecond to a minute: a batch commits in milliseconds; a database outage holds messages for seconds.
    private static readonly double[] Seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _received;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _absorbed;
    private readonly Histogram<double> _lag;
    private readonly Histogram<double> _step;
    private readonly Counter<long> _tileHits;
    private readonly Counter<long> _tileMisses;

    public Telemetry(IMeterFactory meters, OpenCaseColours colours)
    {
        var meter = meters.Create(Name);
        _received = meter.CreateCounter<long>("spatialgrid.alerts.received", "{alert}", "Messages received on gateways' alert topics, before their payload is checked (refusals by topic or rate are counted in refused only)");
        _stored = meter.CreateCounter<long>("spatialgrid.alerts.stored", "{alert}", "Alerts committed to the database (new, not repeats)");
        _refused = meter.CreateCounter<long>("spatialgrid.alerts.refused", "{message}",
            "Gateway messages refused, by reason (as the gateway health counts them: kept in dead_letters or answered with a refusal code)");
        _absorbed = meter.CreateCounter<long>("spatialgrid.alerts.absorbed", "{alert}", "Alerts absorbed without a new row, by reason (repeat: a (gateway, msgId) already stored)");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds };
        _lag = meter.CreateHistogram("spatialgrid.ingest.lag", "s", "From a message's receipt to the commit of its batch (stored, repeat or refused)", advice: advice);
        _step = meter.CreateHistogram("spatialgrid.writer.step.duration", "s", "Time the alert writer spends in each step of a batch, by step", advice: advice);
        _tileHits = meter.CreateCounter<long>("spatialgrid.tiles.cache.hits", "{tile}", "Vector tiles served from the tile cache, by layer");
        _tileMisses = meter.CreateCounter<long>("spatialgrid.tiles.cache.misses", "{tile}", "Vector tiles not in the cache (built, or case layers, which are never cached), by layer");
        meter.CreateObservableGauge("spatialgrid.cases.open", () => colours.Read().Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("colour", c.Key))),
            "{case}", "Open cases by colour now (counted at most every 15 s)");
    }

    public void AlertReceived() => _received.Add(1);

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A batch has committed: what became of each message, and how long each waited since it was received.</summary>
    public void Committed(IReadOnlyList<Inbound> batch, InboundResult[] results, DateTimeOffset now)
    {
        long stored = 0, repeats = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] == InboundResult.Stored) stored++;
            else if (results[i] == InboundResult.Duplicate) repeats++;
            _lag.Record((now - batch[i].ReceivedAt).TotalSeconds);
        }
        if (stored > 0) _stored.Add(stored);
        if (repeats > 0) _absorbed.Add(repeats, new KeyValuePair<string, object?>("reason", "repeat"));
    }

    public void WriterStep(string step, TimeSpan elapsed) => _step.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("step", step));

    public void TileLookup(string layer, bool hit) => (hit ? _tileHits : _tileMisses).Add(1, new KeyValuePair<string, object?>("layer", layer));
}
