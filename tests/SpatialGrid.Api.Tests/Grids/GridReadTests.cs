using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

public class GridReadTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task Seed()
    {
        if (await api.ScalarAsync("SELECT count(*) FROM grids") > 0) return;
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(new SmallCity("310118", 121.10, 31.15).GeoJson(), ("publish", "true")))).EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> Get(string url) => JsonDocument.Parse(await api.Anonymous.GetStringAsync(url)).RootElement.Clone();

    [Fact]
    public async Task Lists_filter_sort_and_page()
    {
        await Seed();
        var grids = await Get("/api/grids?level=grid&sort=-code&pageSize=1");
        Assert.Equal(2, grids.GetProperty("total").GetInt32());
        Assert.Equal("310118002001002", grids.GetProperty("items")[0].GetProperty("code").GetString());
        var second = await Get("/api/grids?level=grid&sort=-code&pageSize=1&page=2");
        Assert.Equal("310118002001001", second.GetProperty("items")[0].GetProperty("code").GetString());
        var byParent = await Get("/api/grids?parent=310118002001");
        Assert.Equal(2, byParent.GetProperty("total").GetInt32());
        var byName = await Get("/api/grids?q=West");
        Assert.Equal(1, byName.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Export_is_a_geojson_feature_collection_that_imports_again()
    {
        await Seed();
        var response = await api.Anonymous.GetAsync("/api/grids/export?prefix=310118");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        var doc = JsonDocument.Parse(json).RootElement;
        Assert.Equal(5, doc.GetProperty("features").GetArrayLength());
        // Round trip: the export is a valid import (same codes, as a new draft).
        var again = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(json));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Theory]
    [InlineData("/api/grids?level=planet", HttpStatusCode.BadRequest, "bad-level")]
    [InlineData("/api/grids?kind=secret", HttpStatusCode.BadRequest, "bad-kind")]
    [InlineData("/api/grids?sort=colour", HttpStatusCode.BadRequest, "bad-sort")]
    [InlineData("/api/grids?page=0", HttpStatusCode.BadRequest, "bad-paging")]
    [InlineData("/api/grids?pageSize=100000", HttpStatusCode.BadRequest, "bad-paging")]
    [InlineData("/api/grids?prefix=31x", HttpStatusCode.BadRequest, "bad-prefix")]
    [InlineData("/api/grids?parent=abc", HttpStatusCode.BadRequest, "bad-code")]
    [InlineData("/api/grids/abc", HttpStatusCode.BadRequest, "bad-code")]
    [InlineData("/api/grids/310118002001999", HttpStatusCode.NotFound, "grid-not-found")]
    [InlineData("/api/grids/310118002001999/children", HttpStatusCode.NotFound, "grid-not-found")]
    [InlineData("/api/grids/export?level=x", HttpStatusCode.BadRequest, "bad-level")]
    [InlineData("/api/grids/versions/424242", HttpStatusCode.NotFound, "version-not-found")]
    public async Task Bad_reads_get_a_precise_problem(string url, HttpStatusCode status, string kind)
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync(url), status, kind);
    }
}
