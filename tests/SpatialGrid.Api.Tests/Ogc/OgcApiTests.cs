using System.Net;
using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Ogc;

/// <summary>OGC API – Features on a real port with the demo city loaded, read by our tests and by GDAL.</summary>
public class OgcApiTests(OgcApiTests.DemoCityApi api) : IClassFixture<OgcApiTests.DemoCityApi>
{
    public sealed class DemoCityApi : ApiFixture
    {
        protected override bool RealServer => true;

        public int DemoFeatures { get; private set; }

        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
        }
    }

    private static readonly SemaphoreSlim Loading = new(1, 1);

    /// <summary>The demo city's grids and components (5,425 points and 796 lines), loaded once per fixture.</summary>
    private async Task EnsureDemoCity()
    {
        await Loading.WaitAsync();
        try
        {
            if (await api.ScalarAsync("SELECT count(*) FROM components") > 0) return;
            if (await api.ScalarAsync("SELECT count(*) FROM grids") == 0)
            {
                var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "shanghai-grids.geojson");
                var response = await api.Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(file), "shanghai-grids.geojson", ("publish", "true")));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
            var components = Path.Combine(AppContext.BaseDirectory, "Fixtures", "shanghai-components.geojson");
            var imported = await api.Editor.PostAsync("/api/components/imports", Upload.File(await File.ReadAllBytesAsync(components), "shanghai-components.geojson"));
            Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        }
        finally
        {
            Loading.Release();
        }
    }

    private const string Gk4549 = "http://www.opengis.net/def/crs/EPSG/0/4549";

    private static IEnumerable<(string Id, Geometry Geometry)> Features(JsonElement collection) =>
        collection.GetProperty("features").EnumerateArray().Select(f =>
            (f.GetProperty("id").GetString()!, JsonSerializer.Deserialize<Geometry>(f.GetProperty("geometry").GetRawText(), GeoJson)!));

    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };

    [Theory]
    [InlineData("grids", "level=grid")]
    [InlineData("components", "major=02")]
    public async Task Bbox_in_gauss_kruger_selects_exactly_the_features_that_meet_the_projected_box(string collection, string filter)
    {
        await EnsureDemoCity();
        // Every feature in EPSG:4549 (northing, easting), and a box over the middle of their extent in the same CRS:
        // the projected box is turned against the meridians (by ~1° here), so its two corners alone are not the box.
        var all = Features(await Get($"/ogc/collections/{collection}/items?{filter}&limit=10000&crs={Uri.EscapeDataString(Gk4549)}")).ToList();
        var extent = new Envelope();
        foreach (var (_, g) in all) extent.ExpandToInclude(g.EnvelopeInternal);
        var box = new Envelope(extent.MinX + extent.Width * 0.3, extent.MaxX - extent.Width * 0.3, extent.MinY + extent.Height * 0.3, extent.MaxY - extent.Height * 0.3);
        var boxPolygon = new GeometryFactory().ToGeometry(box);
        var expected = all.Where(f => f.Geometry.Intersects(boxPolygon)).Select(f => f.Id).Order().ToList();
        Assert.InRange(expected.Count, 10, all.Count - 10);

        var bbox = string.Join(',', new[] { box.MinX, box.MinY, box.MaxX, box.MaxY }.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var page = await Get($"/ogc/collections/{collection}/items?{filter}&limit=10000&bbox-crs={Uri.EscapeDataString(Gk4549)}&bbox={bbox}");
        var got = Features(page).Select(f => f.Id).Order().ToList();
        Assert.Equal(expected.Count, page.GetProperty("numberMatched").GetInt32());
        Assert.Equal(expected, got);
    }

    private async Task<JsonElement> Get(string url)
    {
        var response = await api.Anonymous.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Landing_page_links_conformance_collections_and_the_api_definition()
    {
        var landing = await Get("/ogc");
        var rels = landing.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
        Assert.Contains("service-desc", rels);
        Assert.Contains("conformance", rels);
        Assert.Contains("data", rels);
        var conformance = await Get("/ogc/conformance");
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()));
        var openapi = await Get("/openapi/v1.json");
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/grids/locate", out _));
        // The items query is described in the API definition, the collections' property filters included.
        var items = openapi.GetProperty("paths").GetProperty("/ogc/collections/{collectionId}/items").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        foreach (var name in new[] { "collectionId", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "level", "class" }) Assert.True(items.ContainsKey(name), name);
        Assert.Equal("integer", items["limit"].GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("query", items["bbox"].GetProperty("in").GetString());
        Assert.Contains("components", items["class"].GetProperty("description").GetString());
    }

    [Fact]
    public async Task Items_page_with_next_links_and_filter_by_level_and_bbox()
    {
        await EnsureDemoCity();
        var page = await Get("/ogc/collections/grids/items?level=grid&limit=50");
        Assert.Equal(122, page.GetProperty("numberMatched").GetInt32());
        Assert.Equal(50, page.GetProperty("numberReturned").GetInt32());
        var next = page.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("href").GetString()!;
        var second = await Get(new Uri(next).PathAndQuery);
        Assert.Equal(50, second.GetProperty("numberReturned").GetInt32());
        Assert.NotEqual(page.GetProperty("features")[0].GetProperty("id").GetString(), second.GetProperty("features")[0].GetProperty("id").GetString());

        var square = await Get("/ogc/collections/grids/items?bbox=121.4735,31.2300,121.4740,31.2305&level=grid");
        Assert.InRange(square.GetProperty("numberMatched").GetInt32(), 1, 4);
        var districts = await Get("/ogc/collections/grids/items?level=district&limit=100");
        Assert.Equal(16, districts.GetProperty("numberMatched").GetInt32());
    }

    [Fact]
    public async Task Crs_by_reference_swaps_axes_for_epsg_4326_and_projects_to_cgcs2000()
    {
        await EnsureDemoCity();
        var crs84 = await Get("/ogc/collections/grids/items/310101");
        var epsg4326Response = await api.Anonymous.GetAsync("/ogc/collections/grids/items/310101?crs=" + Uri.EscapeDataString("http://www.opengis.net/def/crs/EPSG/0/4326"));
        Assert.Equal("<http://www.opengis.net/def/crs/EPSG/0/4326>", epsg4326Response.Headers.GetValues("Content-Crs").Single());
        var epsg4326 = JsonDocument.Parse(await epsg4326Response.Content.ReadAsStringAsync()).RootElement;
        var a = crs84.GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        var b = epsg4326.GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        Assert.Equal(a[0].GetDouble(), b[1].GetDouble());
        Assert.Equal(a[1].GetDouble(), b[0].GetDouble());
        var gk = await Get("/ogc/collections/grids/items/310101?crs=" + Uri.EscapeDataString("http://www.opengis.net/def/crs/EPSG/0/4549"));
        var northing = gk.GetProperty("geometry").GetProperty("coordinates")[0][0][0][0].GetDouble();
        Assert.InRange(northing, 3_400_000, 3_500_000);
    }

    [Theory]
    [InlineData("/ogc/collections/nope/items", HttpStatusCode.NotFound, "collection-not-found")]
    [InlineData("/ogc/collections/grids/items?bbox=1,2,3", HttpStatusCode.BadRequest, "bad-bbox")]
    [InlineData("/ogc/collections/grids/items?bbox=a,b,c,d", HttpStatusCode.BadRequest, "bad-bbox")]
    [InlineData("/ogc/collections/grids/items?limit=0", HttpStatusCode.BadRequest, "bad-limit")]
    [InlineData("/ogc/collections/grids/items?limit=1000000", HttpStatusCode.BadRequest, "bad-limit")]
    [InlineData("/ogc/collections/grids/items?offset=-1", HttpStatusCode.BadRequest, "bad-offset")]
    [InlineData("/ogc/collections/grids/items?datetime=yesterday", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?crs=EPSG:3857", HttpStatusCode.BadRequest, "unsupported-crs")]
    [InlineData("/ogc/collections/grids/items?colour=red", HttpStatusCode.BadRequest, "unknown-parameter")]
    [InlineData("/ogc/collections/grids/items/999999", HttpStatusCode.NotFound, "feature-not-found")]
    public async Task Bad_requests_get_problem_details(string url, HttpStatusCode status, string kind)
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync(url), status, kind);
    }

    [Fact]
    public async Task Gdal_lists_the_collection_and_copies_it_to_a_geopackage()
    {
        await EnsureDemoCity();
        var url = $"OAPIF:{api.BaseAddress.ToString().TrimEnd('/')}/ogc";
        var (code, output, error) = Gdal.Run("ogrinfo", "-ro", "-al", "-so", url);
        Assert.True(code == 0, error);
        Assert.Contains("Layer name: grids", output);
        Assert.Contains("Feature Count: 163", output);

        var gpkg = Path.Combine(Path.GetTempPath(), $"sg-ogc-{Guid.NewGuid():N}.gpkg");
        var copy = Gdal.Run("ogr2ogr", "-f", "GPKG", gpkg, url, "grids");
        Assert.True(copy.Code == 0, copy.Err);
        var check = Gdal.Run("ogrinfo", "-ro", "-so", gpkg, "grids");
        Assert.Contains("Feature Count: 163", check.Out);
        File.Delete(gpkg);
    }
}
