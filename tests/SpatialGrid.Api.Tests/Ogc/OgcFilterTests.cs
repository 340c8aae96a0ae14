using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ogc;

/// <summary>OGC API – Features Part 3 on the demo city: queryables, CQL2 text and JSON filters, sortby, and their refusals.</summary>
public class OgcFilterTests(OgcApiTests.DemoCityApi api) : IClassFixture<OgcApiTests.DemoCityApi>
{
    private async Task<JsonElement> Get(string url)
    {
        var response = await api.Anonymous.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<int> Matched(string collection, string filter, string lang = "cql2-text")
    {
        await api.EnsureDemoCity();
        var page = await Get($"/ogc/collections/{collection}/items?limit=1&filter-lang={lang}&filter={Uri.EscapeDataString(filter)}");
        return page.GetProperty("numberMatched").GetInt32();
    }

    [Fact]
    public async Task Queryables_name_each_filterable_property_with_its_type_and_nothing_else()
    {
        var response = await api.Anonymous.GetAsync("/ogc/collections/grids/queryables");
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var q = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(q.GetProperty("additionalProperties").GetBoolean());
        var p = q.GetProperty("properties");
        Assert.Equal("number", p.GetProperty("area_m2").GetProperty("type").GetString());
        Assert.Equal("date-time", p.GetProperty("valid_from").GetProperty("format").GetString());
        Assert.Contains("community", p.GetProperty("level").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("geometry-multipolygon", p.GetProperty("geometry").GetProperty("format").GetString());
        var components = await Get("/ogc/collections/components/queryables");
        Assert.False(components.GetProperty("properties").TryGetProperty("attributes", out _));
        var conformance = await Get("/ogc/conformance");
        Assert.Contains("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text", conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Comparisons_in_and_between_select_what_the_database_holds()
    {
        Assert.Equal(122, await Matched("grids", "level = 'grid'"));
        Assert.Equal(16 + await Matched("grids", "level = 'subdistrict'"), await Matched("grids", "level IN ('district', 'subdistrict')"));
        Assert.Equal(163 - 122, await Matched("grids", "NOT (level = 'grid')"));
        var big = await api.ScalarAsync("SELECT count(*) FROM grids WHERE valid_to IS NULL AND area_m2 BETWEEN 100000 AND 500000");
        Assert.Equal(big, await Matched("grids", "area_m2 BETWEEN 100000 AND 5e5"));
        var road = await api.ScalarAsync("SELECT count(*) FROM components WHERE status <> 5 AND name LIKE '%路%' AND class_code LIKE '02%'");
        Assert.InRange(road, 1, 6000);
        Assert.Equal(road, await Matched("components", "name LIKE '%路%' AND class LIKE '02%'"));
        var noLeader = await api.ScalarAsync("SELECT count(*) FROM grids WHERE valid_to IS NULL AND leader IS NULL");
        Assert.Equal(noLeader, await Matched("grids", "leader IS NULL"));
        Assert.Equal(163 - noLeader, await Matched("grids", "leader IS NOT NULL"));
    }

    [Fact]
    public async Task S_intersects_with_a_bbox_or_a_wkt_polygon_matches_the_bbox_parameter_and_t_intersects_the_validity()
    {
        await api.EnsureDemoCity();
        var byBbox = (await Get("/ogc/collections/components/items?limit=1&bbox=121.46,31.22,121.48,31.24")).GetProperty("numberMatched").GetInt32();
        Assert.InRange(byBbox, 1, 6000);
        Assert.Equal(byBbox, await Matched("components", "S_INTERSECTS(geometry, BBOX(121.46, 31.22, 121.48, 31.24))"));
        Assert.Equal(byBbox, await Matched("components", "S_INTERSECTS(geometry, POLYGON((121.46 31.22, 121.48 31.22, 121.48 31.24, 121.46 31.24, 121.46 31.22)))"));
        var lines = await Matched("components-lines", "S_INTERSECTS(geometry, LINESTRING(121.46 31.22, 121.48 31.24))");
        Assert.InRange(lines, 0, 796);
        Assert.Equal(1, await Matched("grids", "level = 'district' AND S_INTERSECTS(geometry, POINT(121.4737 31.2304))"));
        Assert.Equal(163, await Matched("grids", "T_INTERSECTS(valid_from, INTERVAL('2000-01-01', '..'))"));
        Assert.Equal(0, await Matched("grids", "T_INTERSECTS(valid_from, INTERVAL('..', '2000-01-01T00:00:00Z'))"));
    }

    [Fact]
    public async Task Cql2_json_selects_as_the_same_text_does()
    {
        const string json = """
            {"op": "and", "args": [
              {"op": "in", "args": [{"property": "level"}, ["grid", "community"]]},
              {"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [121.44, 31.20, 121.50, 31.26]}]}]}
            """;
        var fromJson = await Matched("grids", json, "cql2-json");
        Assert.InRange(fromJson, 1, 163);
        Assert.Equal(await Matched("grids", "level IN ('grid', 'community') AND S_INTERSECTS(geometry, BBOX(121.44, 31.20, 121.50, 31.26))"), fromJson);
    }

    [Fact]
    public async Task Sortby_orders_the_features_and_paging_follows_it()
    {
        await api.EnsureDemoCity();
        var page = await Get("/ogc/collections/grids/items?filter=level%3D%27grid%27&sortby=-area_m2&limit=50");
        var areas = page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("area_m2").GetDouble()).ToList();
        Assert.Equal(areas.OrderByDescending(a => a), areas);
        var next = page.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("href").GetString()!;
        var second = await Get(new Uri(next).PathAndQuery);
        Assert.True(second.GetProperty("features")[0].GetProperty("properties").GetProperty("area_m2").GetDouble() <= areas[^1]);
        var byName = await Get("/ogc/collections/components-lines/items?sortby=%2Bname,-code&limit=200");
        var names = byName.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task A_filter_never_reaches_the_sql_as_text()
    {
        Assert.Equal(0, await Matched("grids", "name = 'x'' OR ''1''=''1'"));
        Assert.Equal(0, await Matched("grids", "name = 'x''; DROP TABLE grids; --'"));
        Assert.Equal(163, await api.ScalarAsync("SELECT count(*) FROM grids WHERE valid_to IS NULL"));
    }

    [Theory]
    [InlineData("filter=level%20%3D%3D%20%27grid%27", "bad-filter", 8, "'='")]
    [InlineData("filter=colour%20%3D%20%27red%27", "bad-filter", 1, "'colour'")]
    [InlineData("filter=level%20%3D%20%27grid%27%20AND", "bad-filter", 19, "the end of the filter")]
    [InlineData("filter=area_m2%20%3D%20%27big%27", "bad-filter", 1, "'area_m2'")]
    [InlineData("sortby=colour", "bad-sortby", 1, "'colour'")]
    public async Task A_filter_outside_the_grammar_is_refused_with_its_position_and_token(string query, string kind, int position, string token)
    {
        var problem = await Problem.ExpectAsync(await api.Anonymous.GetAsync($"/ogc/collections/grids/items?{query}"), HttpStatusCode.BadRequest, kind);
        Assert.Equal(position, problem.Body.GetProperty("position").GetInt32());
        Assert.Equal(token, problem.Body.GetProperty("token").GetString());
        Assert.Contains($"position {position}", problem.Detail);
    }

    [Theory]
    [InlineData("filter=%7B%22op%22%3A%22xor%22%2C%22args%22%3A%5B%5D%7D&filter-lang=cql2-json", "bad-filter")]
    [InlineData("filter=level%3D%27grid%27&filter-lang=xml", "bad-filter-lang")]
    [InlineData("filter=level%3D%27grid%27&filter-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4326", "unsupported-crs")]
    [InlineData("filter-lang=cql2-text", "bad-filter")]
    public async Task Other_refusals_of_a_filter_are_problems_too(string query, string kind)
    {
        var problem = await Problem.ExpectAsync(await api.Anonymous.GetAsync($"/ogc/collections/grids/items?{query}"), HttpStatusCode.BadRequest, kind);
        if (kind == "bad-filter" && query.StartsWith("filter=%7B")) Assert.Equal("$.op", problem.Body.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("grids", "level = 'grid'")]
    [InlineData("components", "class LIKE '02%'")]
    [InlineData("components-points", "status = 'intact' AND name LIKE '%消防%'")]
    [InlineData("components-lines", "name LIKE '%路%'")]
    public async Task Gdal_reads_each_collection_with_a_filter_and_counts_what_the_service_matches(string collection, string where)
    {
        var expected = await Matched(collection, where);
        var url = $"OAPIF:{api.BaseAddress.ToString().TrimEnd('/')}/ogc";
        var (code, output, error) = Gdal.Run("ogrinfo", "-ro", "-so", "-oo", "PAGE_SIZE=1000", "-where", where, url, collection);
        Assert.True(expected > 0 || collection == "components-polygons", $"{collection}: the filter matches nothing");
        Assert.True(code == 0, error);
        // GDAL 3.6 applies the where clause itself ("Full filter will be evaluated on client side": it sends no CQL2),
        // over every page it reads from the service, so its count checks the paging as well as the filter.
        Assert.Contains($"Feature Count: {expected}", output);
    }
}
