using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Maps;

/// <summary>Vector tiles from PostGIS, read back by GDAL; ETags, 304, 204 and invalidation on a new grid version.</summary>
public class TileTests(TileTests.RealApi api) : IClassFixture<TileTests.RealApi>
{
    public sealed class RealApi : ApiFixture
    {
        protected override bool RealServer => true;
    }

    private static readonly SmallCity City = new("310101", 121.46, 31.22);

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    private async Task Ready()
    {
        if (await api.ScalarAsync("SELECT count(*) FROM grids") == 0) await ComponentFiles.PublishCity(api, City);
    }

    [Fact]
    public async Task A_grid_tile_is_built_by_postgis_and_read_by_gdal()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var response = await api.Anonymous.GetAsync($"/tiles/grids/15/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);

        var url = $"MVT:{api.BaseAddress.ToString().TrimEnd('/')}/tiles/grids/15/{x}/{y}.mvt";
        var (_, output, _) = Gdal.Run("ogrinfo", "-ro", "-so", "-al", url);
        Assert.Contains("Layer name: districts", output);
        Assert.Contains("Layer name: grids", output);
        Assert.Matches(@"Layer name: grids[\s\S]*Feature Count: [12]\b", output);
    }

    [Fact]
    public async Task Gdal_reads_a_zoom_level_of_the_tileset_through_its_metadata()
    {
        await Ready();
        var (code, output, error) = Gdal.Run("ogrinfo", "-ro", "-so", "-al", $"MVT:{api.BaseAddress.ToString().TrimEnd('/')}/tiles/grids/14");
        Assert.True(code == 0, error);
        foreach (var layer in new[] { "districts", "subdistricts", "communities", "grids" }) Assert.Contains($"Layer name: {layer}", output);
        Assert.Matches(@"Layer name: grids[\s\S]*Feature Count: [1-9]", output);
        var metadata = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/tiles/grids/metadata.json")).RootElement;
        Assert.Equal("pbf", metadata.GetProperty("format").GetString());
    }

