using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SpatialGrid.Api.Ingestion;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>
/// Nothing acknowledged is lost: a message gets a PUBACK only once it is stored or kept whole as a dead letter, for
/// MQTT 3.1.1 clients (whose PUBACK has no reason code, so every PUBACK reads as "stored") as for MQTT 5; refusals at
/// the topic and rate level carry their msgId like every other refusal. And the CONNECT and packet limits.
/// </summary>
public sealed class AcknowledgementTests(AcknowledgementTests.Fixture api) : IClassFixture<AcknowledgementTests.Fixture>
{
    public sealed class Fixture : IngestionFixture
    {
        // A rate cap a test can reach, a payload cap below 1 KiB and a packet cap a test can exceed.
        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Ingestion:MaxPayloadBytes"] = "600",
            ["Ingestion:MaxPacketBytes"] = "8192",
            ["Ingestion:RatePerSecond"] = "40",
            ["Ingestion:RateBurst"] = "40",
        };
    }

    private static byte[] Bytes(JsonObject alert) => Encoding.UTF8.GetBytes(alert.ToJsonString());

    private async Task<long> Kept(string msgId) =>
        await api.ScalarAsync($"SELECT (SELECT count(*) FROM alerts WHERE msg_id = '{msgId}') + (SELECT count(*) FROM dead_letters WHERE msg_id = '{msgId}')");

    [Fact]
    public async Task An_MQTT_3_1_1_gateway_over_its_rate_cap_is_never_acknowledged_for_what_is_not_kept_and_loses_nothing_when_it_resends()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var alerts = new List<JsonObject>();
        var acknowledged = new HashSet<string>();
        // All at once: far past the burst of 40. A 3.1.1 PUBACK says "stored", so what is over the cap gets none. On a
        // machine so busy that the broker reads the flood no faster than the cap refills (40 a second), the whole flood
        // fits under the cap: then another flood is sent, until one is stopped (what this test is about).
        for (var wave = 0; wave < 5 && acknowledged.Count == alerts.Count; wave++)
        {
            var flood = Enumerable.Range(0, 200).Select(i => IngestionFixture.Alert("mh-1", "manhole.tilt", $"flood-{tag}-{wave}-{i}")).ToList();
            alerts.AddRange(flood);
            var client = await api.ConnectAsync("gw-a", api.SecretA, MqttProtocolVersion.V311);
            try
            {
                var sends = flood.Select(async a =>
                {
                    try
                    {
                        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", a);
                        return ack.IsSuccess ? (string?)a["msgId"]!.GetValue<string>() : null;
                    }
                    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                    {
                        return null; // the broker closed the connection before acknowledging it
                    }
                }).ToList();
                foreach (var id in await Task.WhenAll(sends)) if (id is not null) acknowledged.Add(id);
            }
            finally
            {
                client.Dispose();
            }
        }
        // (The first 40 were taken, but their PUBACKs, held until the commit, may not have gone out before the connection
        // closed: then they are resent below and absorbed as repeats.)
        Assert.True(acknowledged.Count < alerts.Count, "the flood should have been stopped by the rate cap");
        // Every acknowledged message is stored (or a dead letter): none was acknowledged and dropped.
        foreach (var id in acknowledged) Assert.Equal(1, await Kept(id));

        // The gateway resends what was not acknowledged, reconnecting whenever it is cut off, until all is acknowledged.
        var outstanding = alerts.Select(a => a["msgId"]!.GetValue<string>()).Where(id => !acknowledged.Contains(id)).ToList();
        for (var round = 0; outstanding.Count > 0 && round < 60; round++)
        {
            using var again = await api.ConnectAsync("gw-a", api.SecretA, MqttProtocolVersion.V311);
            foreach (var id in outstanding.ToList())
            {
                try
                {
                    var ack = await IngestionFixture.PublishAsync(again, "sg/v1/gw/gw-a/alert", alerts.Single(a => a["msgId"]!.GetValue<string>() == id));
                    if (ack.IsSuccess) outstanding.Remove(id);
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                {
                    await Task.Delay(500);
                    break;
                }
            }
        }
        Assert.Empty(outstanding);
        // All stored once, none as a dead letter.
        Assert.Equal(alerts.Count, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id LIKE 'flood-{tag}-%'"));
        Assert.Equal(0, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE msg_id LIKE 'flood-{tag}-%'"));
    }

    [Fact]
    public async Task An_MQTT_5_gateway_over_its_rate_cap_is_told_quota_exceeded_and_each_refusal_is_a_dead_letter_with_its_msgId()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var client = await api.ConnectAsync("gw-a", api.SecretA);
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-a");
        var refused = new List<string>();
        // As above: a flood the broker reads no faster than the cap refills is sent again until one is over the cap.
        for (var wave = 0; wave < 5 && refused.Count == 0; wave++)
        {
            var alerts = Enumerable.Range(0, 150).Select(i => IngestionFixture.Alert("mh-1", "manhole.tilt", $"v5-{tag}-{wave}-{i}")).ToList();
            var results = await Task.WhenAll(alerts.Select(a => IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", a)));
            refused.AddRange(alerts.Where((a, i) => results[i].ReasonCode == MqttClientPublishReasonCode.QuotaExceeded).Select(a => a["msgId"]!.GetValue<string>()));
            Assert.All(results, r => Assert.True(r.IsSuccess || r.ReasonCode == MqttClientPublishReasonCode.QuotaExceeded, r.ReasonCode.ToString()));
        }
        Assert.NotEmpty(refused);
        foreach (var id in refused)
        {
            Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE msg_id = '{id}' AND reason = 'rate-limited' AND length(payload) = size"));
        }
        var answered = await IngestionFixture.Eventually(() => Task.FromResult(Snapshot(rejects)),
            r => refused.All(id => r.Any(x => x.GetProperty("msgId").ValueKind == JsonValueKind.String && x.GetProperty("msgId").GetString() == id)));
        Assert.All(answered.Where(x => x.GetProperty("reason").GetString() == "rate-limited"), x => Assert.NotEqual(JsonValueKind.Null, x.GetProperty("msgId").ValueKind));
    }

    [Fact]
    public async Task An_MQTT_3_1_1_message_on_a_misspelt_or_foreign_topic_is_acknowledged_only_as_a_whole_dead_letter_with_its_msgId()
    {
        await Task.Delay(1500); // a full bucket after the flood tests
        using var client = await api.ConnectAsync("gw-a", api.SecretA, MqttProtocolVersion.V311);
        var misspelt = IngestionFixture.Alert("mh-1", "manhole.tilt");
        var foreign = IngestionFixture.Alert("mh-1", "manhole.tilt");
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alerts", misspelt)).IsSuccess);
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", foreign)).IsSuccess);
        // The acknowledgement came after the commit of the dead letters: they are there already.
        var m = misspelt["msgId"]!.GetValue<string>();
        var f = foreign["msgId"]!.GetValue<string>();
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE msg_id = '{m}' AND reason = 'unknown-topic' AND topic = 'sg/v1/gw/gw-a/alerts' AND payload = '{Hex(misspelt)}'::bytea"));
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE msg_id = '{f}' AND reason = 'forbidden-topic' AND gateway_id = 'gw-a' AND payload = '{Hex(foreign)}'::bytea"));
        Assert.Equal(0, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id IN ('{m}', '{f}')"));
    }

    private static string Hex(JsonObject alert) => "\\x" + Convert.ToHexString(Bytes(alert)).ToLowerInvariant();

    [Fact]
    public async Task A_payload_cap_below_1_KiB_refuses_a_larger_payload_and_keeps_it_whole()
    {
        await Task.Delay(1500);
        using var client = await api.ConnectA();
        var big = IngestionFixture.Alert("mh-1", "manhole.tilt");
        big["props"] = new JsonObject { ["note"] = new string('x', 700) }; // over 600, under 1,024
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", big);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, ack.ReasonCode);
        var id = big["msgId"]!.GetValue<string>();
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE msg_id = '{id}' AND reason = 'too-large' AND length(payload) = size AND size > 700"));
        // The broker is still serving the gateway.
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", IngestionFixture.Alert())).IsSuccess);
    }

    [Fact]
    public async Task A_packet_over_the_brokers_maximum_is_not_acknowledged_and_closes_the_connection()
    {
        await Task.Delay(1500);
        using var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-a", api.SecretA)
            .WithClientId($"gw-a-{Guid.NewGuid():N}").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        // MQTT 5 clients are told the largest packet the broker takes.
        Assert.Equal(8192u, connected.MaximumPacketSize);
        var huge = IngestionFixture.Alert("mh-1", "manhole.tilt");
        huge["props"] = new JsonObject { ["blob"] = new string('x', 20_000) };
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e => { disconnected.TrySetResult(e); return Task.CompletedTask; };
        // MQTTnet's client would refuse to send past the advertised maximum itself; a hostile client does not, so it is sent raw.
        var send = SendRawPublishAsync(api.MqttPort, api.SecretA, "sg/v1/gw/gw-a/alert", Bytes(huge));
        var outcome = await send;
        Assert.Equal("closed without PUBACK", outcome);
        Assert.Equal(0, await Kept(huge["msgId"]!.GetValue<string>()));
    }

    /// <summary>An MQTT 3.1.1 client written by hand: CONNECT, one QoS 1 PUBLISH of any size, then what the broker answers.</summary>
    private static async Task<string> SendRawPublishAsync(int port, string secret, string topic, byte[] payload)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        static byte[] Str(string s) { var b = Encoding.UTF8.GetBytes(s); return [(byte)(b.Length >> 8), (byte)b.Length, .. b]; }
        static byte[] Length(int n) { var o = new List<byte>(); do { var d = (byte)(n % 128); n /= 128; if (n > 0) d |= 128; o.Add(d); } while (n > 0); return [.. o]; }
        byte[] connectBody = [.. Str("MQTT"), 4, 0b1100_0010, 0, 30, .. Str($"raw-{Guid.NewGuid():N}"), .. Str("gw-a"), .. Str(secret)];
        await stream.WriteAsync((byte[])[0x10, .. Length(connectBody.Length), .. connectBody]);
        var connAck = new byte[4];
        await stream.ReadExactlyAsync(connAck);
        if (connAck[3] != 0) return $"connect refused {connAck[3]}";
        byte[] publishBody = [.. Str(topic), 0, 1, .. payload];
        await stream.WriteAsync((byte[])[0x32, .. Length(publishBody.Length), .. publishBody]);
        var answer = new byte[4];
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var read = await stream.ReadAsync(answer, timeout.Token);
            return read == 0 ? "closed without PUBACK" : answer[0] == 0x40 ? "PUBACK" : $"packet {answer[0]:x2}";
        }
        catch (IOException)
        {
            return "closed without PUBACK";
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Bad_credentials_with_an_empty_client_id_are_refused_as_bad_credentials(MqttProtocolVersion version)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-a", "not-the-secret")
            .WithClientId("").WithProtocolVersion(version).Build());
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task An_MQTT_3_1_1_gateway_with_an_empty_client_id_and_a_clean_session_is_given_one()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-b", api.SecretB)
            .WithClientId("").WithCleanSession().WithProtocolVersion(MqttProtocolVersion.V311).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }

    [Fact]
    public async Task The_broker_forgets_a_clients_held_acknowledgements_when_its_connection_ends()
    {
        var broker = api.Factory.Services.GetRequiredService<EmbeddedBroker>();
        var before = broker.ClientsWithPendingAcknowledgements;
        for (var i = 0; i < 5; i++)
        {
            using var client = await api.ConnectAsync("gw-b", api.SecretB);
            Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", IngestionFixture.Alert("mh-9", "bin.full"))).IsSuccess);
            await client.DisconnectAsync();
        }
        await IngestionFixture.Eventually(() => Task.FromResult(broker.ClientsWithPendingAcknowledgements), n => n <= before);
        Assert.True(broker.ClientsWithPendingAcknowledgements <= before);
    }

    private static List<JsonElement> Snapshot(List<JsonElement> list)
    {
        lock (list) return [.. list];
    }
}
