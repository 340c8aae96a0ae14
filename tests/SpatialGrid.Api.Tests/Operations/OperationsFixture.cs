using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.Api.Tests.Ingestion;
using SpatialGrid.DeviceSim;

namespace SpatialGrid.Api.Tests.Operations;

/// <summary>
/// The API as a process of its own (so that its <c>/metrics</c> shows its traffic alone, as Prometheus would see it),
/// with the small city, a gateway of two devices and JSON logs with scopes; and the traffic every metric needs,
/// sent once: alerts over MQTT (new, a repeat, a malformed one), a case over HTTP, tiles twice.
/// </summary>
public sealed class OperationsFixture : IAsyncLifetime
{
    private TestDatabase? _db;
    public ApiProcess Api { get; private set; } = null!;
    public SimGateway Gateway { get; private set; } = null!;
    public string ConnectionString => _db!.ConnectionString;
    public int AlertsStored { get; } = 3;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        Api = new ApiProcess(_db.ConnectionString, new Dictionary<string, string>
        {
            // Structured logs, as an operator would ship them: one JSON object a line, with the scopes (the trace id among them).
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            ["Logging__LogLevel__SpatialGrid"] = "Information",
        });
        await Api.StartAsync();
        Gateway = (await ReliabilityTests.SetUpAsync(Api, gateways: 1, devices: 2)).Gateways[0];
        await SendTrafficAsync();
    }

    public IMqttClient NewClient() => new MqttClientFactory().CreateMqttClient();

    public async Task<IMqttClient> ConnectAsync(MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = NewClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Api.MqttPort).WithCredentials(Gateway.Id, Gateway.Secret)
            .WithClientId($"{Gateway.Id}-{Guid.NewGuid():N}").WithProtocolVersion(version).WithTimeout(TimeSpan.FromSeconds(30)).Build();
        var result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    /// <summary>A flood alert of the gateway's first device, published with QoS 1; the PUBACK comes once it is committed.</summary>
    public async Task<MqttClientPublishResult> PublishAlertAsync(IMqttClient client, string msgId, string? traceparent = null, byte[]? raw = null,
        int device = 0, string? type = null)
    {
        var d = Gateway.Devices[device];
        var payload = raw ?? Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            msgId, deviceId = d.Id, type = type ?? d.Types[0], severity = "major", observedAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"),
        }));
        var message = new MqttApplicationMessageBuilder().WithTopic($"sg/v1/gw/{Gateway.Id}/alert").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (traceparent is not null) message.WithUserProperty("traceparent", traceparent);
        return await client.PublishAsync(message.Build());
    }

    /// <summary>Slippy-map tile of a point at a zoom.</summary>
    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (x, y);
    }

    private async Task SendTrafficAsync()
    {
        using var client = await ConnectAsync();
        for (var i = 0; i < AlertsStored; i++)
        {
            // Each alert opens or joins a case of the first device: the first opens one.
            var published = await PublishAlertAsync(client, $"traffic-{i}");
            Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);
        }
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAlertAsync(client, "traffic-0")).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, (await PublishAlertAsync(client, "bad", raw: "{not json"u8.ToArray())).ReasonCode);
        await client.DisconnectAsync();

        using var http = Api.Client();
        var device = Gateway.Devices[1];
        var created = await http.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "metrics traffic", lon = device.Lon, lat = device.Lat, source = "hotline" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        (await http.GetAsync("/api/cases")).EnsureSuccessStatusCode();
        var (x, y) = TileOf(device.Lon, device.Lat, 14);
        // The second request for the same grid tile is served from the cache; case tiles are never cached.
        for (var i = 0; i < 2; i++) (await http.GetAsync($"/tiles/grids/14/{x}/{y}.mvt")).EnsureSuccessStatusCode();
        (await http.GetAsync($"/tiles/cases/14/{x}/{y}.mvt")).EnsureSuccessStatusCode();
    }

    /// <summary>One scrape of <c>/metrics</c>, as Prometheus does it (no key).</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = Api.Address };
        var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
    }
}

/// <summary>Prometheus' text exposition format, read into samples: name, labels, value.</summary>
public sealed class PrometheusScrape
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public required string Text { get; init; }
    public required IReadOnlyList<Sample> Samples { get; init; }

    public IEnumerable<string> Names => Samples.Select(s => s.Name).Distinct();

    /// <summary>The sum of a metric's samples whose labels include those given.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var brace = line.IndexOf('{');
            var space = line.IndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>();
            string rest;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(line[(brace + 1)..close], "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\""))
                    labels[m.Groups[1].Value] = m.Groups[2].Value;
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            var value = rest.Split(' ')[0];
            samples.Add(new Sample(name, labels, value switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(value, CultureInfo.InvariantCulture) }));
        }
        return new PrometheusScrape { Text = text, Samples = samples };
    }
}
