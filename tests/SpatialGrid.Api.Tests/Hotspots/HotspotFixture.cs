using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Hotspots;

/// <summary>
/// A hundred days of case history in two districts under a fixed clock (Tuesday 24 November 2026, 12:00 in Shanghai):
/// district 310101 has six grids in two rows, one of them hot (three cases a day, mornings) and five quiet; district
/// 310104 beside it has two grids. A street team walks the quiet north-east grid an hour a day and the hot one five
/// minutes. Keys: a planner (whole city) and a dispatcher per district.
/// </summary>
public sealed class HotspotFixture : ApiFixture
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public static readonly DateOnly Today = new(2026, 11, 24);
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, Cst).ToUniversalTime());
    public const string A = "310101", B = "310104";
    public const string Hot = "310101002001001", QuietNorthEast = "310101002001006", BGrid = "310104001001001";
    public static readonly string[] AGrids = Enumerable.Range(1, 6).Select(i => $"310101002001{i:000}").ToArray();
    public static readonly string[] BGrids = [BGrid, "310104001001002"];
    public HttpClient Planner { get; private set; } = null!;
    public HttpClient DeskA { get; private set; } = null!;
    public HttpClient DeskB { get; private set; } = null!;
    public int CasesPosted { get; private set; }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cases:ColourSweepEnabled"] = "false",
        ["Cases:MaxBackdateDays"] = "400",
        ["Hotspots:NightlyEnabled"] = "false",
    };

    /// <summary>The centre of grid i (1..6: west to east, south row 1–3, north row 4–6) of district A, or of B's grids.</summary>
    public static (double Lon, double Lat) Centre(string grid)
    {
        if (grid.StartsWith(B, StringComparison.Ordinal)) return (grid.EndsWith('1') ? 121.485 : 121.495, 31.23);
        var i = int.Parse(grid[^3..]) - 1;
        return (121.46 + (i % 3 + 0.5) * 0.02 / 3, 31.22 + (i / 3 + 0.5) * 0.01);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var features = new List<JsonObject>
        {
            SmallCity.Feature(A, "Street district", SmallCity.Box(121.46, 31.22, 121.48, 31.24)),
            SmallCity.Feature("310101002", "Street sub-district", SmallCity.Box(121.46, 31.22, 121.48, 31.24)),
            SmallCity.Feature("310101002001", "Street community", SmallCity.Box(121.46, 31.22, 121.48, 31.24)),
            SmallCity.Feature(B, "Neighbour district", SmallCity.Box(121.48, 31.22, 121.50, 31.24)),
            SmallCity.Feature("310104001", "Neighbour sub-district", SmallCity.Box(121.48, 31.22, 121.50, 31.24)),
            SmallCity.Feature("310104001001", "Neighbour community", SmallCity.Box(121.48, 31.22, 121.50, 31.24)),
            SmallCity.Feature(BGrids[0], "B west", SmallCity.Box(121.48, 31.22, 121.49, 31.24)),
            SmallCity.Feature(BGrids[1], "B east", SmallCity.Box(121.49, 31.22, 121.50, 31.24)),
        };
        for (var i = 0; i < 6; i++)
        {
            double x = 121.46 + i % 3 * 0.02 / 3, y = 31.22 + i / 3 * 0.01;
            features.Add(SmallCity.Feature(AGrids[i], $"A grid {i + 1}", SmallCity.Box(x, y, x + 0.02 / 3, y + 0.01)));
        }
        var published = await Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features), ("publish", "true")));
        Assert.True(published.StatusCode == HttpStatusCode.Created, await published.Content.ReadAsStringAsync());

        Planner = await KeyAsync("planner", "planner", []);
        DeskA = await KeyAsync("desk A", "dispatcher", [A]);
        DeskB = await KeyAsync("desk B", "dispatcher", [B]);

        // A hundred days of cases: the hot grid three a day in the morning, the others now and then, B's grids one a day.
        var rng = new Random(11);
        for (var d = 100; d >= 1; d--)
        {
            var day = Today.AddDays(-d);
            foreach (var grid in AGrids.Concat(BGrids))
            {
                var mean = grid == Hot ? 3.0 : grid.StartsWith(B, StringComparison.Ordinal) ? 1.0 : 0.3;
                for (var n = Poisson(rng, mean); n > 0; n--)
                {
                    var hour = grid == Hot ? 8 + rng.Next(4) : rng.Next(24);
                    await CaseAsync(grid, new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, rng.Next(60))), Cst), rng);
                }
            }
        }
        // And today's morning: two in the hot grid, one in a quiet one.
        await CaseAsync(Hot, new DateTimeOffset(2026, 11, 24, 9, 0, 0, Cst), rng);
        await CaseAsync(Hot, new DateTimeOffset(2026, 11, 24, 10, 0, 0, Cst), rng);
        await CaseAsync(AGrids[4], new DateTimeOffset(2026, 11, 24, 11, 0, 0, Cst), rng);

        // The street team: an hour a day in the quiet north-east grid, five minutes in the hot one, over the past four weeks.
        var admin = Admin;
        Ok(await admin.PostAsJsonAsync("/api/patrols/teams", new { id = "t-street", name = "街面一队", district = A, subDistrict = "310101002" }));
        Ok(await admin.PostAsJsonAsync("/api/patrols/workers", new[] { new { id = "w-1", name = "网格员1", team = "t-street", role = "grid-worker", district = A } }));
        Ok(await admin.PostAsJsonAsync("/api/patrols/shifts", new[] { new { code = "s-day", name = "白班", district = A, starts = "08:00", ends = "20:00", grids = AGrids } }));
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        for (var d = 1; d <= 28; d++)
            foreach (var (grid, minutes) in new[] { (QuietNorthEast, 60.0), (Hot, 5.0) })
            {
                await using var cmd = new NpgsqlCommand("""
                    INSERT INTO patrol_daily (day, district_code, grid_code, worker_id, seconds, metres, first_at, last_at)
                    VALUES (@day, @district, @grid, 'w-1', @seconds, 500, @at, @at)
                    """, conn);
                cmd.Parameters.AddWithValue("day", Today.AddDays(-d));
                cmd.Parameters.AddWithValue("district", A);
                cmd.Parameters.AddWithValue("grid", grid);
                cmd.Parameters.AddWithValue("seconds", minutes * 60);
                cmd.Parameters.AddWithValue("at", new DateTimeOffset(Today.AddDays(-d).ToDateTime(new TimeOnly(10, 0)), Cst).ToUniversalTime());
                await cmd.ExecuteNonQueryAsync();
            }
    }

    private async Task CaseAsync(string grid, DateTimeOffset at, Random rng)
    {
        var (lon, lat) = Centre(grid);
        var r = await Admin.PostAsJsonAsync("/api/cases", new
        {
            classCode = rng.Next(2) == 0 ? "E0502" : "E0104", description = "history", lon = lon + (rng.NextDouble() - 0.5) * 0.003,
            lat = lat + (rng.NextDouble() - 0.5) * 0.004, reportedAt = at,
        });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        CasesPosted++;
    }

    private async Task<HttpClient> KeyAsync(string name, string role, string[] scopes)
    {
        var created = await Admin.PostAsJsonAsync("/api/keys", new { name, roles = new[] { role }, scopes });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return WithKey(JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!);
    }

    private static int Poisson(Random rng, double mean)
    {
        var l = Math.Exp(-mean); var k = 0; var p = 1.0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }

    public static void Ok(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");

    private readonly SemaphoreSlim trainGate = new(1, 1);
    private JsonElement? trained;

    /// <summary>The model trained for today, once for all tests.</summary>
    public async Task<JsonElement> TrainedAsync()
    {
        await trainGate.WaitAsync();
        try
        {
            if (trained is { } t) return t;
            var response = await Planner.PostAsync("/api/hotspots/train", null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            trained = JsonDocument.Parse(body).RootElement.Clone();
            return trained.Value;
        }
        finally { trainGate.Release(); }
    }
}
