using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

public class GridImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task Import_makes_a_draft_that_publishing_makes_current()
    {
        var city = new SmallCity("310104", 121.40, 31.15);
        var imported = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson()));
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var body = await Json(imported);
        Assert.Equal("draft", body.GetProperty("status").GetString());
        Assert.Equal(5, body.GetProperty("features").GetInt32());
        var version = body.GetProperty("version").GetInt64();

        var before = await Json(await api.Anonymous.GetAsync($"/api/grids?prefix={city.District}"));
        Assert.Equal(0, before.GetProperty("total").GetInt32());

        var published = await api.Editor.PostAsync($"/api/grids/versions/{version}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var after = await Json(await api.Anonymous.GetAsync($"/api/grids?prefix={city.District}"));
        Assert.Equal(5, after.GetProperty("total").GetInt32());

        var (lon, lat) = city.EastPoint;
        var located = await Json(await api.Anonymous.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={lon}&lat={lat}")));
        Assert.Equal(city.EastGrid, located.GetProperty("grid").GetProperty("code").GetString());
        Assert.Equal([city.District, city.SubDistrict, city.Community, city.EastGrid],
            located.GetProperty("path").EnumerateArray().Select(p => p.GetProperty("code").GetString()));

        var again = await api.Editor.PostAsync($"/api/grids/versions/{version}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_grid_reports_its_area_in_square_metres_and_its_path()
    {
        var city = new SmallCity("310105", 121.36, 31.20);
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson(), ("publish", "true")))).EnsureSuccessStatusCode();
        var grid = await Json(await api.Anonymous.GetAsync($"/api/grids/{city.WestGrid}"));
        // 0.01° × 0.02° at 31.2°N ≈ 952 m × 2217 m.
        Assert.InRange(grid.GetProperty("areaM2").GetDouble(), 2_100_000, 2_125_000);
        Assert.Equal(4, grid.GetProperty("path").GetArrayLength());
        Assert.Equal("MultiPolygon", grid.GetProperty("geometry").GetProperty("type").GetString());
        var children = await Json(await api.Anonymous.GetAsync($"/api/grids/{city.Community}/children"));
        Assert.Equal(2, children.GetArrayLength());
    }
}
