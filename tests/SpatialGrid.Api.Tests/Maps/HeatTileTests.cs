using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Cases;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Maps;

/// <summary>
/// The planner's heat map and choropleth (#21): cases of a period, class and state counted by PostGIS into square bins
/// and per responsibility grid; the query checked, carried by the TileJSON and part of the ETag.
/// The fixture's clock reads 2026-11-24 10:00 in the city.
/// </summary>
public class HeatTileTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static readonly SemaphoreSlim Seeding = new(1, 1);

    internal static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    /// <summary>Two E0502 cases in the west grid today and one 60 days ago; one E0101 case in the east grid today, rejected.</summary>
    private async Task Seed()
    {
        await Seeding.WaitAsync();
        try
        {
            await api.Ready();
            if (await api.ScalarAsync("SELECT count(*) FROM cases WHERE description LIKE 'heat:%'") > 0) return;
            async Task<string> Open(string cls, (double Lon, double Lat) at, string note)
            {
                var created = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = cls, description = "heat: " + note, lon = at.Lon, lat = at.Lat });
                var body = await created.Content.ReadAsStringAsync();
                Assert.True(created.StatusCode == HttpStatusCode.Created, body);
                return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
            }
            await Open("E0502", api.City.WestPoint, "west 1");
            await Open("E0502", api.City.WestPoint, "west 2");
            var old = await Open("E0502", api.City.WestPoint, "west, 60 days ago");
            var rejected = await Open("E0101", api.City.EastPoint, "east, rejected");
            await api.ScalarAsync($"WITH u AS (UPDATE cases SET reported_at = reported_at - interval '60 days' WHERE number = '{old}' RETURNING 1) SELECT count(*) FROM u");
            await api.ScalarAsync($"WITH u AS (UPDATE cases SET state = 8 WHERE number = '{rejected}' RETURNING 1) SELECT count(*) FROM u");
        }
        finally
        {
            Seeding.Release();
        }
    }

    /// <summary>The features of one source layer over the distinct tiles holding the city's west and east points.</summary>
    private async Task<List<Mvt.Feature>> Features(string layer, string sourceLayer, int z, string query = "")
    {
        var features = new List<Mvt.Feature>();
        var tiles = new[] { api.City.WestPoint, api.City.EastPoint }.Select(p => TileOf(p.Lon, p.Lat, z)).Distinct();
        foreach (var (x, y) in tiles)
        {
            var response = await api.Dispatcher.GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt{query}");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{layer} {z}/{x}/{y}{query}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.NoContent) continue;
            if (Mvt.Read(await response.Content.ReadAsByteArrayAsync()).TryGetValue(sourceLayer, out var found)) features.AddRange(found);
        }
        return features;
    }

    private async Task<int> Counted(int z, string query = "", string sourceLayer = "bins") =>
        (int)(await Features("heat", sourceLayer, z, query)).Sum(f => (double)f.Properties["count"]);

    [Fact]
    public async Task Heat_bins_count_the_cases_reported_in_the_period_each_once()
    {
        await Seed();
        foreach (var z in new[] { 10, 12, 16 })
        {
            // The default period is the 30 days up to today: the case of 60 days ago is not in it.
            Assert.Equal(3, await Counted(z));
            Assert.Equal(3, await Counted(z, sourceLayer: "points"));
            Assert.Equal(4, await Counted(z, "?from=2026-09-01&to=2026-11-24"));
            Assert.Equal(1, await Counted(z, "?from=2026-09-01&to=2026-10-01"));
            Assert.Equal(2, await Counted(z, "?class=E0502"));
            Assert.Equal(1, await Counted(z, "?class=E01"));
            Assert.Equal(2, await Counted(z, "?state=open"));
            Assert.Equal(0, await Counted(z, "?to=2026-11-23"));
        }
        // At zoom 16 the two west cases of today share a bin (32 px is about 30 m there), drawn as a square polygon.
        var bins = await Features("heat", "bins", 16, "?class=E0502");
        Assert.Equal(2.0, Assert.Single(bins).Properties["count"]);
        Assert.Equal(3, bins[0].GeometryType);
        Assert.All(await Features("heat", "points", 16), f => Assert.Equal(1, f.GeometryType));
    }

    [Fact]
    public async Task Density_gives_each_responsibility_grid_its_cases_and_cases_per_km2_zero_included()
    {
        await Seed();
        var grids = (await Features("density", "density", 14)).GroupBy(f => (string)f.Properties["code"]).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(2.0, grids[api.City.WestGrid].Properties["count"]);
        Assert.True((double)grids[api.City.WestGrid].Properties["per_km2"] > 0);
        Assert.Equal(1.0, grids[api.City.EastGrid].Properties["count"]);
        var open = (await Features("density", "density", 14, "?state=open")).ToDictionary(f => (string)f.Properties["code"], f => f, StringComparer.Ordinal);
        Assert.Equal(0.0, open[api.City.EastGrid].Properties["count"]);
        Assert.Equal(0.0, open[api.City.EastGrid].Properties["per_km2"]);
        Assert.Equal(3.0, (await Features("density", "density", 14, "?from=2026-09-01")).Single(f => (string)f.Properties["code"] == api.City.WestGrid).Properties["count"]);
    }

    [Theory]
    [InlineData("?from=2026-13-01", "bad-date", "from")]
    [InlineData("?to=24/11/2026", "bad-date", "yyyy-MM-dd")]
    [InlineData("?from=2026-11-24&to=2026-11-01", "bad-period", "before")]
    [InlineData("?from=2025-01-01&to=2026-01-02", "bad-period", "367 days")]
    [InlineData("?from=2025-01-01", "bad-period", "at most 366")]
    [InlineData("?class=E5", "bad-class", "E5")]
    [InlineData("?class=010", "bad-class", "major class")]
    [InlineData("?class=%27%3B--", "bad-class", "class")]
    [InlineData("?state=closed", "bad-state", "open")]
    [InlineData("?from=2026-11-01&from=2026-11-02", "bad-query", "once")]
    public async Task A_bad_period_class_or_state_is_a_precise_problem(string query, string kind, string said)
    {
        await api.Ready();
        var (x, y) = TileOf(api.City.WestPoint.Lon, api.City.WestPoint.Lat, 14);
        foreach (var url in new[] { $"/tiles/heat/14/{x}/{y}.mvt{query}", $"/tiles/density/14/{x}/{y}.mvt{query}", $"/tiles/heat.json{query}" })
        {
            var problem = await Problem.ExpectAsync(await api.Dispatcher.GetAsync(url), HttpStatusCode.BadRequest, kind);
            Assert.Contains(said, problem.Detail);
        }
    }

    [Fact]
    public async Task A_period_of_366_days_is_drawn()
    {
        await Seed();
        Assert.Equal(4, await Counted(12, "?from=2025-11-24&to=2026-11-24"));
    }

    [Fact]
    public async Task The_tilejson_carries_the_query_given_and_names_the_parameters()
    {
        var json = JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/tiles/heat.json?state=open&class=E05&from=2026-11-01&to=2026-11-24")).RootElement;
        Assert.EndsWith("/tiles/heat/{z}/{x}/{y}.mvt?from=2026-11-01&to=2026-11-24&class=E05&state=open", json.GetProperty("tiles")[0].GetString());
        Assert.Equal(["bins", "points"], json.GetProperty("vector_layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        foreach (var name in new[] { "from", "to", "class", "state" }) Assert.True(json.GetProperty("parameters").TryGetProperty(name, out _), name);
        var plain = JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/tiles/density.json")).RootElement;
        Assert.EndsWith("/tiles/density/{z}/{x}/{y}.mvt", plain.GetProperty("tiles")[0].GetString());
        // Layers without parameters describe none.
        Assert.False(JsonDocument.Parse(await api.Anonymous.GetStringAsync("/tiles/grids.json")).RootElement.TryGetProperty("parameters", out _));
    }

    [Fact]
    public async Task Each_query_has_its_own_etag_even_when_the_tiles_hold_the_same_cases()
    {
        await Seed();
        var (x, y) = TileOf(api.City.WestPoint.Lon, api.City.WestPoint.Lat, 12);
        var month = await api.Dispatcher.GetAsync($"/tiles/heat/12/{x}/{y}.mvt?from=2026-11-01");
        var week = await api.Dispatcher.GetAsync($"/tiles/heat/12/{x}/{y}.mvt?from=2026-11-18");
        Assert.Equal(await month.Content.ReadAsByteArrayAsync(), await week.Content.ReadAsByteArrayAsync());
        Assert.NotEqual(month.Headers.ETag!.Tag, week.Headers.ETag!.Tag);
        Assert.True(month.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromSeconds(30), month.Headers.CacheControl.MaxAge);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/tiles/heat/12/{x}/{y}.mvt?from=2026-11-18");
        revalidate.Headers.IfNoneMatch.Add(month.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, (await api.Dispatcher.SendAsync(revalidate)).StatusCode);
        using var same = new HttpRequestMessage(HttpMethod.Get, $"/tiles/heat/12/{x}/{y}.mvt?from=2026-11-01");
        same.Headers.IfNoneMatch.Add(month.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Dispatcher.SendAsync(same)).StatusCode);
    }

    [Fact]
    public async Task Heat_and_density_need_a_case_reading_key()
    {
        var (x, y) = TileOf(api.City.WestPoint.Lon, api.City.WestPoint.Lat, 12);
        await Problem.ExpectAsync(await api.Anonymous.GetAsync($"/tiles/heat/12/{x}/{y}.mvt"), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/tiles/density.json"), HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
