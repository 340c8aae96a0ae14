using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet;
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
    private MqttServer? _server;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ushort, Task<MqttPubAckReasonCode>>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly long _started = clock.GetTimestamp();
    private readonly Dictionary<string, IGatewayTopic> _topics = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public int Port => options.Value.Port;

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
        if (!registry.Authenticate(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            log.LogInformation("Refused MQTT connection of '{User}' from {Endpoint}", e.UserName, e.RemoteEndPoint);
            return Task.CompletedTask;
        }
        e.SessionItems[GatewayKey] = e.UserName;
        // Clients that leave the id to the broker (mosquitto_pub and others send an empty one) get one of their own.
        if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = $"{e.UserName}-{Guid.NewGuid():N}";
        return Task.CompletedTask;
    }

    private async Task InboundAsync(InterceptingPacketEventArgs e)
    {
        if (e.Packet is not MqttPublishPacket p) return;
        if (e.SessionItems?[GatewayKey] is not string gw) return;
        stats.Seen(gw);
        var o = options.Value;
        var topic = p.Topic ?? "";
        var size = checked((int)p.Payload.Length);

        Task<MqttPubAckReasonCode> outcome;
        if (!topic.StartsWith($"sg/v1/gw/{gw}/", StringComparison.Ordinal))
        {
            outcome = RefuseAsync(gw, topic, RejectReasons.ForbiddenTopic, $"gateway '{gw}' may publish only under sg/v1/gw/{gw}/", MqttPubAckReasonCode.NotAuthorized);
        }
        else if (!_buckets.GetOrAdd(gw, _ => new TokenBucket(o.RatePerSecond, o.RateBurst)).TryTake(clock.GetElapsedTime(_started)))
        {
            outcome = RefuseAsync(gw, topic, RejectReasons.RateLimited, $"gateway '{gw}' publishes faster than {o.RatePerSecond:N0} messages a second; slow down and resend", MqttPubAckReasonCode.QuotaExceeded);
        }
        else if (topic == $"sg/v1/gw/{gw}/alert")
        {
            // Copy the payload (the packet's buffer is not ours to keep); an oversized one only in part, for the dead letter.
            var keep = size > o.MaxPayloadBytes ? p.Payload.Slice(0, 1024).ToArray() : p.Payload.ToArray();
            var message = pipeline.Prepare(gw, topic, keep, size);
            await pipeline.SubmitAsync(message, e.CancellationToken);
            outcome = message.Done.Task;
        }
        else if (_topics.TryGetValue(topic[$"sg/v1/gw/{gw}/".Length..], out var handler))
        {
            var keep = size > o.MaxPayloadBytes ? p.Payload.Slice(0, 1024).ToArray() : p.Payload.ToArray();
            outcome = await handler.SubmitAsync(gw, topic, keep, size, e.CancellationToken);
        }
        else if (topic == $"sg/v1/gw/{gw}/status")
        {
            // status is read by later work (device health); acknowledged and counted for now.
            outcome = Task.FromResult(MqttPubAckReasonCode.Success);
        }
        else
        {
            // A misspelt topic (…/alerts, …/Alert, …/alert/x) must not be acknowledged as if it had been stored.
            outcome = RefuseAsync(gw, topic, RejectReasons.UnknownTopic,
                $"'{(topic.Length > 120 ? topic[..120] + "…" : topic)}' is not a topic of the device protocol: publish alerts to sg/v1/gw/{gw}/alert (status and gps beside it)",
                MqttPubAckReasonCode.TopicNameInvalid);
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

    private Task<MqttPubAckReasonCode> RefuseAsync(string gw, string topic, string reason, string detail, MqttPubAckReasonCode code)
    {
        stats.Rejected(gw, reason);
        _ = PublishAsync($"sg/v1/gw/{gw}/rejects", pipeline.RejectPayload(null, reason, detail), CancellationToken.None);
        return Task.FromResult(code);
    }

    private async Task OutboundAsync(InterceptingPacketEventArgs e)
    {
        ushort id;
        switch (e.Packet)
        {
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
