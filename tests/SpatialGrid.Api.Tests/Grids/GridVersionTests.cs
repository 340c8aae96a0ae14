using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>Publishing a new version retires the old one; history stays queryable with <c>at=</c>.</summary>
public class GridVersionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> Locate(double lon, double lat, DateTimeOffset? at = null)
    {
        var url = FormattableString.Invariant($"/api/grids/locate?lon={lon}&lat={lat}");
        if (at is { } t) url += "&at=" + Uri.EscapeDataString(t.ToString("O"));
        var response = await api.Anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task A_redivided_community_answers_for_the_past_from_postgis_and_for_now_from_memory()
    {
        var city = new SmallCity("310114", 121.25, 31.37);
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson(), ("publish", "true")))).EnsureSuccessStatusCode();
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(50);

        // Version 2 moves the border between the two grids 0.005° east.
        var features = city.Features();
        features[3] = SmallCity.Feature(city.WestGrid, "West grid v2", SmallCity.Box(city.Lon, city.Lat, city.Lon + 0.015, city.Lat + 0.02));
        features[4] = SmallCity.Feature(city.EastGrid, "East grid v2", SmallCity.Box(city.Lon + 0.015, city.Lat, city.Lon + 0.02, city.Lat + 0.02));
        var v2 = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features)));
        var version = JsonDocument.Parse(await v2.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt64();
        (await api.Editor.PostAsync($"/api/grids/versions/{version}/publish", null)).EnsureSuccessStatusCode();

        var point = (Lon: city.Lon + 0.012, Lat: city.Lat + 0.01);
        var now = await Locate(point.Lon, point.Lat);
        Assert.Equal((city.WestGrid, "memory"), (now.GetProperty("grid").GetProperty("code").GetString(), now.GetProperty("source").GetString()));
        Assert.Equal("West grid v2", now.GetProperty("grid").GetProperty("name").GetString());

        var then = await Locate(point.Lon, point.Lat, between);
        Assert.Equal((city.EastGrid, "postgis"), (then.GetProperty("grid").GetProperty("code").GetString(), then.GetProperty("source").GetString()));
        Assert.Equal("East grid", then.GetProperty("grid").GetProperty("name").GetString());

        Assert.Equal(5, await api.ScalarAsync($"SELECT count(*) FROM grids WHERE code LIKE '{city.District}%' AND valid_to IS NOT NULL"));
    }

    [Fact]
    public async Task Memory_and_postgis_follow_the_same_border_rule()
    {
        var city = new SmallCity("310115", 121.60, 31.20);
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson(), ("publish", "true")))).EnsureSuccessStatusCode();
        var onBorder = (Lon: city.Lon + 0.01, Lat: city.Lat + 0.01);
        var memory = await Locate(onBorder.Lon, onBorder.Lat);
        var postgis = await Locate(onBorder.Lon, onBorder.Lat, DateTimeOffset.UtcNow.AddMilliseconds(-1));
        Assert.Equal(city.WestGrid, memory.GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal(city.WestGrid, postgis.GetProperty("grid").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_draft_can_be_discarded_but_not_published_after()
    {
        var city = new SmallCity("310116", 121.20, 30.80);
        var imported = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson()));
        var version = JsonDocument.Parse(await imported.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await api.Editor.DeleteAsync($"/api/grids/versions/{version}")).StatusCode);
        await Problem.ExpectAsync(await api.Editor.PostAsync($"/api/grids/versions/{version}/publish", null), HttpStatusCode.Conflict, "version-not-draft");
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/versions/999999/publish", null), HttpStatusCode.NotFound, "version-not-found");
    }

    [Theory]
    [InlineData("lon=abc&lat=31", "bad-coordinates")]
    [InlineData("lon=121&lat=NaN", "bad-coordinates")]
    [InlineData("lon=31.2&lat=121.4", "bad-coordinates")]
    [InlineData("lat=31", "bad-coordinates")]
    [InlineData("lon=121&lat=31&crs=EPSG:9999", "unsupported-crs")]
    public async Task Bad_locate_queries_get_a_precise_error(string query, string kind)
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/grids/locate?" + query), HttpStatusCode.BadRequest, kind);
    }

    [Fact]
    public async Task A_point_outside_every_grid_is_a_404_problem()
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/grids/locate?lon=100&lat=20"), HttpStatusCode.NotFound, "outside-grids");
    }
}

public class GridSqlPlanTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_historical_lookup_uses_the_gist_index()
    {
        await using var conn = new Npgsql.NpgsqlConnection(api.ConnectionString);
        await conn.OpenAsync();
        // With few rows the planner may prefer a scan; forbid it to see that the index can serve the query.
        await using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off", conn)) await off.ExecuteNonQueryAsync();
        var sql = typeof(Program).Assembly.GetManifestResourceStream("SpatialGrid.Api.Grids.Sql.locate_at.sql")!;
        var text = await new StreamReader(sql).ReadToEndAsync();
        await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + text.Replace("@lon", "121.47").Replace("@lat", "31.23").Replace("@at", "now()"), conn);
        var plan = string.Join('\n', await ReadAll(explain));
        Assert.Contains("ix_grids_geometry", plan);
    }

    private static async Task<List<string>> ReadAll(Npgsql.NpgsqlCommand cmd)
    {
        var lines = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) lines.Add(r.GetString(0));
        return lines;
    }
}
