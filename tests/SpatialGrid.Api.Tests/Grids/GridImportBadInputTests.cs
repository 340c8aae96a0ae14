using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>Every kind of bad import gets a precise error and writes nothing; the service keeps serving.</summary>
public class GridImportBadInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly SmallCity City = new("310106", 121.44, 31.22);

    private async Task<Problem> ImportExpectingErrors(string geoJson, params (string, string)[] fields)
    {
        var before = await api.ScalarAsync("SELECT count(*) FROM grids");
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(geoJson, fields));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "grid-import-invalid");
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM grids"));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM grid_versions WHERE status = 1 AND feature_count > 0 AND id NOT IN (SELECT version_id FROM grids)"));
        return problem;
    }

    /// <summary>The small city with the east grid's geometry (or properties) replaced.</summary>
    private static string WithEastGrid(JsonNode? geometry, string? code = null)
    {
        var features = City.Features();
        features[4] = SmallCity.Feature(code ?? City.EastGrid, "East grid", geometry);
        return SmallCity.Collection(features);
    }

    [Fact]
    public async Task Self_intersecting_ring_names_the_feature_and_the_reason()
    {
        var bowTie = SmallCity.Polygon((121.45, 31.22), (121.46, 31.24), (121.46, 31.22), (121.45, 31.24), (121.45, 31.22));
        var problem = await ImportExpectingErrors(WithEastGrid(bowTie));
        var error = Assert.Single(problem.Errors);
        Assert.Equal(("invalid-geometry", 4), (error.Kind, error.Feature));
        Assert.Contains("Self-intersection", error.Message);
    }

    [Fact]
    public async Task Fix_repairs_what_it_can_and_reports_it()
    {
        // A bow tie over the east half: MakeValid turns it into two triangles; the import then reports the
        // remaining gap in the community rather than an invalid polygon.
        var bowTie = SmallCity.Polygon((121.45, 31.22), (121.46, 31.24), (121.46, 31.22), (121.45, 31.24), (121.45, 31.22));
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(WithEastGrid(bowTie), ("fix", "true")));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("repaired invalid geometry", body);
    }

    /// <summary>
    /// The east grid's square, whose ring then runs along a bridge to an inner rectangle, around it the same way, and
    /// back: the rectangle is enclosed twice, a hole by the even-odd rule, which the repair fills (about 630,000 m²).
    /// </summary>
    private static JsonObject SquareWoundTwiceInside() => SmallCity.Polygon(
        (121.45, 31.22), (121.46, 31.22), (121.46, 31.24), (121.45, 31.24), (121.45, 31.22),
        (121.452, 31.225), (121.458, 31.225), (121.458, 31.235), (121.452, 31.235), (121.452, 31.225), (121.45, 31.22));

    [Fact]
    public async Task A_repair_that_changes_the_area_is_refused_naming_the_feature_and_the_areas()
    {
        var problem = await ImportExpectingErrors(WithEastGrid(SquareWoundTwiceInside()), ("fix", "true"));
        var refused = Assert.Single(problem.Body.GetProperty("errors").EnumerateArray());
        Assert.Equal(("repair-changes-area", 4, City.EastGrid),
            (refused.GetProperty("kind").GetString(), refused.GetProperty("feature").GetInt32(), refused.GetProperty("code").GetString()));
        Assert.InRange(refused.GetProperty("addedM2").GetDouble(), 600_000, 660_000);
        Assert.Equal(0, refused.GetProperty("removedM2").GetDouble());
        Assert.Contains("repair tolerance of 10 m²", refused.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_larger_repair_tolerance_asked_by_the_import_accepts_the_change_and_reports_it()
    {
        var response = await api.Editor.PostAsync("/api/grids/imports",
            Upload.GeoJson(WithEastGrid(SquareWoundTwiceInside()), ("fix", "true"), ("repairToleranceM2", "1000000")));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var repair = Assert.Single(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("warnings").EnumerateArray(),
            w => w.GetProperty("kind").GetString() == "fixed");
        Assert.Equal(4, repair.GetProperty("feature").GetInt32());
        Assert.InRange(repair.GetProperty("addedM2").GetDouble(), 600_000, 660_000);
        var bad = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(City.GeoJson(), ("repairToleranceM2", "-1")));
        await Problem.ExpectAsync(bad, HttpStatusCode.BadRequest, "bad-flag");
    }

    [Fact]
    public async Task Gcj02_vertices_are_counted_after_densifying_against_the_cap()
    {
        // Five vertices, but edges of 30°: a vertex every 0.001° makes 120,000 of them, over the cap of 100,000.
        var wide = SmallCity.Collection([SmallCity.Feature("310199", "Wide", SmallCity.Box(100, 20, 130, 50))]);
        var error = Assert.Single((await ImportExpectingErrors(wide, ("crs", "GCJ-02"))).Errors);
        Assert.Equal(("too-many-vertices", 0), (error.Kind, error.Feature));
        Assert.Matches(@"5 vertices become 1(19|20),\d{3} ", error.Message);
    }

    [Fact]
    public async Task Unclosed_ring_is_an_unreadable_geometry()
    {
        var open = SmallCity.Polygon((121.45, 31.22), (121.46, 31.22), (121.46, 31.24), (121.45, 31.24));
        var error = Assert.Single((await ImportExpectingErrors(WithEastGrid(open))).Errors);
        Assert.Equal(("invalid-geometry", 4), (error.Kind, error.Feature));
    }

    [Fact]
    public async Task Infinite_and_out_of_range_coordinates_are_refused()
    {
        var json = WithEastGrid(JsonNode.Parse("""{"type":"Polygon","coordinates":[[[121.45,31.22],[1e999,31.22],[121.46,31.24],[121.45,31.24],[121.45,31.22]]]}"""));
        Assert.Equal("bad-coordinates", Assert.Single((await ImportExpectingErrors(json)).Errors).Kind);
        var far = WithEastGrid(SmallCity.Box(121.45, 31.22, 200.0, 31.24));
        Assert.Contains("out of range", Assert.Single((await ImportExpectingErrors(far)).Errors).Message);
    }

    [Fact]
    public async Task Swapped_lon_lat_is_reported_as_swapped()
    {
        var swapped = SmallCity.Box(31.22, 121.45, 31.24, 121.46);
        var error = Assert.Single((await ImportExpectingErrors(WithEastGrid(swapped))).Errors);
        Assert.Contains("swapped", error.Message);
    }

    [Fact]
    public async Task A_point_outside_the_service_area_is_reported()
    {
        var paris = SmallCity.Box(2.35, 48.85, 2.36, 48.86);
        Assert.Equal("outside-service-area", Assert.Single((await ImportExpectingErrors(WithEastGrid(paris))).Errors).Kind);
    }

    [Fact]
    public async Task Z_values_are_refused_and_geometry_collections_too()
    {
        var withZ = new JsonObject { ["type"] = "Polygon", ["coordinates"] = JsonNode.Parse("[[[121.45,31.22,4],[121.46,31.22,4],[121.46,31.24,4],[121.45,31.24,4],[121.45,31.22,4]]]") };
        Assert.Equal("has-z-or-m", Assert.Single((await ImportExpectingErrors(WithEastGrid(withZ))).Errors).Kind);
        var collection = JsonNode.Parse("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[121.45,31.22]}]}""");
        Assert.Equal("unsupported-geometry", Assert.Single((await ImportExpectingErrors(WithEastGrid(collection))).Errors).Kind);
    }

    [Fact]
    public async Task A_million_vertices_are_capped_and_said_so()
    {
        var ring = new JsonArray();
        const int n = 1_000_000;
        for (var i = 0; i < n; i++)
        {
            var a = 2 * Math.PI * i / n;
            ring.Add(new JsonArray(121.455 + 0.004 * Math.Cos(a), 31.23 + 0.009 * Math.Sin(a)));
        }
        ring.Add(new JsonArray(121.459, 31.23));
        var huge = new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };
        var error = Assert.Single((await ImportExpectingErrors(WithEastGrid(huge))).Errors);
        Assert.Equal("too-many-vertices", error.Kind);
        Assert.Contains("1,000,001", error.Message);
    }

    [Theory]
    [InlineData("31010600200A002", "not a digit")]
    [InlineData("3101060020010020", "16 digits")]
    public async Task Bad_codes_are_refused(string code, string reason)
    {
        var error = Assert.Single((await ImportExpectingErrors(WithEastGrid(SmallCity.Box(121.45, 31.22, 121.46, 31.24), code))).Errors);
        Assert.Equal("bad-code", error.Kind);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task Duplicate_codes_and_missing_parents_are_refused()
    {
        var duplicate = WithEastGrid(SmallCity.Box(121.45, 31.22, 121.46, 31.24), City.WestGrid);
        Assert.Contains(await ImportExpectingErrors(duplicate) is var p ? p.Errors : [], e => e.Kind == "duplicate-code");
        var orphan = WithEastGrid(SmallCity.Box(121.45, 31.22, 121.46, 31.24), "310106002009001");
        Assert.Contains((await ImportExpectingErrors(orphan)).Errors, e => e.Kind == "missing-parent");
    }

    [Fact]
    public async Task A_duplicate_code_is_listed_beside_the_invalid_polygon_it_duplicates_without_fix()
    {
        // Feature 4 is an invalid bow tie; feature 5 uses its code again: both errors in one answer.
        var bowTie = SmallCity.Polygon((121.45, 31.22), (121.46, 31.24), (121.46, 31.22), (121.45, 31.24), (121.45, 31.22));
        var features = City.Features();
        features[4] = SmallCity.Feature(City.EastGrid, "East grid", bowTie);
        features.Add(SmallCity.Feature(City.EastGrid, "East grid again", SmallCity.Box(City.Lon + 0.01, City.Lat, City.Lon + 0.02, City.Lat + 0.02)));
        var errors = (await ImportExpectingErrors(SmallCity.Collection(features))).Errors;
        Assert.Contains(errors, e => e.Kind == "invalid-geometry" && e.Feature == 4);
        Assert.Contains(errors, e => e.Kind == "duplicate-code" && e.Feature == 5);
    }

    [Fact]
    public async Task Overlapping_grids_are_refused_with_the_overlap()
    {
        var wide = WithEastGrid(SmallCity.Box(121.445, 31.22, 121.46, 31.24));
        var problem = await ImportExpectingErrors(wide);
        var overlap = Assert.Single(problem.Body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("kind").GetString() == "overlap");
        Assert.True(overlap.GetProperty("areaM2").GetDouble() > 100_000);
        Assert.Equal("Polygon", overlap.GetProperty("where").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Mixed_crss_are_refused()
    {
        var features = City.Features();
        features[4]["crs"] = JsonNode.Parse("""{"type":"name","properties":{"name":"EPSG:4549"}}""");
        var json = new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["crs"] = JsonNode.Parse("""{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"""),
            ["features"] = new JsonArray(features.Select(f => (JsonNode)f).ToArray()),
        }.ToJsonString();
        Assert.Contains("mixed CRSs", Assert.Single((await ImportExpectingErrors(json)).Errors).Message);

        var conflict = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(json.Replace("\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:4549\"}},", ""), ("crs", "EPSG:4549")));
        await Problem.ExpectAsync(conflict, HttpStatusCode.UnprocessableEntity, "mixed-crs");
    }

    [Fact]
    public async Task A_name_holding_the_replacement_character_is_refused_by_field()
    {
        // U+FFFD is what a wrong decoding left behind somewhere before the file came here: the text is already lost.
        var error = Assert.Single((await ImportExpectingErrors(WithEastGrid(SmallCity.Box(121.45, 31.22, 121.46, 31.24)).Replace("East grid", "East \uFFFD grid"))).Errors);
        Assert.Equal(("invalid-character", 4), (error.Kind, error.Feature));
        Assert.Contains("'name'", error.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_what_it_claims_is_refused()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.File(png, "grids.geojson"));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "unknown-format");
        Assert.Contains("89504E47", problem.Detail);

        var geojsonAsGpkg = await api.Editor.PostAsync("/api/grids/imports", Upload.File(Encoding.UTF8.GetBytes(City.GeoJson()), "grids.gpkg"));
        await Problem.ExpectAsync(geojsonAsGpkg, HttpStatusCode.UnprocessableEntity, "format-mismatch");

        var brokenJson = await api.Editor.PostAsync("/api/grids/imports", Upload.File(Encoding.UTF8.GetBytes("{\"type\": \"FeatureCollection\", \"features\": [ {"), "grids.geojson"));
        await Problem.ExpectAsync(brokenJson, HttpStatusCode.UnprocessableEntity, "bad-json");

        var notAZip = await api.Editor.PostAsync("/api/grids/imports", Upload.File([(byte)'P', (byte)'K', 3, 4, 1, 2, 3], "grids.zip"));
        await Problem.ExpectAsync(notAZip, HttpStatusCode.UnprocessableEntity, "bad-zip");
    }

    [Fact]
    public async Task An_empty_file_and_a_missing_file_are_refused()
    {
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/imports", Upload.File([], "grids.geojson")), HttpStatusCode.UnprocessableEntity, "empty-file");
        var noFile = new MultipartFormDataContent { { new StringContent("EPSG:4326"), "crs" } };
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/imports", noFile), HttpStatusCode.BadRequest, "missing-file");
        await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/imports", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.UnsupportedMediaType, "not-multipart");
        var empty = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson("""{"type":"FeatureCollection","features":[]}"""));
        await Problem.ExpectAsync(empty, HttpStatusCode.UnprocessableEntity, "no-features");
    }

    [Fact]
    public async Task A_file_in_any_field_but_file_is_refused_naming_the_field_expected()
    {
        var before = await api.ScalarAsync("SELECT count(*) FROM grids");
        var city = new SmallCity("310118", 121.30, 31.00).GeoJson();
        var elsewhere = new MultipartFormDataContent { { new StringContent(city), "upload", "grids.geojson" } };
        var wrong = await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/imports", elsewhere), HttpStatusCode.BadRequest, "missing-file");
        Assert.Contains("'file'", wrong.Detail);
        Assert.Contains("'upload'", wrong.Detail);
        var twice = Upload.GeoJson(city);
        twice.Add(new StringContent(city), "other", "more.geojson");
        var extra = await Problem.ExpectAsync(await api.Editor.PostAsync("/api/grids/imports", twice), HttpStatusCode.BadRequest, "unexpected-file");
        Assert.Contains("'other'", extra.Detail);
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM grids"));
    }

    [Fact]
    public async Task An_unknown_crs_is_refused()
    {
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(City.GeoJson(), ("crs", "EPSG:2385")));
        await Problem.ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "unsupported-crs");
    }

    [Fact]
    public async Task After_all_that_the_service_still_imports_a_good_file()
    {
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(new SmallCity("310107", 121.38, 31.26).GeoJson()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
