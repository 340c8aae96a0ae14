using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Components;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>
/// Malformed, hostile and out-of-range messages: each is acknowledged (so it is not redelivered forever), kept
/// whole in dead_letters with its reason, reported on the gateway's rejects topic and counted; the next good
/// message is stored as usual.
/// </summary>
public sealed class AlertRejectTests(AlertRejectTests.Fixture api) : IClassFixture<AlertRejectTests.Fixture>
{
    public sealed class Fixture : IngestionFixture
    {
        // A small size cap and a rate cap a test can reach.
        protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Ingestion:MaxPayloadBytes"] = "2048",
            ["Ingestion:RatePerSecond"] = "100",
            ["Ingestion:RateBurst"] = "300",
        };
    }

    private static string Now(double seconds = -1) => DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("O");

    public static TheoryData<string, string, string> BadMessages => new()
    {
        // name, payload, reason
        { "not JSON", "{\"msgId\": \"m1\", \"deviceId\": ", "malformed-json" },
        { "NaN literal", "{\"msgId\":\"m2\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"lon\":NaN,\"lat\":31.2}", "malformed-json" },
        { "binary", "\u0000\u0001\u0002garbage", "malformed-json" },
        { "an array", "[1,2,3]", "schema" },
        { "null", "null", "schema" },
        { "missing deviceId", "{\"msgId\":\"m3\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "typo lng", "{\"msgId\":\"m4\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"lng\":121.4,\"lat\":31.2}", "schema" },
        { "lon as a string", "{\"msgId\":\"m5\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"lon\":\"NaN\",\"lat\":31.2}", "schema" },
        { "msgId with a slash", "{\"msgId\":\"a/b\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "bad severity", "{\"msgId\":\"m6\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"severity\":\"apocalyptic\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "not a time", "{\"msgId\":\"m7\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"yesterday\"}", "schema" },
        { "confidence 7", "{\"msgId\":\"m8\",\"deviceId\":\"cam-1\",\"type\":\"camera.vending\",\"observedAt\":\"" + Now() + "\",\"confidence\":7}", "schema" },
        { "props not an object", "{\"msgId\":\"m9\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"props\":[1]}", "schema" },
        { "lon without lat", "{\"msgId\":\"m10\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\",\"lon\":121.465}", "schema" },
        { "unknown crs", "{\"msgId\":\"m11\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\",\"lon\":121.465,\"lat\":31.23,\"crs\":\"EPSG:99999\"}", "schema" },
        { "unknown device", "{\"msgId\":\"m12\",\"deviceId\":\"nobody\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "unknown-device" },
        { "another gateway's device", "{\"msgId\":\"m13\",\"deviceId\":\"mh-9\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "wrong-gateway" },
        { "far in the future", "{\"msgId\":\"m14\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now(3600) + "\"}", "future-time" },
        { "years old", "{\"msgId\":\"m15\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"2019-01-01T00:00:00Z\"}", "too-old" },
        { "in Beijing", "{\"msgId\":\"m16\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\",\"lon\":116.39,\"lat\":39.9}", "outside-area" },
        { "lat out of range", "{\"msgId\":\"m17\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\",\"lon\":31.23,\"lat\":121.465}", "swapped-coordinates" },
        { "swapped inside range", "{\"msgId\":\"m18\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\",\"lon\":31.23,\"lat\":121.465,\"crs\":\"EPSG:4490\"}", "swapped-coordinates" },
        // PostgreSQL cannot store a NUL: refused by the contract, never by the database; the dead letter keeps the text.
        { "NUL in media", "{\"msgId\":\"m20\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"media\":\"a\\u0000b\"}", "schema" },
        { "NUL in props", "{\"msgId\":\"m21\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"props\":{\"k\\u0000\":1}}", "schema" },
        { "NUL in msgId", "{\"msgId\":\"m\\u000022\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "NUL in severity", "{\"msgId\":\"m23\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"severity\":\"\\u0000\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "lone surrogate in props", "{\"msgId\":\"m24\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"props\":{\"k\":\"\\ud800\"}}", "schema" },
        { "lone surrogate in msgId", "{\"msgId\":\"m\\ud80026\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\"}", "schema" },
        { "lone surrogate in media", "{\"msgId\":\"m25\",\"deviceId\":\"mh-1\",\"type\":\"manhole.tilt\",\"observedAt\":\"" + Now() + "\",\"media\":\"\\udc00x\"}", "schema" },
        { "no location", "{\"msgId\":\"m19\",\"deviceId\":\"roamer\",\"type\":\"flood.depth\",\"observedAt\":\"" + Now() + "\"}", "no-location" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_bad_message_is_acknowledged_kept_as_a_dead_letter_and_reported_on_the_rejects_topic(string name, string payload, string reason)
    {
        using var client = await api.ConnectA();
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-a");
        var before = await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE reason = '{reason}'");
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", Encoding.UTF8.GetBytes(payload));
        // MQTT 5 tells the device at once; the dead letter is committed before the acknowledgement.
        Assert.False(ack.IsSuccess, name);
        Assert.Equal(before + 1, await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE reason = '{reason}'"));
        var kept = await api.ScalarAsync($"SELECT count(*) FROM dead_letters WHERE reason = '{reason}' AND payload = decode('{Convert.ToHexString(Encoding.UTF8.GetBytes(payload))}', 'hex')");
        Assert.True(kept >= 1, $"{name}: the payload is kept byte for byte");
        var reject = await IngestionFixture.Eventually(() => Task.FromResult(Snapshot(rejects)), r => r.Any(x => x.GetProperty("reason").GetString() == reason));
        Assert.Contains(reject, r => r.GetProperty("reason").GetString() == reason && r.GetProperty("detail").GetString()!.Length > 10);

        // Still running, and a good message right after is stored.
        var good = IngestionFixture.Alert("mh-1", "manhole.tilt");
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", good)).IsSuccess);
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id = '{good["msgId"]}'"));
    }

    /// <summary>Values a device's firmware or an attacker might put in any field.</summary>
    private static readonly Func<JsonNode?>[] HostileValues =
    [
        () => "", () => "\u0000", () => new string('x', 600), () => "网格", () => "\u202e", () => "2026-02-30T25:61:00Z", () => "NaN",
        () => -1, () => 0, () => 1e308, () => -1e308, () => long.MaxValue, () => 1.5, () => true, () => null,
        () => new JsonArray(1, "a"), () => new JsonObject { ["k"] = "\u0000" }, () => new JsonObject { ["deep"] = new JsonArray(new JsonArray(new JsonArray())) },
    ];

    private static readonly string[] Fields = ["msgId", "deviceId", "type", "severity", "observedAt", "lon", "lat", "crs", "confidence", "media", "props"];

    /// <summary>A valid alert broken in one way: a field set to a hostile value or left out, or the text itself cut, spliced or corrupted.</summary>
    private static byte[] Mutant(Random random, int i)
    {
        var alert = IngestionFixture.Alert("roamer", "flood.depth", $"fz-{i}");
        (alert["lon"], alert["lat"]) = (121.465, 31.23);
        if (random.Next(2) == 0)
        {
            var field = Fields[random.Next(Fields.Length)];
            if (random.Next(4) == 0) alert.Remove(field);
            else alert[field] = HostileValues[random.Next(HostileValues.Length)]();
            return Encoding.UTF8.GetBytes(alert.ToJsonString());
        }
        var text = alert.ToJsonString();
        var at = random.Next(text.Length);
        return random.Next(6) switch
        {
            0 => Encoding.UTF8.GetBytes(text[..at]),
            1 => Encoding.UTF8.GetBytes(text.Replace("\"fz-", "\"\\ud800fz-")),
            2 => Encoding.UTF8.GetBytes(text.Replace("flood.depth", "flood\\u0000depth")),
            3 => [.. Encoding.UTF8.GetBytes(text[..at]), 0xC0, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(text[at..])],
            4 => Encoding.UTF8.GetBytes(text.Replace("{", "{\"msgId\":\"dup\",", StringComparison.Ordinal)),
            _ => Encoding.UTF8.GetBytes(text.TrimEnd('}') + ",\"props\":" + new string('[', 200) + new string(']', 200) + "}"),
        };
    }

    [Fact]
    public async Task Every_mutated_message_is_answered_and_the_gateway_stays_connected()
    {
        using var client = await api.ConnectA();
        var random = new Random(20261124);
        var codes = new Dictionary<MqttClientPublishReasonCode, int>();
        for (var i = 0; i < 200; i++)
        {
            var payload = Mutant(random, i);
            MqttClientPublishResult ack;
            // Other tests of this class use up the gateway's rate: a refused message waits and is sent again, as a gateway would.
            for (var attempt = 0; ; attempt++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                ack = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("sg/v1/gw/gw-a/alert").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
                if (ack.ReasonCode != MqttClientPublishReasonCode.QuotaExceeded || attempt == 100) break;
                await Task.Delay(50);
            }
            codes[ack.ReasonCode] = codes.GetValueOrDefault(ack.ReasonCode) + 1;
            Assert.True(client.IsConnected, $"message {i} ({Encoding.UTF8.GetString(payload)}) dropped the connection");
        }
        // Both kinds of answer occur, and the service is not holding anything back.
        Assert.True(codes.GetValueOrDefault(MqttClientPublishReasonCode.Success) > 0, string.Join(", ", codes));
        Assert.True(codes.Where(c => c.Key != MqttClientPublishReasonCode.Success).Sum(c => c.Value) > 50, string.Join(", ", codes));
        var ingestion = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/ingestion"));
        Assert.False(ingestion.GetProperty("paused").GetBoolean());
        var good = IngestionFixture.Alert("mh-1", "manhole.tilt");
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", good)).IsSuccess);
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id = '{good["msgId"]}'"));
    }

    [Fact]
    public async Task Rejects_name_the_message_and_the_rule_and_show_in_the_gateway_health_and_the_dead_letter_list()
    {
        using var client = await api.ConnectA();
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-a");
        var swapped = IngestionFixture.Alert("roamer", "flood.depth", "swap-1");
        (swapped["lon"], swapped["lat"]) = (31.2305, 121.4705);
        await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", swapped);
        var r = await IngestionFixture.Eventually(() => Task.FromResult(Snapshot(rejects)), x => x.Any(j => j.GetProperty("msgId").GetString() == "swap-1"));
        var reject = r.Single(j => j.GetProperty("msgId").GetString() == "swap-1");
        Assert.Equal("swapped-coordinates", reject.GetProperty("reason").GetString());
        Assert.Contains("swapped", reject.GetProperty("detail").GetString());

        var health = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-a/health"));
        Assert.True(health.GetProperty("refused").GetProperty("swapped-coordinates").GetInt64() >= 1);
        Assert.True(health.GetProperty("database").GetProperty("deadLettersByReason").GetProperty("swapped-coordinates").GetInt64() >= 1);
        var list = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/dead-letters?gateway=gw-a&reason=swapped-coordinates"));
        var letter = list.GetProperty("items").EnumerateArray().First(i => i.GetProperty("msgId").GetString() == "swap-1");
        Assert.Contains("\"swap-1\"", letter.GetProperty("payload").GetString());
        Assert.Equal("sg/v1/gw/gw-a/alert", letter.GetProperty("topic").GetString());
    }

    [Theory]
    [InlineData("sg/v1/gw/gw-a/alerts")]
    [InlineData("sg/v1/gw/gw-a/Alert")]
    [InlineData("sg/v1/gw/gw-a/alert/extra")]
    [InlineData("sg/v1/gw/gw-a/rejects")]
    public async Task A_misspelt_topic_is_refused_not_acknowledged_as_stored(string topic)
    {
        using var client = await api.ConnectA();
        var rejects = await IngestionFixture.SubscribeRejects(client, "gw-a");
        var alert = IngestionFixture.Alert("mh-1", "manhole.tilt");
        var ack = await IngestionFixture.PublishAsync(client, topic, alert);
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, ack.ReasonCode);
        var reject = await IngestionFixture.Eventually(() => Task.FromResult(Snapshot(rejects)),
            r => r.Any(x => x.GetProperty("reason").GetString() == "unknown-topic" && x.GetProperty("detail").GetString()!.Contains(topic)));
        Assert.Contains("sg/v1/gw/gw-a/alert", reject.Last(x => x.GetProperty("reason").GetString() == "unknown-topic").GetProperty("detail").GetString());
        Assert.Equal(0, await api.ScalarAsync($"SELECT count(*) FROM alerts WHERE msg_id = '{alert["msgId"]}'"));
        var health = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-a/health"));
        Assert.True(health.GetProperty("refused").GetProperty("unknown-topic").GetInt64() >= 1);
        // status and gps, beside alert, are taken.
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/status", Encoding.UTF8.GetBytes("{}"))).IsSuccess);
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/gps", Encoding.UTF8.GetBytes("{\"fixes\":[]}"))).IsSuccess);
    }

    [Fact]
    public async Task A_gateways_last_will_cannot_publish_what_the_gateway_may_not()
    {
        // gw-b listens where the service publishes case events and gw-a's rejects would go.
        using var listener = await api.ConnectAsync("gw-b", api.SecretB);
        var received = new List<string>();
        listener.ApplicationMessageReceivedAsync += e =>
        {
            lock (received) received.Add(e.ApplicationMessage.Topic + " " + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        var subscribed = await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("sg/v1/cases/310101/#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, subscribed.Items.Single().ResultCode);

        // gw-a sets a last will on a case-event topic (forged) and on its own alert topic, then drops off.
        foreach (var (topic, payload) in new[] { ("sg/v1/cases/310101/310101002001001/created", "forged"), ("sg/v1/gw/gw-a/alert", IngestionFixture.Alert("mh-1", "manhole.tilt", "will-1").ToJsonString()) })
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", api.MqttPort).WithCredentials("gw-a", api.SecretA)
                .WithClientId($"gw-a-will-{Guid.NewGuid():N}").WithProtocolVersion(MqttProtocolVersion.V500)
                .WithWillTopic(topic).WithWillPayload(Encoding.UTF8.GetBytes(payload)).WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(options)).ResultCode);
            // Gone without a DISCONNECT, as a gateway that loses power: the broker publishes the will.
            client.Dispose();
        }
        // A will has no delay here: had it been let through, it would have arrived by now.
        await Task.Delay(1500);
        lock (received) Assert.DoesNotContain(received, r => r.Contains("forged"));
        // Nor is a will taken as an alert: nothing acknowledged it to the gateway.
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM alerts WHERE msg_id = 'will-1'"));
    }

    [Fact]
    public async Task An_oversized_payload_is_refused_with_its_size_and_kept_whole()
    {
        using var client = await api.ConnectA();
        var big = IngestionFixture.Alert("mh-1", "manhole.tilt", "big-1");
        big["props"] = new JsonObject { ["blob"] = new string('x', 10_000) };
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/alert", big);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, ack.ReasonCode);
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM dead_letters WHERE reason = 'too-large' AND msg_id = 'big-1' AND size > 10000 AND length(payload) = size"));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM alerts WHERE msg_id = 'big-1'"));
    }

    [Fact]
    public async Task A_gateway_may_publish_and_subscribe_only_under_its_own_topics()
    {
        using var client = await api.ConnectA();
        var other = IngestionFixture.Alert("mh-9", "manhole.tilt", "spoof-1");
        var ack = await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-b/alert", other);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM alerts WHERE msg_id = 'spoof-1'"));
        var sub = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("sg/v1/gw/gw-b/#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, sub.Items.Single().ResultCode);
        var all = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, all.Items.Single().ResultCode);
        var health = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-a/health"));
        Assert.True(health.GetProperty("refused").GetProperty("forbidden-topic").GetInt64() >= 1);
        // A status message under its own prefix is accepted.
        Assert.True((await IngestionFixture.PublishAsync(client, "sg/v1/gw/gw-a/status", Encoding.UTF8.GetBytes("{\"online\":true}"))).IsSuccess);
    }

    [Fact]
    public async Task A_flooding_gateway_is_refused_past_its_rate_cap_and_does_not_starve_another()
    {
        using var flood = await api.ConnectA();
        using var quiet = await api.ConnectAsync("gw-b", api.SecretB);
        // Many messages in flight at once from gw-a: past its burst it gets QuotaExceeded; gw-b is served meanwhile.
        var sends = Enumerable.Range(0, 1500).Select(i => IngestionFixture.PublishAsync(flood, "sg/v1/gw/gw-a/status", Encoding.UTF8.GetBytes("{}"))).ToList();
        var calm = await IngestionFixture.PublishAsync(quiet, "sg/v1/gw/gw-b/alert", IngestionFixture.Alert("mh-9", "bin.full"));
        Assert.True(calm.IsSuccess);
        var results = await Task.WhenAll(sends);
        Assert.Contains(results, r => r.ReasonCode == MqttClientPublishReasonCode.QuotaExceeded);
        var health = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/gateways/gw-a/health"));
        Assert.True(health.GetProperty("refused").GetProperty("rate-limited").GetInt64() >= 1);
    }

    private static List<JsonElement> Snapshot(List<JsonElement> list)
    {
        lock (list) return [.. list];
    }
}
