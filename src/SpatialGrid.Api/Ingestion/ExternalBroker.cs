using System.Buffers;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// The API as a client of an external broker (Mosquitto, or a cluster): a persistent session per instance
/// subscribed with QoS 1 to <c>$share/{group}/sg/v1/gw/+/alert</c>, so several instances share the alerts and a
/// restarted one gets back what it had not acknowledged. Acknowledgement is manual: a message is acknowledged
/// once its transaction has committed. The broker authenticates gateways and enforces their topics (its password
/// and ACL files are written from the registry by <see cref="MosquittoFiles"/>); the gateway is the topic's level.
/// </summary>
public sealed class ExternalBroker(AlertPipeline pipeline, GatewayStats stats, IOptions<IngestionOptions> options, IEnumerable<IGatewayTopic> topics,
    ILogger<ExternalBroker> log)
    : BackgroundService, IMessageOutbox
{
    private readonly List<IMqttClient> _clients = [];
    private readonly Dictionary<string, IGatewayTopic> _topics = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);
    private int _next;
    public bool Connected { get { lock (_clients) return _clients.Any(c => c.IsConnected); } }

    public Task PublishAsync(string topic, byte[] payload, CancellationToken ct)
    {
        var connected = _clients.Where(c => c.IsConnected).ToList();
        if (connected.Count == 0) return Task.CompletedTask;
        var client = connected[(int)((uint)Interlocked.Increment(ref _next) % connected.Count)];
        return client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || !o.IsExternal) return;
        var x = o.External;
        pipeline.Outbox = this;
        var workers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)).ToList();
        // Several connections, each a member of the shared group with a session of its own ({ClientId}-{n}).
        var connections = Enumerable.Range(0, x.Connections).Select(n => ConnectionAsync(x, x.Connections == 1 ? x.ClientId : $"{x.ClientId}-{n}", stoppingToken)).ToList();
        await Task.WhenAll(connections);
    }

    private async Task ConnectionAsync(ExternalBrokerOptions x, string clientId, CancellationToken stoppingToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        lock (_clients) _clients.Add(client);
        var generation = new Generation();
        client.ApplicationMessageReceivedAsync += e => ReceiveAsync(e, generation, stoppingToken);
        var connectOptions = new MqttClientOptionsBuilder().WithTcpServer(x.Host, x.Port).WithCredentials(x.Username, x.Password)
            .WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500)
            // A session that outlives the connection: what was delivered and not acknowledged comes back.
            .WithCleanStart(false).WithSessionExpiryInterval(7 * 24 * 3600)
            .WithReceiveMaximum(ushort.MaxValue).WithKeepAlivePeriod(TimeSpan.FromSeconds(15)).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        // Everything gateways publish, in the shared group: alerts, the topics other capabilities consume (gps), and
        // misspelt topics, which are kept as dead letters (one filter: overlapping ones would deliver a message twice).
        var filters = new[] { (x.SharedGroup.Length > 0 ? $"$share/{x.SharedGroup}/" : "") + "sg/v1/gw/#" };
        var filter = string.Join(", ", filters);
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    var result = await client.ConnectAsync(connectOptions, stoppingToken);
                    if (result.ResultCode != MqttClientConnectResultCode.Success)
                        throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
                    Interlocked.Increment(ref generation.Value);
                    var subscribe = new MqttClientSubscribeOptionsBuilder();
                    foreach (var f in filters) subscribe.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
                    await client.SubscribeAsync(subscribe.Build(), stoppingToken);
                    log.LogInformation("Connected to the MQTT broker {Host}:{Port} as {ClientId}, subscribed to {Filter} (session present: {Present})",
                        x.Host, x.Port, clientId, filter, result.IsSessionPresent);
                    delay = TimeSpan.FromMilliseconds(200);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogWarning("MQTT broker {Host}:{Port} unreachable for {ClientId} ({Error}); retrying in {Delay} ms", x.Host, x.Port, clientId, e.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { });
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        try
        {
            // Stop without acknowledging what is not committed: the broker keeps it for the next start.
            if (client.IsConnected) await client.DisconnectAsync(new MqttClientDisconnectOptions());
        }
        catch (Exception)
        {
        }
        client.Dispose();
    }

    /// <summary>Bumped on every new connection: an acknowledgement is sent only on the connection its message came on.</summary>
    private sealed class Generation
    {
        public int Value;
    }

    private sealed record Received(MqttApplicationMessageReceivedEventArgs Args, string Gateway, string Topic, byte[] Payload, int Size, Generation Connection, int Generation);

    private readonly System.Threading.Channels.Channel<Received> _received = System.Threading.Channels.Channel.CreateBounded<Received>(
        new System.Threading.Channels.BoundedChannelOptions(10_000) { FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait });

    /// <summary>
    /// The client delivers messages one at a time; the checks of <see cref="AlertPipeline.Prepare"/> (JSON, registry,
    /// grid index) run on workers so that one connection does not limit the rate to one core.
    /// </summary>
    private async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs e, Generation generation, CancellationToken ct)
    {
        var topic = e.ApplicationMessage.Topic;
        // sg/v1/gw/{gateway}/…: the broker's ACL let only that gateway publish under its prefix.
        var parts = topic.Split('/');
        if (parts.Length < 4 || parts[3].Length == 0) return;
        var gateway = parts[3];
        var kind = parts.Length == 5 ? parts[4] : null;
        // The service's own answers, and status (read by later work), are not stored.
        if (kind is "rejects" or "status") return;
        e.AutoAcknowledge = false;
        stats.Seen(gateway);
        var payload = e.ApplicationMessage.Payload;
        var size = checked((int)payload.Length);
        // Kept whole: the broker's own packet limit (Mosquitto's max_packet_size) bounds it.
        await _received.Writer.WriteAsync(new Received(e, gateway, topic, payload.ToArray(), size, generation, Volatile.Read(ref generation.Value)), ct);
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var r in _received.Reader.ReadAllAsync(ct))
        {
            Task stored;
            if (r.Topic.Count(c => c == '/') == 4 && _topics.TryGetValue(r.Topic[(r.Topic.LastIndexOf('/') + 1)..], out var handler))
            {
                stored = await handler.SubmitAsync(r.Gateway, r.Topic, r.Payload, r.Size, ct);
            }
            else if (!r.Topic.EndsWith("/alert", StringComparison.Ordinal) || r.Topic.Count(c => c == '/') != 4)
            {
                // A misspelt topic (…/alerts, …/alert/x): acknowledged by the broker already, so kept whole as a dead letter.
                var shown = r.Topic.Length > 120 ? r.Topic[..120] + "…" : r.Topic;
                var message = pipeline.Refusal(r.Gateway, r.Topic, r.Payload, r.Size, RejectReasons.UnknownTopic,
                    $"'{shown}' is not a topic of the device protocol: publish alerts to sg/v1/gw/{r.Gateway}/alert (status and gps beside it)");
                await pipeline.SubmitAsync(message, ct);
                stored = message.Done.Task;
            }
            else
            {
                using var activity = ServiceDefaults.Correlation.StartMessage(r.Gateway, r.Topic, r.Args.ApplicationMessage.UserProperties);
                var message = pipeline.Prepare(r.Gateway, r.Topic, r.Payload, r.Size);
                await pipeline.SubmitAsync(message, ct);
                stored = message.Done.Task;
            }
            _ = AcknowledgeWhenStoredAsync(r, stored);
        }
    }

    private async Task AcknowledgeWhenStoredAsync(Received r, Task stored)
    {
        try
        {
            await stored;
            if (r.Generation != Volatile.Read(ref r.Connection.Value)) return;
            await r.Args.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Not stored (shutting down) or the connection is gone: the broker delivers it again, absorbed as a repeat.
            log.LogDebug(ex, "Did not acknowledge {Topic}", r.Topic);
        }
    }
}
