using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Evaluation;

/// <summary>
/// The small city (district 310101, a west and an east grid) on Tuesday 24 November 2026, 10:00 in Shanghai, with a
/// dispatcher's key (the acceptor and shift leader), a patrol key (the supervisors' phones) and three supervisors:
/// w-near and w-far on the day shift (08:00–17:00) of the west grid, w-far also on the evening shift (17:00–23:00),
/// w-off on no shift. Nobody is rostered for the east grid. The sweeps are driven by the tests.
/// </summary>
public sealed class SupervisionFixture : ApiFixture
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, Cst));
    public SmallCity City { get; } = new("310101", 121.46, 31.22);
    public HttpClient Desk { get; private set; } = null!;
    public HttpClient Phone { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cases:ColourSweepEnabled"] = "false",
        ["Cases:TaskSweepEnabled"] = "false",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ComponentFiles.PublishCity(this, City);
        Desk = WithKey(await Key("acceptor desk", "dispatcher"));
        Phone = WithKey(await Key("supervisor phones", "patrol"));
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/teams", new { id = "t-1", name = "一队", district = City.District }));
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/workers", new[]
        {
            new { id = "w-near", name = "近", team = "t-1", role = "grid-worker", district = City.District },
            new { id = "w-far", name = "远", team = "t-1", role = "supervisor", district = City.District },
            new { id = "w-off", name = "休", team = "t-1", role = "grid-worker", district = City.District },
        }));
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/shifts", new[]
        {
            new { code = "day", name = "白班", district = City.District, starts = "08:00", ends = "17:00", grids = new[] { City.WestGrid } },
            new { code = "evening", name = "晚班", district = City.District, starts = "17:00", ends = "23:00", grids = new[] { City.WestGrid } },
        }));
        await Ok(await Admin.PostAsJsonAsync("/api/patrols/roster", new[]
        {
            new { day = "2026-11-24", worker = "w-near", shift = "day" },
            new { day = "2026-11-24", worker = "w-far", shift = "day" },
            new { day = "2026-11-24", worker = "w-far", shift = "evening" },
        }));
        await Positions(Clock.GetUtcNow());
    }

    /// <summary>w-near stands by the west point, w-far 800 m east of it (in the east grid): fixes of the two minutes before <paramref name="at"/>.</summary>
    public async Task Positions(DateTimeOffset at)
    {
        var (lon, lat) = City.WestPoint;
        JsonObject Fix(string worker, int before, double x) => new() { ["worker"] = worker, ["t"] = at.AddMinutes(-before).ToString("yyyy-MM-ddTHH:mm:ssK"), ["lon"] = x, ["lat"] = lat };
        var batch = new JsonObject { ["fixes"] = new JsonArray(Fix("w-near", 2, lon), Fix("w-near", 1, lon + 0.0001), Fix("w-far", 2, lon + 0.0083), Fix("w-far", 1, lon + 0.0084)) };
        await Ok(await Admin.PostAsync("/api/patrols/positions", new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json")));
    }

    private async Task<string> Key(string name, string role)
    {
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name, roles = new[] { role } });
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    public static async Task Ok(HttpResponseMessage r) => Assert.True(r.IsSuccessStatusCode, $"{r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
}
