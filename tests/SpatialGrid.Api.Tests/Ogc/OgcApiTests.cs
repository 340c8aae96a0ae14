using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
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

        private readonly SemaphoreSlim _loading = new(1, 1);

        /// <summary>The demo city's grids and components (5,425 points and 796 lines), loaded once per fixture.</summary>
        public async Task EnsureDemoCity()
        {
            await _loading.WaitAsync();
            try
            {
                if (await ScalarAsync("SELECT count(*) FROM components") > 0) return;
                if (await ScalarAsync("SELECT count(*) FROM grids") == 0)
                {
                    var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "shanghai-grids.geojson");
                    var response = await Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(file), "shanghai-grids.geojson", ("publish", "true")));
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                }
                var components = Path.Combine(AppContext.BaseDirectory, "Fixtures", "shanghai-components.geojson");
                var imported = await Editor.PostAsync("/api/components/imports", Upload.File(await File.ReadAllBytesAsync(components), "shanghai-components.geojson"));
                Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
            }
            finally
            {
                _loading.Release();
            }
        }

        /// <summary>A city-wide dispatcher key: it reads the collections of cases, patrol tracks and risk scores.</summary>
        public string ReaderKey { get; private set; } = "";

        /// <summary>
        /// On the demo city: a case in each of the first 12 responsibility grids, a worker's walk of the past 40 minutes in
        /// two stretches (a 10-minute silence between them), and two forecast days of risk scores, the later scored by two
        /// models (only the newer one counts).
        /// </summary>
        public async Task EnsureCaseData()
        {
            await EnsureDemoCity();
            await _loading.WaitAsync();
            try
            {
                if (ReaderKey != "") return;
                var created = await Admin.PostAsJsonAsync("/api/keys", new { name = "ogc reader", roles = new[] { "dispatcher" } });
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
                var points = new List<(string District, double Lon, double Lat)>();
                await using (var conn = new NpgsqlConnection(ConnectionString))
                {
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand("""
                        SELECT left(code, 6), ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geometry) AS p FROM grids
                        WHERE level = 4 AND valid_from IS NOT NULL AND valid_to IS NULL ORDER BY code LIMIT 12) g
                        """, conn);
                    await using var r = await cmd.ExecuteReaderAsync();
                    while (await r.ReadAsync()) points.Add((r.GetString(0), r.GetDouble(1), r.GetDouble(2)));
                }
                foreach (var (_, lon, lat) in points)
                {
                    var opened = await Admin.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "ogc: 占道经营", lon, lat });
                    Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
                }
                var district = points[0].District;
                await Created(await Admin.PostAsJsonAsync("/api/patrols/teams", new { id = "t-ogc", name = "巡查 ogc", district }));
                await Created(await Admin.PostAsJsonAsync("/api/patrols/workers", new { id = "w-ogc", name = "网格员 ogc", team = "t-ogc", role = "grid-worker", district }));
                var now = DateTimeOffset.UtcNow;
                var minutes = Enumerable.Range(0, 15).Select(i => 40 - i).Concat(Enumerable.Range(0, 15).Select(i => 15 - i));
                var fixes = minutes.Select((m, i) => new JsonObject
                {
                    ["worker"] = "w-ogc", ["t"] = now.AddMinutes(-m).ToString("yyyy-MM-ddTHH:mm:ssK"),
                    ["lon"] = points[0].Lon + i * 0.0001, ["lat"] = points[0].Lat, ["accuracy"] = 8,
                });
                await Created(await Admin.PostAsync("/api/patrols/positions",
                    new StringContent(new JsonObject { ["fixes"] = new JsonArray([.. fixes]) }.ToJsonString(), System.Text.Encoding.UTF8, "application/json")));
                // Scored days are the city's days (UTC+8, as the tests read them), not the database's UTC date.
                var today = $"DATE '{now.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}'";
                await ScalarAsync($$"""
                    WITH m AS (INSERT INTO risk_models (trained_at, trained_by, scored_day, history_from, history_to, cells, events, settings, model)
                               VALUES (now(), 'ogc', {{today}} - 1, {{today}} - 71, {{today}} - 1, 1, 1, '{}', '\x00'),
                                      (now(), 'ogc', {{today}}, {{today}} - 70, {{today}}, 1, 1, '{}', '\x00'),
                                      (now(), 'ogc', {{today}}, {{today}} - 70, {{today}}, 1, 1, '{}', '\x00') RETURNING version, scored_day)
                    INSERT INTO risk_scores (model_version, day, grid_code, district_code, expected, per_km2, rank, explanation)
                    SELECT m.version, m.scored_day, g.code, left(g.code, 6), 0.5 + m.version * 0.01, 1.5, row_number() OVER (PARTITION BY m.version ORDER BY g.code), '["ogc"]'
                    FROM m, grids g WHERE g.level = 4 AND g.valid_from IS NOT NULL AND g.valid_to IS NULL
                    """);
                ReaderKey = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
            }
            finally
            {
                _loading.Release();
            }
        }

        private static async Task Created(HttpResponseMessage r) => Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    private Task EnsureDemoCity() => api.EnsureDemoCity();

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
    [InlineData("/ogc/collections/components/items?datetime=2024-01-01T00:00:00Z", HttpStatusCode.BadRequest, "datetime-not-supported")]
    [InlineData("/ogc/collections/grids/items?f=html", HttpStatusCode.NotAcceptable, "not-acceptable")]
    [InlineData("/ogc/collections/grids/items/310101?f=html", HttpStatusCode.NotAcceptable, "not-acceptable")]
    [InlineData("/ogc/collections?f=html", HttpStatusCode.NotAcceptable, "not-acceptable")]
    [InlineData("/ogc?f=html", HttpStatusCode.NotAcceptable, "not-acceptable")]
    [InlineData("/ogc/collections/grids/items?f=xml", HttpStatusCode.NotAcceptable, "not-acceptable")]
    [InlineData("/ogc/collections/grids/items?offset=-1", HttpStatusCode.BadRequest, "bad-offset")]
    [InlineData("/ogc/collections/grids/items?datetime=yesterday", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?datetime=2026-02-01/2026-01-01", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?datetime=2026-02-01T00:00:00Z/2026-01-31T23:59:59Z", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?datetime=9999-12-31", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?datetime=9999-12-31T23:59:59Z", HttpStatusCode.BadRequest, "bad-datetime")]
    [InlineData("/ogc/collections/grids/items?datetime=0001-01-01/..", HttpStatusCode.BadRequest, "bad-datetime")]
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

    [Fact]
    public async Task Limit_above_the_maximum_is_clamped_to_it_and_the_links_carry_the_limit_used()
    {
        await EnsureDemoCity();
        var page = await Get("/ogc/collections/components/items?limit=1000000");
        Assert.Equal(6221, page.GetProperty("numberMatched").GetInt32());
        Assert.Equal(6221, page.GetProperty("numberReturned").GetInt32());
        var small = await Get("/ogc/collections/grids/items?limit=20000&level=grid");
        Assert.Equal(122, small.GetProperty("numberReturned").GetInt32());
        var self = small.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "self").GetProperty("href").GetString()!;
        Assert.Contains("limit=10000", self);
    }

    private static readonly string[] ResourceUrls =
    [
        "/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/grids", "/ogc/collections/grids/items?limit=3",
        "/ogc/collections/grids/items/310101", "/ogc/collections/grids/schema",
    ];

    public static TheoryData<string> Resources() => new(ResourceUrls);

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Head_is_answered_like_get_without_a_body(string url)
    {
        await EnsureDemoCity();
        using var get = await api.Anonymous.GetAsync(url);
        using var head = await api.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Any_origin_may_read_and_no_origin_may_write()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/ogc/collections") { Headers = { { "Origin", "https://maps.example.org" } } };
        using var answer = await api.Anonymous.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/ogc/collections/grids/items")
        {
            Headers = { { "Origin", "https://maps.example.org" }, { "Access-Control-Request-Method", "GET" }, { "Access-Control-Request-Headers", "x-api-key" } },
        };
        using var allowed = await api.Anonymous.SendAsync(preflight);
        Assert.True(allowed.IsSuccessStatusCode, $"{allowed.StatusCode}");
        Assert.Equal("*", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.DoesNotContain("POST", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Methods")));

        using var write = new HttpRequestMessage(HttpMethod.Options, "/ogc/collections/grids/items")
        {
            Headers = { { "Origin", "https://maps.example.org" }, { "Access-Control-Request-Method", "DELETE" } },
        };
        using var refused = await api.Anonymous.SendAsync(write);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin") && refused.Headers.TryGetValues("Access-Control-Allow-Methods", out var m) && m.Any(v => v.Contains("DELETE")));
        // The rest of the API stays same-origin.
        using var keys = new HttpRequestMessage(HttpMethod.Get, "/api/grids") { Headers = { { "Origin", "https://maps.example.org" } } };
        Assert.False((await api.Anonymous.SendAsync(keys)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Datetime_is_applied_to_the_grids_validity()
    {
        await EnsureDemoCity();
        var before = await Get("/ogc/collections/grids/items?datetime=2000-01-01T00:00:00Z");
        Assert.Equal(0, before.GetProperty("numberMatched").GetInt32());
        var since = await Get("/ogc/collections/grids/items?datetime=2000-01-01T00:00:00Z/..");
        Assert.Equal(163, since.GetProperty("numberMatched").GetInt32());
        var collection = await Get("/ogc/collections/grids");
        Assert.NotEqual(JsonValueKind.Null, collection.GetProperty("extent").GetProperty("temporal").GetProperty("interval")[0][0].ValueKind);
    }

    [Fact]
    public async Task A_date_is_its_whole_day_in_utc_alone_or_ending_an_interval()
    {
        await EnsureDemoCity();
        // The day the current grids were published (UTC): they are valid from some time in it, not from its midnight.
        var published = (await Get("/ogc/collections/grids/items/310101")).GetProperty("properties").GetProperty("valid_from").GetDateTimeOffset().ToUniversalTime();
        var day = published.ToString("yyyy-MM-dd");
        Assert.Equal(163, (await Get($"/ogc/collections/grids/items?datetime={day}")).GetProperty("numberMatched").GetInt32());
        Assert.Equal(163, (await Get($"/ogc/collections/grids/items?datetime=2000-01-01/{day}")).GetProperty("numberMatched").GetInt32());
        Assert.Equal(0, (await Get($"/ogc/collections/grids/items?datetime=2000-01-01/{published.AddDays(-1):yyyy-MM-dd}")).GetProperty("numberMatched").GetInt32());
    }

    [Fact]
    public async Task No_link_has_a_null_title()
    {
        await EnsureDemoCity();
        // The conformance document and the schema have no links.
        foreach (var url in ResourceUrls.Where(u => !u.EndsWith("/schema") && !u.EndsWith("/conformance")).Append("/ogc/collections/components-lines/items?limit=2"))
        {
            var links = new List<JsonElement>();
            void Walk(JsonElement e)
            {
                if (e.ValueKind == JsonValueKind.Object)
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Name == "links") links.AddRange(p.Value.EnumerateArray());
                        Walk(p.Value);
                    }
                else if (e.ValueKind == JsonValueKind.Array)
                    foreach (var x in e.EnumerateArray()) Walk(x);
            }
            Walk(await Get(url));
            Assert.NotEmpty(links);
            foreach (var link in links)
                Assert.False(link.TryGetProperty("title", out var t) && t.ValueKind != JsonValueKind.String, $"{url}: {link}");
        }
    }

    [Theory]
    [InlineData("grids", "geometry-multipolygon", 163)]
    [InlineData("components", "geometry-any", 6221)]
    [InlineData("components-points", "geometry-point-or-multipoint", 5425)]
    [InlineData("components-lines", "geometry-linestring-or-multilinestring", 796)]
    [InlineData("components-polygons", "geometry-polygon-or-multipolygon", 0)]
    public async Task Schema_gives_each_property_a_type_and_the_geometry_type(string collection, string geometry, int count)
    {
        await EnsureDemoCity();
        var described = await Get($"/ogc/collections/{collection}");
        var link = described.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "describedby");
        Assert.Equal("application/schema+json", link.GetProperty("type").GetString());
        var response = await api.Anonymous.GetAsync(new Uri(link.GetProperty("href").GetString()!).PathAndQuery);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        var schema = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.Equal("object", schema.GetProperty("type").GetString());
        var properties = schema.GetProperty("properties");
        var geometries = properties.EnumerateObject().Where(p => p.Value.TryGetProperty("x-ogc-role", out var r) && r.GetString() == "primary-geometry").ToList();
        Assert.Equal(geometry, Assert.Single(geometries).Value.GetProperty("format").GetString());
        foreach (var p in properties.EnumerateObject().Where(p => p.Name != geometries[0].Name))
            Assert.True(p.Value.TryGetProperty("type", out _), $"{collection}.{p.Name} has no type");
        Assert.Equal("string", properties.GetProperty("code").GetProperty("type").GetString());
        Assert.Equal("id", properties.GetProperty("code").GetProperty("x-ogc-role").GetString());
        if (collection == "grids") Assert.Equal("number", properties.GetProperty("area_m2").GetProperty("type").GetString());
        var items = await Get($"/ogc/collections/{collection}/items?limit=1");
        Assert.Equal(count, items.GetProperty("numberMatched").GetInt32());
    }

    [Fact]
    public async Task Gdal_reads_the_component_lines_as_lines_and_every_one_of_them()
    {
        await EnsureDemoCity();
        var url = $"OAPIF:{api.BaseAddress.ToString().TrimEnd('/')}/ogc";
        var (code, output, error) = Gdal.Run("ogrinfo", "-ro", "-so", url, "components-lines");
        Assert.True(code == 0, error);
        Assert.Contains("Geometry: Line String", output);
        Assert.Contains("Feature Count: 796", output);
        var points = Gdal.Run("ogrinfo", "-ro", "-so", url, "components-points");
        Assert.Contains("Geometry: Point", points.Out);
        Assert.Contains("Feature Count: 5425", points.Out);
    }
}
