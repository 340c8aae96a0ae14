using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>
/// A street of three grids side by side (west, middle, east; each ~630 m wide) in district 310101, the embedded MQTT
/// broker with gateway <c>gw-p</c>, a team and workers, under a controlled clock: Tuesday 24 November 2026, 12:00 in
/// Shanghai. Fixes of the tests lie that morning.
/// </summary>
public sealed class PatrolFixture : ApiFixture
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, Cst).ToUniversalTime());
    public int MqttPort { get; } = FreePort.Next();
    public const string District = "310101";
    public const string West = "310101002001001", Middle = "310101002001002", East = "310101002001003";
    public const double Lat = 31.23;
    /// <summary>The latitude of the fixture's one road (class 0201), from 121.462 in West to 121.470 in Middle: no other fixes come near it.</summary>
    public const double RoadLat = 31.235;
    public static double CentreOf(string grid) => grid switch { West => 121.46333, Middle => 121.47, _ => 121.47667 };
    public string GatewaySecret { get; private set; } = "";
    public HttpClient Dispatcher { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ingestion:Enabled"] = "true",
        ["Ingestion:Port"] = MqttPort.ToString(),
        ["Ingestion:BindAddress"] = "127.0.0.1",
        ["Cases:ColourSweepEnabled"] = "false",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        JsonObject Box(double x1, double x2) => SmallCity.Box(x1, 31.22, x2, 31.24);
        var city = SmallCity.Collection([
            SmallCity.Feature(District, "Street district", Box(121.46, 121.48)),
            SmallCity.Feature("310101002", "Street sub-district", Box(121.46, 121.48)),
            SmallCity.Feature("310101002001", "Street community", Box(121.46, 121.48)),
            SmallCity.Feature(West, "West grid", Box(121.46, 121.466667)),
            SmallCity.Feature(Middle, "Middle grid", Box(121.466667, 121.473333)),
            SmallCity.Feature(East, "East grid", Box(121.473333, 121.48)),
            // A second district beside it, for the scope tests.
            SmallCity.Feature("310104", "Neighbour district", Box(121.48, 121.50)),
        ]);
        var published = await Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city, ("publish", "true")));
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());

        // Before any fix is walked: the writer reads the roads once (again only after Patrols:RoadsRefreshMinutes).
        var road = await ComponentFiles.Import(this,
            [ComponentFiles.Feature("0201", ComponentFiles.Line((121.462, RoadLat), (121.470, RoadLat)), name: "北路")]);
        Assert.True(road.IsSuccessStatusCode, await road.Content.ReadAsStringAsync());
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "dispatch desk", roles = new[] { "dispatcher" } });
        Dispatcher = WithKey(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
        Ok(await Dispatcher.PostAsJsonAsync("/api/patrols/teams", new { id = "t-street", name = "街面一队", district = District, subDistrict = "310101002" }));
        var workers = Enumerable.Range(1, 15).Select(i => new { id = $"w-{i}", name = $"网格员{i}", team = "t-street", role = "grid-worker", district = District });
        Ok(await Dispatcher.PostAsJsonAsync("/api/patrols/workers", workers));

        var gateway = await Admin.PostAsJsonAsync("/api/gateways", new { id = "gw-p", name = "Patrol phones", districts = new[] { District } });
        Assert.True(gateway.StatusCode == HttpStatusCode.Created, await gateway.Content.ReadAsStringAsync());
        GatewaySecret = (await ComponentFiles.Json(gateway)).GetProperty("secret").GetString()!;
    }

    public static void Ok(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");

    /// <summary>A fix of the morning of the fixture's day (local time h:m).</summary>
    public static JsonObject Fix(string worker, int hour, int minute, double lon, double lat = Lat, int second = 0) => new()
    {
        ["worker"] = worker,
        ["t"] = new DateTimeOffset(2026, 11, 24, hour, minute, second, Cst).ToString("yyyy-MM-ddTHH:mm:ssK"),
        ["lon"] = lon,
        ["lat"] = lat,
        ["accuracy"] = 8,
    };

    public static StringContent Batch(params JsonNode[] fixes) =>
        new(new JsonObject { ["fixes"] = new JsonArray(fixes) }.ToJsonString(), Encoding.UTF8, "application/json");

    public async Task<JsonElement> Post(params JsonNode[] fixes)
    {
        var response = await Dispatcher.PostAsync("/api/patrols/positions", Batch(fixes));
        Ok(response);
        return await ComponentFiles.Json(response);
    }

    public async Task<Dictionary<string, JsonElement>> Coverage(string worker)
    {
        var json = await ComponentFiles.Json(await Dispatcher.GetAsync("/api/patrols/workers/" + worker + "/day?date=2026-11-24"));
        return json.GetProperty("grids").EnumerateArray().ToDictionary(g => g.GetProperty("grid").GetString()!, g => g.Clone());
    }
}
