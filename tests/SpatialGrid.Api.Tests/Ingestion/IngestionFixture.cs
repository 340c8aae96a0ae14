using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ingestion;

/// <summary>
/// The API with its embedded MQTT broker on a free port, the small city published with two manhole covers, and
/// two gateways: <c>gw-a</c> (a manhole sensor on a cover, two cameras at fixed places) and <c>gw-b</c> (one sensor).
/// </summary>
public class IngestionFixture : ApiFixture
{
    public SmallCity City { get; } = new("310101", 121.46, 31.22);
    public int MqttPort { get; } = FreePort.Next();
    public string SecretA { get; private set; } = "";
    public string SecretB { get; private set; } = "";
    public string CoverCode { get; private set; } = "";
    public string OtherCoverCode { get; private set; } = "";
    public HttpClient Dispatcher { get; private set; } = null!;

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = new Dictionary<string, string?>
            {
                ["Ingestion:Enabled"] = "true",
                ["Ingestion:Port"] = MqttPort.ToString(),
                ["Ingestion:BindAddress"] = "127.0.0.1",
                ["Cases:ColourSweepEnabled"] = "false",
            };
            foreach (var (k, v) in ExtraSettings) s[k] = v;
            return s;
        }
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ComponentFiles.PublishCity(this, City);
        var (wx, wy) = City.WestPoint;
        var (ex, ey) = City.EastPoint;
        var imported = await ComponentFiles.Import(this, [
            ComponentFiles.Feature("0102", ComponentFiles.Point(wx, wy), name: "sewage cover west"),
            ComponentFiles.Feature("0102", ComponentFiles.Point(ex, ey), name: "sewage cover east"),
        ]);
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        var components = await ComponentFiles.Json(await Admin.GetAsync("/api/components?class=0102"));
        var items = components.GetProperty("items").EnumerateArray().ToList();
        OtherCoverCode = items.Single(i => i.GetProperty("name").GetString() == "sewage cover east").GetProperty("code").GetString()!;
        CoverCode = items.Single(i => i.GetProperty("name").GetString() == "sewage cover west").GetProperty("code").GetString()!;

        SecretA = await CreateGateway("gw-a");
        SecretB = await CreateGateway("gw-b");
        await RegisterDevices("gw-a", new JsonArray(
            new JsonObject { ["id"] = "mh-1", ["kind"] = "manhole-sensor", ["componentCode"] = CoverCode },
            new JsonObject { ["id"] = "cam-1", ["kind"] = "camera", ["lon"] = wx + 0.001, ["lat"] = wy },
            new JsonObject { ["id"] = "cam-2", ["kind"] = "camera", ["lon"] = wx + 0.0011, ["lat"] = wy },
            new JsonObject { ["id"] = "roamer", ["kind"] = "flood-sensor" }));
        await RegisterDevices("gw-b", new JsonArray(new JsonObject { ["id"] = "mh-9", ["kind"] = "manhole-sensor", ["componentCode"] = OtherCoverCode }));

        var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "dispatch desk", roles = new[] { "dispatcher" } });
        Dispatcher = WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
    }

    public async Task<string> CreateGateway(string id)
    {
        var response = await Admin.PostAsJsonAsync("/api/gateways", new { id, name = $"Test gateway {id}", districts = new[] { City.District } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ComponentFiles.Json(response)).GetProperty("secret").GetString()!;
    }

    public async Task RegisterDevices(string gateway, JsonArray devices)
    {
        var response = await Editor.PostAsync($"/api/gateways/{gateway}/devices", new StringContent(devices.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<IMqttClient> ConnectAsync(string gateway, string secret, MqttProtocolVersion version = MqttProtocolVersion.V500, string? clientId = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithCredentials(gateway, secret)
            .WithClientId(clientId ?? $"{gateway}-{Guid.NewGuid():N}").WithProtocolVersion(version).WithTimeout(TimeSpan.FromSeconds(30)).Build();
        var result = await client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"connection refused: {result.ResultCode}");
        }
        return client;
    }

    public Task<IMqttClient> ConnectA() => ConnectAsync("gw-a", SecretA);

    public static async Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, byte[] payload) =>
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, JsonObject alert) =>
        PublishAsync(client, topic, Encoding.UTF8.GetBytes(alert.ToJsonString()));

    /// <summary>An alert of gw-a's manhole sensor with a fresh msgId; change what a test needs.</summary>
    public static JsonObject Alert(string device = "mh-1", string type = "manhole.tilt", string? msgId = null) => new()
    {
        ["msgId"] = msgId ?? Guid.NewGuid().ToString("N"),
        ["deviceId"] = device,
        ["type"] = type,
        ["severity"] = "major",
        ["observedAt"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"),
    };

    /// <summary>Collects what the service publishes to a gateway on its rejects topic.</summary>
    public static async Task<List<JsonElement>> SubscribeRejects(IMqttClient client, string gateway)
    {
        var received = new List<JsonElement>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == $"sg/v1/gw/{gateway}/rejects")
            {
                lock (received) received.Add(JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString()).RootElement.Clone());
            }
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"sg/v1/gw/{gateway}/rejects", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return received;
    }

    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(50);
        }
    }
}
