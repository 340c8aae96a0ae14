using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Ingestion;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>
/// Two districts with something of everything: district A (310101, the ingestion fixture's city, gateway <c>gw-a</c>)
/// and district B (310104, gateway <c>gw-south</c> with device <c>mh-south</c>). Each district has a case opened over
/// HTTP, a case opened by a device alert, and a dead letter. <see cref="DeskA"/> is a dispatcher key scoped to A;
/// <see cref="Secrets"/> names every string of B that a caller of A must never read (<see cref="OfB"/>).
/// </summary>
public class ScopeFixture : IngestionFixture
{
    /// <summary>The scope tests share one fixture (its API, broker and database) and run one class after another.</summary>
    public const string Collection = "scope";

    public SmallCity CityB { get; } = new("310104", 121.40, 31.15);
    public string SecretSouth { get; private set; } = "";
    public HttpClient DeskA { get; private set; } = null!;
    public string DeskAKey { get; private set; } = "";
    public string CaseA { get; private set; } = "";
    public string CaseB { get; private set; } = "";
    public string AlertCaseB { get; private set; } = "";
    /// <summary>A confirm task for <see cref="CaseB"/>.</summary>
    public long TaskB { get; private set; }
    public string AlertMsgB { get; } = "south-msg-" + Guid.NewGuid().ToString("N")[..8];
    public const string DeadPayloadB = "{\"south-dead-letter\": ";

    /// <summary>District B's patrol team and its worker, who walked B's west grid in the past minutes.</summary>
    public const string TeamB = "t-south", WorkerB = "w-south";

    /// <summary>Strings that exist only in district B's objects.</summary>
    public string[] OfB => [CaseB, AlertCaseB, AlertMsgB, "gw-south", "mh-south", "south-dead-letter"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ComponentFiles.PublishCity(this, CityB);
        var response = await Admin.PostAsJsonAsync("/api/gateways", new { id = "gw-south", name = "Gateway of district B", districts = new[] { CityB.District } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        SecretSouth = (await ComponentFiles.Json(response)).GetProperty("secret").GetString()!;
        var (bx, by) = CityB.EastPoint;
        await RegisterDevices("gw-south", new JsonArray(new JsonObject { ["id"] = "mh-south", ["kind"] = "manhole-sensor", ["lon"] = bx, ["lat"] = by }));
        (DeskAKey, DeskA) = await KeyAsync("desk A", "dispatcher", City.District);

        CaseA = await OpenCaseAsync(City.WestPoint);
        CaseB = await OpenCaseAsync(CityB.WestPoint);
        // A confirm task of B's (nobody is on shift in B: it waits in the acceptor's queue).
        var task = await Admin.PostAsJsonAsync($"/api/cases/{CaseB}/tasks", new { kind = "confirm" });
        Assert.True(task.StatusCode == HttpStatusCode.Created, await task.Content.ReadAsStringAsync());
        TaskB = (await ComponentFiles.Json(task)).GetProperty("id").GetInt64();

        using (var south = await ConnectAsync("gw-south", SecretSouth))
        {
            var ack = await PublishAsync(south, "sg/v1/gw/gw-south/alert", Alert("mh-south", "manhole.tilt", AlertMsgB));
            Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
            await PublishAsync(south, "sg/v1/gw/gw-south/alert", Encoding.UTF8.GetBytes(DeadPayloadB));
        }
        using (var north = await ConnectA())
        {
            var ack = await PublishAsync(north, "sg/v1/gw/gw-a/alert", Alert("mh-1", "manhole.tilt"));
            Assert.True(ack.IsSuccess, ack.ReasonCode.ToString());
            await PublishAsync(north, "sg/v1/gw/gw-a/alert", Encoding.UTF8.GetBytes("{\"north-dead-letter\": "));
        }
        await PatrolAsync(City, "t-north", "w-north");
        await PatrolAsync(CityB, TeamB, WorkerB);
        var alerts = await ComponentFiles.Json(await Admin.GetAsync("/api/alerts?device=mh-south"));
        AlertCaseB = alerts.GetProperty("items")[0].GetProperty("caseNumber").GetString()!;
    }

    /// <summary>A team and a worker of a city's district, and the worker's fixes of the past minutes across its west grid.</summary>
    private async Task PatrolAsync(SmallCity city, string team, string worker)
    {
        async Task Ok(HttpResponseMessage r) => Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/teams", new { id = team, name = "巡查 " + team, district = city.District, subDistrict = city.SubDistrict }));
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/workers", new { id = worker, name = "网格员 " + worker, team, role = "grid-worker", district = city.District }));
        var now = DateTimeOffset.UtcNow;
        var fixes = Enumerable.Range(1, 4).Select(i => new JsonObject
        {
            ["worker"] = worker, ["t"] = now.AddMinutes(i - 5).ToString("yyyy-MM-ddTHH:mm:ssK"),
            ["lon"] = city.WestPoint.Lon + i * 0.0002, ["lat"] = city.WestPoint.Lat, ["accuracy"] = 8,
        });
        var posted = await Admin.PostAsync("/api/patrols/positions",
            new StringContent(new JsonObject { ["fixes"] = new JsonArray([.. fixes]) }.ToJsonString(), Encoding.UTF8, "application/json"));
        await Ok(posted);
    }

    /// <summary>A new API key and a client carrying it.</summary>
    public async Task<(string Key, HttpClient Client)> KeyAsync(string name, string role, params string[] scopes)
    {
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name, roles = new[] { role }, scopes });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        var key = JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
        return (key, WithKey(key));
    }

    public async Task<string> OpenCaseAsync((double Lon, double Lat) at, string description = "scope: 占道经营")
    {
        var created = await Admin.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description, lon = at.Lon, lat = at.Lat });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }
}

/// <summary>The test classes about scopes, over one <see cref="ScopeFixture"/>.</summary>
[CollectionDefinition(ScopeFixture.Collection)]
public sealed class ScopeCollection : ICollectionFixture<ScopeFixture>;
