using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.DeviceSim;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>
/// Ingestion through Mosquitto (Debian's, started by deploy/test.sh with persistence, a password file and an ACL
/// file): the API writes both files from its gateway registry and signals the broker; several instances share the
/// alerts through <c>$share/…</c>; an instance killed mid-stream gets back what it had not acknowledged.
/// </summary>
[Collection("Reliability")]
public sealed class ExternalBrokerTests
{
    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests with deploy/test.sh, which starts Mosquitto");

    private static (string Host, int Port) Broker
    {
        get
        {
            var parts = Env("SG_TEST_MOSQUITTO").Split(':');
            return (parts[0], int.Parse(parts[1]));
        }
    }

    private static Dictionary<string, string> External(string clientId, string group)
    {
        var dir = Env("SG_TEST_MOSQUITTO_DIR");
        var (host, port) = Broker;
        return new Dictionary<string, string>
        {
            ["Ingestion__Mode"] = "external",
            ["Ingestion__External__Host"] = host,
            ["Ingestion__External__Port"] = port.ToString(),
            ["Ingestion__External__Username"] = "spatialgrid",
            ["Ingestion__External__Password"] = Env("SG_TEST_MOSQUITTO_PASSWORD"),
            ["Ingestion__External__ClientId"] = clientId,
            ["Ingestion__External__SharedGroup"] = group,
            // Shared by the instances, four connections each (the service's default is one plain subscription).
            ["Ingestion__External__Connections"] = "4",
            ["Ingestion__External__PasswordFile"] = Path.Combine(dir, "passwd"),
            ["Ingestion__External__AclFile"] = Path.Combine(dir, "acl"),
            ["Ingestion__External__PidFile"] = Path.Combine(dir, "mosquitto.pid"),
        };
    }

    /// <summary>Ends an instance's sessions (one per connection) so that the broker stops keeping messages for them after the test.</summary>
    private static async Task EndSession(string clientId)
    {
        for (var n = 0; n < 4; n++) await EndOne($"{clientId}-{n}");
    }

