using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Api.Ingestion;

/// <summary>
/// The MQTT broker hosted in the API (MQTTnet server). Gateways connect with their id as user name and their
/// secret as password, and may publish only under <c>sg/v1/gw/{their id}/</c> and subscribe only to that and to the
/// case and patrol topics of their own districts (<see cref="Security.CallerScope.MaySubscribe"/>).
/// <para>
/// Effectively once: MQTTnet queues the PUBACK of a PUBLISH as soon as it has read it; this broker holds each
/// PUBACK (and PUBREC) back in the outbound path until the message's transaction has committed. The receive
/// loop is not held, so a gateway can keep many messages in flight and a batch commits them together.
/// </para>
/// </summary>
public sealed class EmbeddedBroker(AlertPipeline pipeline, DeviceRegistry registry, GatewayStats stats, IOptions<IngestionOptions> options,
    IEnumerable<IGatewayTopic> topics, TimeProvider clock, ILogger<EmbeddedBroker> log) : IHostedService, IMessageOutbox
{
    private const string GatewayKey = "sg.gateway";
    private const string ProtocolKey = "sg.protocol";
    private MqttServer? _server;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ushort, Task<MqttPubAckReasonCode>>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly long _started = clock.GetTimestamp();
    private readonly Dictionary<string, IGatewayTopic> _topics = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public int Port => options.Value.Port;
    public bool Started => _server is { IsStarted: true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.IsExternal)
        {
            if (o.IsExternal) return;
            log.LogInformation("MQTT ingestion is off (Ingestion:Enabled=false)");
            return;
        }
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.BindAddress))
            .WithDefaultEndpointPort(o.Port)
            .WithPersistentSessions();
        if (o.TlsPort > 0)
        {
            // The same broker on a TLS listener too: gateways on public networks connect there.
            var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, o.CertificatePassword);
            builder.WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(IPAddress.Parse(o.BindAddress)).WithEncryptedEndpointPort(o.TlsPort)
                .WithEncryptionCertificate(certificate).WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }
        var serverOptions = builder.Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateAsync;
        _server.InterceptingInboundPacketAsync += InboundAsync;
        _server.InterceptingOutboundPacketAsync += OutboundAsync;
        _server.InterceptingPublishAsync += e =>
        {
            // Gateways' messages are consumed here, not forwarded; the service's own (rejects, case events) go out.
            if (e.ClientId is not null && e.SessionItems?[GatewayKey] is string) e.ProcessPublish = false;
            return Task.CompletedTask;
        };
        _server.InterceptingSubscriptionAsync += e =>
        {
            var gw = e.SessionItems?[GatewayKey] as string;
            // A gateway removed or disabled since it connected reaches nothing beyond its own topics.
            var scope = registry.Gateway(gw) is { Disabled: false } g ? Security.CallerScope.OfGateway(g.Districts) : null;
            if (gw is null || scope is null || !scope.MaySubscribe(gw, e.TopicFilter.Topic ?? ""))
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            }
            return Task.CompletedTask;
        };
        _server.ClientConnectedAsync += e =>
        {
            stats.Connected(e.UserName, true);
            return Task.CompletedTask;
        };
        _server.ClientDisconnectedAsync += e =>
        {
            if (e.UserName is { } gw) stats.Connected(gw, false);
            // Its held acknowledgements can no longer be sent; a resent message after reconnecting is absorbed as a repeat.
            // (A takeover's new connection already uses the id: its map stays.)
            if (e.DisconnectType != MqttClientDisconnectType.Takeover) _pending.TryRemove(e.ClientId, out _);
            return Task.CompletedTask;
        };
        pipeline.Outbox = this;
        await _server.StartAsync();
        log.LogInformation("MQTT broker listening on {Address}:{Port}{Tls}", o.BindAddress, o.Port, o.TlsPort > 0 ? $" and {o.TlsPort} (TLS)" : "");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null) return;
        await _server.StopAsync(new MqttServerStopOptions());
        _server.Dispose();
    }

    public Task PublishAsync(string topic, byte[] payload, CancellationToken ct)
    {
        if (_server is not { IsStarted: true } server) return Task.CompletedTask;
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "spatialgrid" }, ct);
    }

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        // Clients that leave the id to the broker (mosquitto_pub and others send an empty one) get one of their own, also
        // when they are refused: without one MQTTnet would answer "client identifier not valid" instead of the real reason.
        if (string.IsNullOrEmpty(e.ClientId)) AssignClientId(e, $"{(string.IsNullOrEmpty(e.UserName) ? "anonymous" : e.UserName)}-{Guid.NewGuid():N}");
        if (!registry.Authenticate(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            log.LogInformation("Refused MQTT connection of '{User}' from {Endpoint}", e.UserName, e.RemoteEndPoint);
            return Task.CompletedTask;
        }
        e.SessionItems[GatewayKey] = e.UserName;
        e.SessionItems[ProtocolKey] = e.ProtocolVersion;
        return Task.CompletedTask;
    }

    private static readonly System.Reflection.FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    /// <summary>
    /// MQTT 5 takes an assigned id from <see cref="ValidatingConnectionEventArgs.AssignedClientIdentifier"/>; MQTTnet
    /// ignores it for 3.1.1, where the standard (MQTT-3.1.3-6) also has the server assign one to a clean session with an
    /// empty id, so the CONNECT packet's id is set too (a test pins that this still works after an MQTTnet upgrade).
    /// </summary>
    private static void AssignClientId(ValidatingConnectionEventArgs e, string id)
    {
        e.AssignedClientIdentifier = id;
        if (e.ProtocolVersion != MqttProtocolVersion.V500 && ConnectPacketField?.GetValue(e) is MqttConnectPacket packet && e.CleanSession != false)
            packet.ClientId = id;
    }

    /// <summary>MQTT 5 clients read a PUBACK's reason code; 3.1.1 clients take every PUBACK for "stored".</summary>
    private static bool ReadsReasonCodes(System.Collections.IDictionary? items) => items?[ProtocolKey] is MqttProtocolVersion.V500;

    private async Task InboundAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is not MqttPublishPacket p) return;
        if (e.SessionItems?[GatewayKey] is not string gw) return;
        using var activity = ServiceDefaults.Correlation.StartMessage(gw, p.Topic, p.UserProperties);
        stats.Seen(gw);
        var o = options.Value;
        var topic = p.Topic ?? "";
        var size = checked((int)p.Payload.Length);
        if (size > o.MaxPacketBytes)
        {
            // Bigger than the broker takes: not acknowledged and not kept; the connection is closed (MQTT 5: "packet too large").
            e.ProcessPacket = false;
            stats.Rejected(gw, RejectReasons.TooLarge);
            log.LogWarning("Gateway {Gateway} sent a packet of {Size:N0} bytes (at most {Max:N0}); closing its connection", gw, size, o.MaxPacketBytes);
            CloseConnection(e.ClientId, MqttDisconnectReasonCode.PacketTooLarge, $"packets may have at most {o.MaxPacketBytes:N0} bytes");
            return;
        }

        Task<MqttPubAckReasonCode> outcome;
        if (!topic.StartsWith($"sg/v1/gw/{gw}/", StringComparison.Ordinal))
        {
            outcome = await RefuseAsync(gw, topic, p, size, RejectReasons.ForbiddenTopic, $"gateway '{gw}' may publish only under sg/v1/gw/{gw}/", e.CancellationToken);
        }
        else if (!_buckets.GetOrAdd(gw, _ => new TokenBucket(o.RatePerSecond, o.RateBurst)).TryTake(clock.GetElapsedTime(_started)))
        {
            var detail = $"gateway '{gw}' publishes faster than {o.RatePerSecond:N0} messages a second; slow down and resend";
            if (!ReadsReasonCodes(e.SessionItems) && p.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
            {
                // MQTT 3.1.1 has no refusing PUBACK: one would tell the gateway its message was stored. It is left
                // unacknowledged and the connection closed, so the gateway sends it again once it has reconnected.
                e.ProcessPacket = false;
                stats.Rejected(gw, RejectReasons.RateLimited);
                _ = PublishAsync($"sg/v1/gw/{gw}/rejects", pipeline.RejectPayload(AlertParser.TryReadMsgId(p.Payload.ToArray()), RejectReasons.RateLimited,
                    detail + "; the message was not acknowledged and the connection is closed: reconnect and resend it"), CancellationToken.None);
                CloseConnection(e.ClientId, MqttDisconnectReasonCode.QuotaExceeded, detail);
                return;
            }
            outcome = await RefuseAsync(gw, topic, p, size, RejectReasons.RateLimited, detail, e.CancellationToken);
        }
        else if (topic == $"sg/v1/gw/{gw}/alert")
        {
            var message = pipeline.Prepare(gw, topic, p.Payload.ToArray(), size);
            await pipeline.SubmitAsync(message, e.CancellationToken);
            outcome = message.Done.Task;
        }
        else if (_topics.TryGetValue(topic[$"sg/v1/gw/{gw}/".Length..], out var handler))
        {
            outcome = await handler.SubmitAsync(gw, topic, p.Payload.ToArray(), size, e.CancellationToken);
        }
        else if (topic == $"sg/v1/gw/{gw}/status")
        {
            // status is read by later work (device health); acknowledged and counted for now.
            outcome = Task.FromResult(MqttPubAckReasonCode.Success);
        }
        else
        {
            // A misspelt topic (…/alerts, …/Alert, …/alert/x) must not be acknowledged as if it had been stored.
            outcome = await RefuseAsync(gw, topic, p, size, RejectReasons.UnknownTopic,
                $"'{(topic.Length > 120 ? topic[..120] + "…" : topic)}' is not a topic of the device protocol: publish alerts to sg/v1/gw/{gw}/alert (status and gps beside it)",
                e.CancellationToken);
        }

        if (p.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce) return;
        var pending = _pending.GetOrAdd(e.ClientId, _ => new ConcurrentDictionary<ushort, Task<MqttPubAckReasonCode>>());
        // A packet id is reused only after its PUBACK; after a reconnection the old one may still wait: ack after both.
        pending.AddOrUpdate(p.PacketIdentifier, outcome, (_, earlier) => Both(earlier, outcome));
    }

    private static async Task<MqttPubAckReasonCode> Both(Task<MqttPubAckReasonCode> first, Task<MqttPubAckReasonCode> second)
    {
        await Task.WhenAll(first, second);
        return second.Result;
    }

    /// <summary>
    /// A refusal before the payload is read: kept whole as a dead letter through the writer (with the msgId the
    /// payload carries), answered on the rejects topic, acknowledged with the reason's code once committed.
    /// </summary>
    private async Task<Task<MqttPubAckReasonCode>> RefuseAsync(string gw, string topic, MqttPublishPacket p, int size, string reason, string detail, CancellationToken ct)
    {
        var message = pipeline.Refusal(gw, topic, p.Payload.ToArray(), size, reason, detail);
        await pipeline.SubmitAsync(message, ct);
        return message.Done.Task;
    }

    /// <summary>Closes a client's connection after the current packet (not from inside MQTTnet's receive loop).</summary>
    private void CloseConnection(string clientId, MqttDisconnectReasonCode reason, string detail)
    {
        if (_server is not { } server) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = reason, ReasonString = detail });
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                // Gone already.
            }
        });
    }

    /// <summary>Client ids with acknowledgements still held (for tests: an id is forgotten when its connection ends).</summary>
    public int ClientsWithPendingAcknowledgements => _pending.Count;

    private async Task OutboundAsync(InterceptingPacketEventArgs e)
    {
        ushort id;
        switch (e.Packet)
        {
            case MqttConnAckPacket connAck:
                // MQTT 5 clients learn the largest packet the broker takes (3.1.1 has no such field).
                connAck.MaximumPacketSize = (uint)options.Value.MaxPacketBytes;
                return;
            case MqttPubAckPacket a: id = a.PacketIdentifier; break;
            case MqttPubRecPacket r: id = r.PacketIdentifier; break;
            default: return;
        }
        if (!_pending.TryGetValue(e.ClientId, out var pending) || !pending.TryRemove(id, out var outcome)) return;
        try
        {
            var code = await outcome;
            if (e.Packet is MqttPubAckPacket ack) ack.ReasonCode = code;
            else if (e.Packet is MqttPubRecPacket rec) rec.ReasonCode = (MqttPubRecReasonCode)(int)code;
        }
        catch (OperationCanceledException)
        {
            // Not committed (shutting down): no acknowledgement, so the device sends it again.
            e.ProcessPacket = false;
        }
    }
}
