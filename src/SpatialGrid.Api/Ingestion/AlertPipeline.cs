using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Npgsql;
using SpatialGrid.Api.Grids;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>Where the pipeline sends what it has to say back to devices (the broker in use).</summary>
public interface IMessageOutbox
{
    Task PublishAsync(string topic, byte[] payload, CancellationToken ct);
}

/// <summary>
/// From a received message to a committed row: <see cref="Prepare"/> checks it against what is in memory (schema,
/// registry, grid index, alert types) on the receiving connection's own thread; the writer loop takes whatever
/// has queued up, writes it in one transaction and only then completes each message, which releases its
/// acknowledgement. When PostgreSQL is away the loop waits and retries: nothing is acknowledged that is not stored.
/// </summary>
public sealed class AlertPipeline(AlertWriter writer, DeviceRegistry registry, DeviceTypeTable types, GridRegistry grids, GatewayStats stats,
    IOptions<IngestionOptions> options, TimeProvider clock, ILogger<AlertPipeline> log, ServiceDefaults.Telemetry telemetry) : BackgroundService
{
    private readonly Channel<Inbound> _queue = Channel.CreateBounded<Inbound>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public IMessageOutbox? Outbox { get; set; }

    /// <summary>Batches written, messages in them, and the writer's busy time (for GET /api/ingestion).</summary>
    public long Batches;
    public long Written;
    public long WriteTicks;
    public int LargestBatch;

    private readonly StoreRetry _retry = new("Alert ingestion", log);

    /// <summary>True while the database is unreachable and ingestion waits.</summary>
    public bool Paused => _retry.Paused;

    public int Queued => _queue.Reader.Count;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await types.LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Checks a message against everything held in memory; a refusal carries its reason.</summary>
    public Inbound Prepare(string gatewayId, string topic, byte[] payload, int size)
    {
        telemetry.AlertReceived();
        var o = options.Value;
        var now = clock.GetUtcNow();
        Inbound Reject(string? msgId, string reason, string detail) => new()
        {
            GatewayId = gatewayId, Topic = topic, Payload = payload, Size = size, ReceivedAt = now, MsgId = msgId, Reason = reason, Detail = detail,
        };
        if (size > o.MaxPayloadBytes)
            return Reject(AlertParser.TryReadMsgId(payload), RejectReasons.TooLarge, $"the payload has {size:N0} bytes; at most {o.MaxPayloadBytes:N0} (it is kept whole as a dead letter)");
        AlertParser.Result parsed;
        try
        {
            parsed = AlertParser.Parse(payload, now, TimeSpan.FromMinutes(o.MaxClockSkewMinutes), TimeSpan.FromDays(o.MaxAgeDays));
        }
        catch (Exception e)
        {
            // A fault of the parser, not of the gateway's connection: the message is refused and kept, the gateway stays connected.
            log.LogError(e, "An alert from gateway {Gateway} could not be parsed", gatewayId);
            return Reject(null, RejectReasons.MalformedJson, $"the payload cannot be read ({e.GetType().Name}: {e.Message})");
        }
        if (!parsed.Ok) return Reject(parsed.MsgId, parsed.Reason!, parsed.Detail!);
        var a = parsed.Alert!;
        var device = registry.Device(a.DeviceId);
        if (device is null) return Reject(a.MsgId, RejectReasons.UnknownDevice, $"device '{a.DeviceId}' is not registered (POST /api/gateways/{gatewayId}/devices)");
        if (device.GatewayId != gatewayId)
            return Reject(a.MsgId, RejectReasons.WrongGateway, $"device '{a.DeviceId}' is registered under another gateway, not '{gatewayId}'");
        var (lon, lat) = (a.Lon ?? device.Lon, a.Lat ?? device.Lat);
        if (lon is not { } x || lat is not { } y)
            return Reject(a.MsgId, RejectReasons.NoLocation, $"the alert has no lon/lat and device '{a.DeviceId}' has no fixed location or component");
        var index = grids.Current.Index;
        var grid = index.Locate(x, y);
        if (grid is null)
        {
            return index.Locate(y, x) is not null
                ? Reject(a.MsgId, RejectReasons.SwappedCoordinates, $"({x}, {y}) lies in no grid but ({y}, {x}) does: lon and lat are swapped")
                : Reject(a.MsgId, RejectReasons.OutsideArea, $"({x:0.######}, {y:0.######}) lies outside every grid of the service area");
        }
        var gateway = registry.Gateway(gatewayId);
        if (gateway is { Districts.Length: > 0 } && Array.IndexOf(gateway.Districts, grid[..6]) < 0)
            return Reject(a.MsgId, RejectReasons.OutOfScope, $"the alert lies in district {grid[..6]}, outside the districts of gateway '{gatewayId}'");
        return new Inbound
        {
            GatewayId = gatewayId, Topic = topic, Payload = payload, Size = size, ReceivedAt = now, MsgId = a.MsgId, Alert = a,
            Lon = x, Lat = y, GridCode = grid, Device = device, Type = types.Find(a.Type),
        };
    }

    /// <summary>
    /// A message refused before it was read (a topic the gateway may not use or that the protocol does not have, a
    /// gateway over its rate cap): kept whole as a dead letter with its msgId, like every other refusal, so that nothing
    /// acknowledged is lost; the acknowledgement carries the reason's code once the dead letter is committed.
    /// </summary>
    public Inbound Refusal(string gatewayId, string topic, byte[] payload, int size, string reason, string detail) => new()
    {
        GatewayId = gatewayId, Topic = topic, Payload = payload, Size = size, ReceivedAt = clock.GetUtcNow(),
        MsgId = AlertParser.TryReadMsgId(payload), Reason = reason, Detail = detail,
    };

    /// <summary>The MQTT 5 reason code that tells a gateway why its message was refused.</summary>
    public static MqttPubAckReasonCode RefusalCode(string reason) => reason switch
    {
        RejectReasons.MalformedJson or RejectReasons.Schema or RejectReasons.TooLarge or RejectReasons.TooManyFixes => MqttPubAckReasonCode.PayloadFormatInvalid,
        RejectReasons.RateLimited => MqttPubAckReasonCode.QuotaExceeded,
        RejectReasons.ForbiddenTopic => MqttPubAckReasonCode.NotAuthorized,
        RejectReasons.UnknownTopic => MqttPubAckReasonCode.TopicNameInvalid,
        _ => MqttPubAckReasonCode.ImplementationSpecificError,
    };

    /// <summary>Queues a prepared message; waits while the queue is full (the publisher is slowed, nothing is dropped).</summary>
    public ValueTask SubmitAsync(Inbound message, CancellationToken ct) => _queue.Writer.WriteAsync(message, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var max = options.Value.MaxBatch;
        var batch = new List<Inbound>(max);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < max && _queue.Reader.TryRead(out var m)) batch.Add(m);
            var stored = await _retry.UntilStoredAsync(async () =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var (results, opened) = await WriteAsync(batch, stoppingToken);
                Interlocked.Add(ref WriteTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
                if (batch.Count > LargestBatch) LargestBatch = batch.Count;
                Interlocked.Increment(ref Batches);
                Interlocked.Add(ref Written, batch.Count);
                Complete(batch, results);
                telemetry.Committed(batch, results, clock.GetUtcNow());
                ServiceDefaults.Correlation.LogOpened(log, opened);
                await AnnounceAsync(batch, results, opened, stoppingToken);
            }, batch.Count, stoppingToken);
            if (!stored)
            {
                // Shutting down: what is not committed is not acknowledged; the devices send it again.
                foreach (var m in batch) m.Done.TrySetCanceled(stoppingToken);
                return;
            }
        }
    }

    /// <summary>
    /// Writes a batch; when the database refuses its data (not its connection), writes the messages one by one so
    /// that one bad message becomes a dead letter instead of holding up everything behind it.
    /// </summary>
    private async Task<(InboundResult[], List<OpenedCase>)> WriteAsync(List<Inbound> batch, CancellationToken ct)
    {
        try
        {
            return await writer.WriteAsync(batch, ct);
        }
        catch (PostgresException e) when (IsDataError(e))
        {
            log.LogError(e, "A batch of {Count} was refused by the database; writing its messages one by one", batch.Count);
            var results = new InboundResult[batch.Count];
            var opened = new List<OpenedCase>();
            for (var i = 0; i < batch.Count; i++)
            {
                try
                {
                    var (r, o) = await writer.WriteAsync([batch[i]], ct);
                    results[i] = r[0];
                    opened.AddRange(o);
                }
                catch (PostgresException single) when (IsDataError(single))
                {
                    var m = batch[i];
                    batch[i] = new Inbound
                    {
                        GatewayId = m.GatewayId, Topic = m.Topic, Payload = m.Payload, Size = m.Size, ReceivedAt = m.ReceivedAt, MsgId = m.MsgId,
                        Reason = RejectReasons.Unstorable, Detail = $"the database refused it: {single.SqlState} {single.MessageText}",
                    };
                    batch[i].Done.Task.ContinueWith(t => m.Done.TrySetResult(t.Result), TaskContinuationOptions.OnlyOnRanToCompletion);
                    var (r, _) = await writer.WriteAsync([batch[i]], ct);
                    results[i] = r[0];
                }
            }
            return (results, opened);
        }
    }

    /// <summary>The database refused the data itself (a value, a constraint): retrying the same rows cannot help.</summary>
    public static bool IsDataError(PostgresException e) =>
        e.SqlState.StartsWith("21", StringComparison.Ordinal) || e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>Lost connections, a restarting or closed database, timeouts: worth waiting for.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => !IsDataError(pg),
        NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or System.IO.IOException => true,
        _ => false,
    };

    private void Complete(List<Inbound> batch, InboundResult[] results)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            var counters = stats.For(m.GatewayId);
            switch (results[i])
            {
                case InboundResult.Stored:
                    Interlocked.Increment(ref counters.Stored);
                    m.Done.TrySetResult(MqttPubAckReasonCode.Success);
                    break;
                case InboundResult.Duplicate:
                    Interlocked.Increment(ref counters.Duplicates);
                    m.Done.TrySetResult(MqttPubAckReasonCode.Success);
                    break;
                default:
                    stats.Rejected(m.GatewayId, m.Reason!);
                    m.Done.TrySetResult(RefusalCode(m.Reason!));
                    break;
            }
        }
    }

    private async Task AnnounceAsync(List<Inbound> batch, InboundResult[] results, List<OpenedCase> opened, CancellationToken ct)
    {
        if (Outbox is not { } outbox) return;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i] != InboundResult.Rejected) continue;
                var m = batch[i];
                await outbox.PublishAsync($"sg/v1/gw/{m.GatewayId}/rejects", RejectPayload(m.MsgId, m.Reason!, m.Detail!), ct);
            }
            foreach (var c in opened)
            {
                var payload = JsonSerializer.SerializeToUtf8Bytes(new { number = c.Number, district = c.DistrictCode, grid = c.GridCode, classCode = c.ClassCode });
                await outbox.PublishAsync(Security.CallerScope.CaseTopic(c.DistrictCode, c.GridCode, "created"), payload, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Rejects are a courtesy to the device; the dead letter is what is kept.
            log.LogWarning(e, "Could not publish rejects or case events");
        }
    }

    public byte[] RejectPayload(string? msgId, string reason, string detail) =>
        JsonSerializer.SerializeToUtf8Bytes(new AlertReject(msgId, reason, detail, clock.GetUtcNow()), AlertJsonContext.Default.AlertReject);
}