    private static async Task EndOne(string clientId)
    {
        var (host, port) = Broker;
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials("spatialgrid", Env("SG_TEST_MOSQUITTO_PASSWORD"))
            .WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(true).WithSessionExpiryInterval(0).Build());
        await client.DisconnectAsync();
    }

    private static async Task<long> Messages(ApiProcess api, string key)
    {
        using var http = api.Client(key);
        return (await http.GetFromJsonAsync<JsonElement>("/api/ingestion")).GetProperty("messages").GetInt64();
    }

    /// <summary>The broker acknowledges on its own; the service stores asynchronously: wait until everything sent is in.</summary>
    private static async Task<Reconciliation> ReconcileWhenSettled(ApiProcess api, RunResult run)
    {
        using var http = api.Client();
        Reconciliation r;
        var until = DateTime.UtcNow.AddMinutes(3);
        do
        {
            await Task.Delay(500);
            r = await Reconciler.RunAsync(http, run, TextWriter.Null, CancellationToken.None);
        } while (r.Stored < run.Good && DateTime.UtcNow < until);
        return r;
    }

    private static async Task<FleetState> FleetAsync(ApiProcess api, int gateways, int devices)
    {
        var fleet = await ReliabilityTests.SetUpAsync(api, gateways, devices);
        // Mosquitto reloads its files on SIGHUP; wait until a gateway of the new registry is let in.
        var (host, port) = Broker;
        var gw = fleet.Gateways[^1];
        for (var i = 0; ; i++)
        {
            using var probe = new MqttClientFactory().CreateMqttClient();
            try
            {
                var r = await probe.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials(gw.Id, gw.Secret).WithClientId($"probe-{Guid.NewGuid():N}").Build());
                if (r.ResultCode == MqttClientConnectResultCode.Success) break;
            }
            catch (Exception) when (i < 50)
            {
            }
            await Task.Delay(100);
        }
        return fleet;
    }

    [Fact]
    public async Task Two_instances_share_the_alerts_and_each_alert_is_stored_once()
    {
        var group = $"sg{Guid.NewGuid():N}"[..12];
        await using var db = await TestDatabase.CreateAsync();
        await using var one = new ApiProcess(db.ConnectionString, External($"{group}-1", group));
        await one.StartAsync();
        var fleet = await FleetAsync(one, gateways: 10, devices: 4);
        await using var two = new ApiProcess(db.ConnectionString, External($"{group}-2", group));
        await two.StartAsync();
        var (host, port) = Broker;
        try
        {
            var run = await Publisher.RunAsync(fleet, new RunOptions { Host = host, Port = port, Count = 20_000, Rate = 0, InFlight = 16, Bad = 0.01, Repeat = 0.01 },
                TextWriter.Null, CancellationToken.None);
            var r = await ReconcileWhenSettled(one, run);
            Assert.True(r.Clean && r.Stored == run.Good, r.ToString());
            // Both instances took part (the second has no key file of its own: the database had its admin already).
            var (m1, m2) = (await Messages(one, one.AdminKey), await Messages(two, one.AdminKey));
            Assert.True(m1 > 1000 && m2 > 1000, $"instance 1 handled {m1}, instance 2 {m2}");

            // Mosquitto enforces what the registry says: a gateway cannot publish under another's prefix.
            var spoof = fleet.Gateways[0];
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials(spoof.Id, spoof.Secret)
                .WithProtocolVersion(MqttProtocolVersion.V500).Build());
            var ack = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"sg/v1/gw/{fleet.Gateways[1].Id}/alert")
                .WithPayload("{}").WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var wrong = new MqttClientFactory().CreateMqttClient();
                var result = await wrong.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials(spoof.Id, "sgw_wrong").Build());
                if (result.ResultCode != MqttClientConnectResultCode.Success) throw new InvalidOperationException(result.ResultCode.ToString());
            });
        }
        finally
        {
            one.Kill();
            two.Kill();
            await EndSession($"{group}-1");
            await EndSession($"{group}-2");
        }
    }

    [Fact]
    public async Task An_instance_killed_mid_stream_gets_back_what_it_had_not_acknowledged()
    {
        var group = $"sg{Guid.NewGuid():N}"[..12];
        await using var db = await TestDatabase.CreateAsync();
        await using var api = new ApiProcess(db.ConnectionString, External($"{group}-1", group));
        await api.StartAsync();
        var fleet = await FleetAsync(api, gateways: 10, devices: 4);
        var (host, port) = Broker;
        try
        {
            var run = await ReliabilityTests.StreamInterruptedAsync(fleet, new RunOptions { Host = host, Port = port, Count = 30_000, Rate = 0, InFlight = 16, Bad = 0, Repeat = 0.01 },
                afterAcks: 10_000, () => ReliabilityTests.KillAndRestart(api));
            // The devices were acknowledged by the broker throughout: every alert sent must be stored, once.
            Assert.All(run.Outcome, o => Assert.Equal(Sent.Acked, o));
            var r = await ReconcileWhenSettled(api, run);
            Assert.True(r.Clean && r.Stored == run.Good, r.ToString());
        }
        finally
        {
            api.Kill();
            await EndSession($"{group}-1");
        }
    }

    [Fact]
    public async Task Patrol_fixes_come_through_the_external_broker_too_and_a_misspelt_topic_is_kept_as_a_dead_letter()
    {
        var group = $"sg{Guid.NewGuid():N}"[..12];
        await using var db = await TestDatabase.CreateAsync();
        await using var api = new ApiProcess(db.ConnectionString, External($"{group}-1", group));
        await api.StartAsync();
        var (host, port) = Broker;
        try
        {
            using var admin = api.Client(api.AdminKey);
            // Workers belong to a district of the grid registry.
            (await admin.PostAsync("/api/grids/imports", Upload.GeoJson(new Grids.SmallCity("310101", 121.46, 31.22).GeoJson(), ("publish", "true")))).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync("/api/patrols/workers", new { id = "ext-w1", name = "外部网格员", role = "grid-worker", district = "310101" })).EnsureSuccessStatusCode();
            var created = await admin.PostAsJsonAsync("/api/gateways", new { id = $"{group}-gw", name = "Patrol phones via Mosquitto" });
            created.EnsureSuccessStatusCode();
            var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
            using var client = new MqttClientFactory().CreateMqttClient();
            // Mosquitto takes the new gateway once it has reloaded the files the service rewrote.
            for (var i = 0; !client.IsConnected; i++)
            {
                try
                {
                    await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials($"{group}-gw", secret)
                        .WithClientId($"{group}-phone").WithProtocolVersion(MqttProtocolVersion.V500).Build());
                }
                catch (Exception) when (i < 50)
                {
                    await Task.Delay(100);
                }
            }
            var now = DateTimeOffset.UtcNow;
            var batch = new { fixes = new[] { new { worker = "ext-w1", t = now.AddSeconds(-20), lon = 121.47, lat = 31.23 }, new { worker = "ext-w1", t = now.AddSeconds(-10), lon = 121.4701, lat = 31.23 } } };
            var ack = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"sg/v1/gw/{group}-gw/gps")
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(batch)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
            long stored = 0;
            for (var i = 0; i < 100 && stored < 2; i++)
            {
                await Task.Delay(100);
                await using var conn = new Npgsql.NpgsqlConnection(db.ConnectionString);
                await conn.OpenAsync();
                stored = (long)(await new Npgsql.NpgsqlCommand("SELECT count(*) FROM gps_points WHERE worker_id = 'ext-w1'", conn).ExecuteScalarAsync())!;
            }
            Assert.Equal(2, stored);

            // A misspelt topic: the broker acknowledges it (it must, for MQTT 3.1.1 clients), so the service keeps it
            // whole as a dead letter with its msgId instead of letting it vanish.
            var misspelt = $"{{\"msgId\":\"{group}-typo\",\"deviceId\":\"x\"}}";
            ack = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"sg/v1/gw/{group}-gw/alerts")
                .WithPayload(misspelt).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
            long kept = 0;
            for (var i = 0; i < 100 && kept < 1; i++)
            {
                await Task.Delay(100);
                await using var conn = new Npgsql.NpgsqlConnection(db.ConnectionString);
                await conn.OpenAsync();
                kept = (long)(await new Npgsql.NpgsqlCommand($"SELECT count(*) FROM dead_letters WHERE msg_id = '{group}-typo' AND reason = 'unknown-topic' AND payload = convert_to('{misspelt}', 'UTF8')", conn).ExecuteScalarAsync())!;
            }
            Assert.Equal(1, kept);
        }
        finally
        {
            api.Kill();
            await EndSession($"{group}-1");
        }
    }
}