    [Fact]
    public async Task Etags_answer_304_and_a_new_grid_version_changes_the_tile()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var first = await api.Anonymous.GetAsync($"/tiles/grids/15/{x}/{y}.mvt");
        var etag = first.Headers.ETag!.Tag;
        // Every answer tells the service's own time (Server-Timing; a freshly built tile adds its database time).
        Assert.Matches(@"app;dur=\d+\.\d+", string.Join(",", first.Headers.GetValues("Server-Timing")));
        var again = new HttpRequestMessage(HttpMethod.Get, $"/tiles/grids/15/{x}/{y}.mvt");
        again.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.NotModified, (await api.Anonymous.SendAsync(again)).StatusCode);

        var features = City.Features();
        features[3] = SmallCity.Feature(City.WestGrid, "West grid v2", SmallCity.Box(City.Lon, City.Lat, City.Lon + 0.015, City.Lat + 0.02));
        features[4] = SmallCity.Feature(City.EastGrid, "East grid v2", SmallCity.Box(City.Lon + 0.015, City.Lat, City.Lon + 0.02, City.Lat + 0.02));
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features), ("publish", "true")))).EnsureSuccessStatusCode();
        var fresh = await api.Anonymous.GetAsync($"/tiles/grids/15/{x}/{y}.mvt");
        Assert.NotEqual(etag, fresh.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task TileJson_describes_the_layers()
    {
        await Ready();
        var json = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/tiles/grids.json")).RootElement;
        Assert.Equal("3.0.0", json.GetProperty("tilejson").GetString());
        Assert.EndsWith("/tiles/grids/{z}/{x}/{y}.mvt", json.GetProperty("tiles")[0].GetString());
        Assert.Equal(["districts", "subdistricts", "communities", "grids"], json.GetProperty("vector_layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Bounds_are_the_current_grids_extent_and_follow_a_published_version()
    {
        await Ready();
        async Task<double[]> TileJsonBounds(string layer) =>
            JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/tiles/{layer}.json")).RootElement.GetProperty("bounds").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        async Task<double[]> MetadataBounds() =>
            JsonDocument.Parse(await api.Anonymous.GetStringAsync("/tiles/grids/metadata.json")).RootElement.GetProperty("bounds").GetString()!
                .Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        async Task<double[]> OgcBounds() =>
            JsonDocument.Parse(await api.Anonymous.GetStringAsync("/ogc/collections/grids")).RootElement
                .GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        async Task Publish(IEnumerable<System.Text.Json.Nodes.JsonObject> features) =>
            (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features), ("publish", "true")))).EnsureSuccessStatusCode();
        async Task Expect(double east)
        {
            double[] expected = [City.Lon, City.Lat, east, City.Lat + 0.02];
            foreach (var bounds in new[] { await TileJsonBounds("grids"), await TileJsonBounds("roads"), await MetadataBounds(), await OgcBounds() })
                Assert.Equal(expected, bounds, (a, b) => Math.Abs(a - b) < 1e-9);
        }

        // The district grows eastwards in a new version: every level with it, the east grid to the new edge.
        var whole = SmallCity.Box(City.Lon, City.Lat, City.Lon + 0.03, City.Lat + 0.02);
        await Publish([
            SmallCity.Feature(City.District, "Test district", whole), SmallCity.Feature(City.SubDistrict, "Test sub-district", whole.DeepClone()),
            SmallCity.Feature(City.Community, "Test community", whole.DeepClone()), SmallCity.Feature(City.WestGrid, "West grid", SmallCity.Box(City.Lon, City.Lat, City.Lon + 0.01, City.Lat + 0.02)),
            SmallCity.Feature(City.EastGrid, "East grid", SmallCity.Box(City.Lon + 0.01, City.Lat, City.Lon + 0.03, City.Lat + 0.02)),
        ]);
        await Expect(City.Lon + 0.03);
        // And back: the bounds shrink with the version, not only grow.
        await Publish(City.Features());
        await Expect(City.Lon + 0.02);
    }

    [Theory]
    [InlineData("/tiles/planets/1/0/0.mvt", HttpStatusCode.NotFound, "layer-not-found")]
    [InlineData("/tiles/grids/3/9/0.mvt", HttpStatusCode.BadRequest, "bad-tile")]
    [InlineData("/tiles/grids/23/0/0.mvt", HttpStatusCode.BadRequest, "bad-tile")]
    [InlineData("/tiles/grids/15/1/abc.mvt", HttpStatusCode.BadRequest, "bad-tile")]
    [InlineData("/tiles/cases/15/27440/13388.mvt", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("/tiles/cases.json", HttpStatusCode.Unauthorized, "unauthenticated")]
    public async Task Bad_tile_requests_get_problem_details(string url, HttpStatusCode status, string kind)
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync(url), status, kind);
    }

    [Fact]
    public async Task Empty_tiles_and_zooms_outside_a_layer_answer_204()
    {
        await Ready();
        Assert.Equal(HttpStatusCode.NoContent, (await api.Anonymous.GetAsync("/tiles/grids/15/0/0.mvt")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Anonymous.GetAsync("/tiles/components/5/26/13.mvt")).StatusCode);
    }

    [Fact]
    public async Task The_default_style_draws_every_layer_from_the_services_own_tiles()
    {
        var style = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/styles/default.json")).RootElement;
        Assert.Equal(8, style.GetProperty("version").GetInt32());
        foreach (var source in new[] { "base", "cases", "patrols" })
            Assert.EndsWith($"/tiles/{source}.json", style.GetProperty("sources").GetProperty(source).GetProperty("url").GetString());
        var layers = style.GetProperty("layers").EnumerateArray().ToList();
        // The base map (roads, grids, components) comes from the one composite source: one request a tile, not three.
        Assert.All(layers.Where(l => l.TryGetProperty("source-layer", out var sl) && sl.GetString() is "roads" or "districts" or "grids" or "components"),
            l => Assert.Equal("base", l.GetProperty("source").GetString()));
        var cases = layers.Single(l => l.GetProperty("id").GetString() == "cases");
        Assert.Contains("\"red\"", cases.GetProperty("paint").GetProperty("circle-color").GetRawText());
        // Every patrol source layer is drawn, hidden until the map's toggles show it.
        var patrols = layers.Where(l => l.TryGetProperty("source", out var s) && s.GetString() == "patrols").ToList();
        Assert.Equal(["coverage", "live", "tracks", "unvisited"], patrols.Select(l => l.GetProperty("source-layer").GetString()).Distinct().Order());
        Assert.All(patrols, l => Assert.Equal("none", l.GetProperty("layout").GetProperty("visibility").GetString()));
        // Labels come from the service's own glyphs (GlyphTileTests).
        Assert.EndsWith("/fonts/{fontstack}/{range}.pbf", style.GetProperty("glyphs").GetString());
    }

    [Fact]
    public async Task The_base_tile_is_the_roads_grids_and_components_tiles_of_its_address_in_one()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var parts = new List<byte>();
        foreach (var part in new[] { "roads", "grids", "components" })
        {
            var one = await api.Anonymous.GetAsync($"/tiles/{part}/15/{x}/{y}.mvt");
            if (one.StatusCode == HttpStatusCode.OK) parts.AddRange(await one.Content.ReadAsByteArrayAsync());
        }
        var composite = await api.Anonymous.GetAsync($"/tiles/base/15/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, composite.StatusCode);
        Assert.NotEmpty(parts);
        Assert.Equal(parts.ToArray(), await composite.Content.ReadAsByteArrayAsync());
        // Its TileJSON declares the layers of all three; GDAL reads the grid layers from the one tile.
        var tilejson = JsonDocument.Parse(await api.Anonymous.GetStringAsync("/tiles/base.json")).RootElement;
        Assert.Equal(["communities", "components", "districts", "grids", "roads", "subdistricts"],
            tilejson.GetProperty("vector_layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()).Order());
        var (_, output, _) = Gdal.Run("ogrinfo", "-ro", "-so", "-al", $"MVT:{api.BaseAddress.ToString().TrimEnd('/')}/tiles/base/15/{x}/{y}.mvt");
        Assert.Contains("Layer name: districts", output);
        Assert.Contains("Layer name: grids", output);
        // Its ETag revalidates it (304), like a single source's.
        var again = new HttpRequestMessage(HttpMethod.Get, $"/tiles/base/15/{x}/{y}.mvt");
        again.Headers.IfNoneMatch.Add(composite.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Anonymous.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Tiles_are_gzipped_when_the_client_accepts_it()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/tiles/grids/15/{x}/{y}.mvt");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await api.Anonymous.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public async Task A_changed_component_refreshes_the_tiles_it_touches_and_only_those()
    {
        await Ready();
        var (lon, lat) = City.EastPoint;
        (await ComponentFiles.Import(api, [ComponentFiles.Feature("0107", ComponentFiles.Point(lon, lat), code: "3101010107000777")])).EnsureSuccessStatusCode();
        var (x, y) = TileOf(lon, lat, 16);
        var before = await api.Anonymous.GetAsync($"/tiles/components/16/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var patched = await api.Editor.PatchAsync("/api/components/3101010107000777",
            new StringContent("""{"status":"damaged"}""", System.Text.Encoding.UTF8, "application/json"));
        patched.EnsureSuccessStatusCode();
        var after = await api.Anonymous.GetAsync($"/tiles/components/16/{x}/{y}.mvt");
        Assert.NotEqual(before.Headers.ETag!.Tag, after.Headers.ETag!.Tag);

        // The area test behind it: the tile holding the point is touched, a tile two kilometres away is not.
        double[] box = [lon, lat, lon, lat];
        Assert.True(SpatialGrid.Api.Maps.TileCache.Intersects(16, x, y, box));
        Assert.False(SpatialGrid.Api.Maps.TileCache.Intersects(16, x + 5, y, box));
    }

    [Fact]
    public async Task A_storm_of_requests_for_one_tile_builds_it_once()
    {
        await Ready();
        var cache = (SpatialGrid.Api.Maps.TileCache)api.Factory.Services.GetService(typeof(SpatialGrid.Api.Maps.TileCache))!;
        var (x, y) = TileOf(City.EastPoint.Lon, City.EastPoint.Lat, 17);
        var before = cache.Built;
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => api.Anonymous.GetAsync($"/tiles/grids/17/{x}/{y}.mvt")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.ETag!.Tag).Distinct());
        Assert.Equal(1, cache.Built - before);
    }

    [Fact]
    public async Task Any_tile_matches_a_star_a_weak_validator_matches_weakly_and_every_answer_varies_by_encoding()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var plain = await api.Anonymous.GetAsync($"/tiles/grids/15/{x}/{y}.mvt");
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        // One validator for the plain, gzip and br bodies of a tile: weak, as RFC 9110 asks of a validator shared by encodings.
        Assert.True(plain.Headers.ETag!.IsWeak);
        var gzip = new HttpRequestMessage(HttpMethod.Get, $"/tiles/grids/15/{x}/{y}.mvt");
        gzip.Headers.AcceptEncoding.ParseAdd("gzip");
        var zipped = await api.Anonymous.SendAsync(gzip);
        Assert.Equal("gzip", Assert.Single(zipped.Content.Headers.ContentEncoding));
        Assert.True(zipped.Headers.ETag!.IsWeak);
        foreach (var validator in new[] { "*", plain.Headers.ETag.ToString(), plain.Headers.ETag.Tag, $"\"nope\", {plain.Headers.ETag}" })
        {
            var again = new HttpRequestMessage(HttpMethod.Get, $"/tiles/grids/15/{x}/{y}.mvt");
            again.Headers.TryAddWithoutValidation("If-None-Match", validator);
            var answer = await api.Anonymous.SendAsync(again);
            Assert.True(answer.StatusCode == HttpStatusCode.NotModified, $"If-None-Match: {validator} → {answer.StatusCode}");
            Assert.Contains("Accept-Encoding", answer.Headers.Vary);
        }
    }

    [Fact]
    public async Task The_tilejson_centre_lies_on_data_every_layer_draws_there()
    {
        await Ready();
        foreach (var layer in new[] { "grids", "components" })
        {
            var centre = JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/tiles/{layer}.json")).RootElement.GetProperty("center").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var z = (int)centre[2];
            Assert.Equal(15, z);
            var located = JsonDocument.Parse(await api.Anonymous.GetStringAsync(FormattableString.Invariant($"/api/grids/locate?lon={centre[0]}&lat={centre[1]}"))).RootElement;
            Assert.Equal(15, located.GetProperty("grid").GetProperty("code").GetString()!.Length);
            var (x, y) = TileOf(centre[0], centre[1], z);
            if (layer == "grids") Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync($"/tiles/grids/{z}/{x}/{y}.mvt")).StatusCode);
        }
    }

    [Fact]
    public async Task Kind_is_a_string_in_every_grid_layer()
    {
        await Ready();
        // At zoom 12 only the districts, sub-districts and communities are drawn: their kind used to be the number 1.
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 12);
        var bytes = await api.Anonymous.GetByteArrayAsync($"/tiles/grids/12/{x}/{y}.mvt");
        Assert.Contains("comprehensive", System.Text.Encoding.UTF8.GetString(bytes));
        var (_, output, _) = Gdal.Run("ogrinfo", "-ro", "-al", $"MVT:{api.BaseAddress.ToString().TrimEnd('/')}/tiles/grids/12/{x}/{y}.mvt");
        Assert.Matches(@"kind \(String\) = comprehensive", output);
        Assert.DoesNotMatch(@"kind \((Integer|Integer64|Real)\)", output);
    }

    [Fact]
    public async Task A_point_in_the_buffer_of_a_tile_is_drawn_by_that_tile_too()
    {
        await Ready();
        // A lamp just west of a zoom-16 tile's west edge, inside the 64-unit buffer the tile draws around itself.
        var (x, y) = TileOf(City.EastPoint.Lon, City.EastPoint.Lat, 16);
        var west = x / 65536.0 * 360 - 180;
        var bufferDegrees = 360.0 / 65536 * 64 / 4096;
        (await ComponentFiles.Import(api, [ComponentFiles.Feature("0107", ComponentFiles.Point(west - bufferDegrees / 3, City.EastPoint.Lat), code: "3101010107000888")])).EnsureSuccessStatusCode();
        Assert.Contains("3101010107000888", System.Text.Encoding.UTF8.GetString(await api.Anonymous.GetByteArrayAsync($"/tiles/components/16/{x - 1}/{y}.mvt")));
        var neighbour = await api.Anonymous.GetAsync($"/tiles/components/16/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        Assert.Contains("3101010107000888", System.Text.Encoding.UTF8.GetString(await neighbour.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Garbage_if_none_match_gets_the_tile_and_zooms_past_the_layer_get_204()
    {
        await Ready();
        var (x, y) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 15);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/tiles/grids/15/{x}/{y}.mvt");
        request.Headers.TryAddWithoutValidation("If-None-Match", "garbage, W/\"\", *x, \"\"\"");
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.SendAsync(request)).StatusCode);
        var (x20, y20) = TileOf(City.WestPoint.Lon, City.WestPoint.Lat, 20);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Anonymous.GetAsync($"/tiles/grids/20/{x20}/{y20}.mvt")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/health")).StatusCode);
    }
}
