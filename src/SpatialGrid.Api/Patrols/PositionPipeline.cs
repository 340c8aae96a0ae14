using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Ingestion;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Api.Patrols;

/// <summary>
/// From a received batch of fixes to committed rows, as alerts go: <see cref="Prepare"/> parses and checks it on the
/// receiving thread; a writer loop takes whatever batches have queued up and writes them in one transaction, and
/// only then completes each (which releases its MQTT acknowledgement or its HTTP answer). While PostgreSQL is away
/// the loop waits and retries: nothing is acknowledged that is not stored. <see cref="PatrolsOptions.Writers"/> loops
/// run at once, each with its own queue; a sender's batches always go to the same queue, so they are written in the
/// order received, and two loops writing one worker take turns on its tracker's lock.
/// </summary>
public sealed class PositionPipeline(PositionWriter writer, AlertPipeline alerts, GatewayStats stats, IOptions<PatrolsOptions> options,
    IOptions<IngestionOptions> ingestion, IOptions<Grids.GridsOptions> grids, TimeProvider clock, ILogger<PositionPipeline> log) : BackgroundService
{
    private readonly Channel<PositionBatch>[] _queues = Enumerable.Range(0, options.Value.Writers)
        .Select(_ => Channel.CreateBounded<PositionBatch>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity / options.Value.Writers))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }))
        .ToArray();

    /// <summary>Writes, fixes stored, and whether the database is away (for GET /api/ingestion and health).</summary>
    public long Writes;
    public long Stored;
    private readonly StoreRetry[] _retries = Enumerable.Range(0, options.Value.Writers).Select(_ => new StoreRetry("Position ingestion", log)).ToArray();
    public bool Paused => _retries.Any(r => r.Paused);
    public int Queued => _queues.Sum(q => q.Reader.Count);

    public GpsLimits Limits()
    {
        var area = grids.Value.Limits().ServiceArea;
        var i = ingestion.Value;
        return new GpsLimits(options.Value.MaxFixesPerBatch, TimeSpan.FromMinutes(i.MaxClockSkewMinutes), TimeSpan.FromDays(i.MaxAgeDays),
            area.MinX, area.MinY, area.MaxX, area.MaxY);
    }

    /// <summary>Parses and checks a batch; a batch refused whole is still queued, so its dead letter is committed before the answer.</summary>
    public PositionBatch Prepare(string? gatewayId, string sender, string topic, byte[] payload, int size, string[] districts)
    {
        var now = clock.GetUtcNow();
        GpsBatchParser.Result parsed;
        if (size > ingestion.Value.MaxPayloadBytes && gatewayId is not null)
        {
            parsed = new([], [], RejectReasons.TooLarge,
                $"the payload has {size:N0} bytes; at most {ingestion.Value.MaxPayloadBytes:N0} (its first {payload.Length:N0} bytes are kept)", null);
        }
        else
        {
            try
            {
                parsed = GpsBatchParser.Parse(payload, now, Limits());
            }
            catch (Exception e)
            {
                // A fault of the parser is not the sender's connection's: the batch is refused and kept, the sender stays connected.
                log.LogError(e, "A position batch from {Sender} could not be parsed", sender);
                parsed = new([], [], RejectReasons.MalformedJson, $"the payload cannot be read ({e.GetType().Name}: {e.Message})", null);
            }
        }
        return new PositionBatch
        {
            GatewayId = gatewayId, Sender = sender, Topic = topic, Payload = payload, Size = size, ReceivedAt = now,
            Districts = districts, Parsed = parsed,
        };
    }

    // Each sender's queue, given in turn as senders first appear: the writers get equal numbers of senders. By a hash of
    // the name (randomised per process), 20 gateways were split 10/10 in fewer than one start in five, and 12/8 or worse
    // as often as not: one writer's chain of work then carried most of the fixes while the other's waited.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _queueOf = new(StringComparer.Ordinal);
    private int _senders = -1;

    /// <summary>Queues a prepared batch; waits while the queue is full (the sender is slowed, nothing is dropped).</summary>
    public ValueTask SubmitAsync(PositionBatch batch, CancellationToken ct) =>
        _queues[_queueOf.GetOrAdd(batch.Sender, _ => (int)((uint)Interlocked.Increment(ref _senders) % (uint)_queues.Length))].Writer.WriteAsync(batch, ct);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select((q, i) => Task.Run(() => WriteLoopAsync(q.Reader, _retries[i], stoppingToken), stoppingToken)));

    private async Task WriteLoopAsync(ChannelReader<PositionBatch> queue, StoreRetry retry, CancellationToken stoppingToken)
    {
        var max = options.Value.MaxBatches;
        var batch = new List<PositionBatch>(max);
        while (await queue.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            var fixes = 0;
            // Up to MaxBatches batches, and no more fixes than one COPY should carry.
            while (batch.Count < max && fixes < 100_000 && queue.TryRead(out var b)) { batch.Add(b); fixes += b.Parsed.Fixes.Count; }
            var stored = await retry.UntilStoredAsync(async () =>
            {
                var (outcomes, notices) = await WriteAsync(batch, stoppingToken);
                Interlocked.Increment(ref Writes);
                for (var i = 0; i < batch.Count; i++) Complete(batch[i], outcomes[i]);
                await AnnounceAsync(batch, outcomes, notices, stoppingToken);
            }, fixes, stoppingToken);
            if (!stored)
            {
                foreach (var m in batch) m.Done.TrySetCanceled(stoppingToken);
                return;
            }
        }
    }

    /// <summary>
    /// Writes the batches together; when that fails for a reason that waiting cannot mend (not a lost connection),
    /// writes them one by one, and refuses one that still fails as unstorable (its dead letter written apart), so
    /// that one bad batch never holds up the ones behind it.
    /// </summary>
    private async Task<(PositionOutcome[], IReadOnlyList<CaseNotification>)> WriteAsync(List<PositionBatch> batch, CancellationToken ct)
    {
        try
        {
            return await writer.WriteAsync(batch, ct);
        }
        catch (Exception e) when (!AlertPipeline.IsTransient(e) && e is not OperationCanceledException)
        {
            log.LogError(e, "{Count} position batch(es) could not be written; writing them one by one", batch.Count);
            var outcomes = new PositionOutcome[batch.Count];
            var notices = new List<CaseNotification>();
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    var (one, raised) = await writer.WriteAsync([batch[i]], ct);
                    outcomes[i] = one[0];
                    notices.AddRange(raised);
                }
                catch (Exception single) when (!AlertPipeline.IsTransient(single) && single is not OperationCanceledException)
                {
                    outcomes[i] = new PositionOutcome(0, 0, 0, [], RejectReasons.Unstorable, $"the service could not store it: {single.GetType().Name}: {single.Message}");
                    await writer.DeadLetterAsync(batch[i], outcomes[i], ct);
                }
            }
            return (outcomes, notices);
        }
    }

    private void Complete(PositionBatch b, PositionOutcome outcome)
    {
        Interlocked.Add(ref Stored, outcome.Stored);
        if (b.GatewayId is { } gw)
        {
            var counters = stats.For(gw);
            if (outcome.RefusedWhole || outcome.Refused.Count > 0) stats.Rejected(gw, PositionDeadLetters.Reason(outcome));
            else if (outcome.Stored > 0) Interlocked.Increment(ref counters.Stored);
            else Interlocked.Increment(ref counters.Duplicates);
        }
        b.Done.TrySetResult(outcome);
    }

    private async Task AnnounceAsync(List<PositionBatch> batch, PositionOutcome[] outcomes, IReadOnlyList<CaseNotification> notices, CancellationToken ct)
    {
        if (alerts.Outbox is not { } outbox) return;
        try
        {
            // Beside the case topics: sg/v1/patrols/{district}/outside-shift for the centre's own subscribers.
            foreach (var n in notices)
                await outbox.PublishAsync($"sg/v1/patrols/{n.DistrictCode}/outside-shift", JsonSerializer.SerializeToUtf8Bytes(new
                {
                    worker = n.Worker, shift = n.Shift, district = n.DistrictCode, grid = n.GridCode, at = n.At, detail = n.Action,
                }), ct);
            for (var i = 0; i < batch.Count; i++)
            {
                var o = outcomes[i];
                if (batch[i].GatewayId is not { } gw || !(o.RefusedWhole || o.Refused.Count > 0)) continue;
                var payload = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    msgId = batch[i].Parsed.MsgId, reason = PositionDeadLetters.Reason(o), detail = PositionDeadLetters.Detail(o),
                    at = clock.GetUtcNow(), stored = o.Stored,
                    fixes = o.Refused.Take(1000).Select(p => new { index = p.Index, worker = p.Worker, reason = p.Reason, detail = p.Detail }),
                });
                await outbox.PublishAsync($"sg/v1/gw/{gw}/rejects", payload, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not publish position rejects");
        }
    }
}
