using System.Net;
using System.Text.Json;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using ProjNet.IO.CoordinateSystems;
using SpatialGrid.Api.Tests.Infrastructure;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// Shapefiles as they come from the field: invalid polygons named feature by feature like GeoJSON's, Chinese text in
/// GBK read right (or refused by field, never stored as U+FFFD), and the .prj read for its datum and parameters.
/// </summary>
public class ShapefileImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private Task<HttpResponseMessage> Import(byte[] zip, params (string, string)[] fields) =>
        api.Editor.PostAsync("/api/grids/imports", Upload.File(zip, "grids.zip", fields));

    private async Task<JsonElement> Grid(string code) =>
        JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/api/grids/{code}")).RootElement.Clone();

    private static List<(double Lon, double Lat)> Corners(JsonElement grid) =>
        grid.GetProperty("geometry").GetProperty("coordinates")[0][0].EnumerateArray().Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToList();

    private static System.Text.Json.Nodes.JsonObject BowTie(SmallCity city) => SmallCity.Polygon(
        (city.Lon + 0.01, city.Lat), (city.Lon + 0.02, city.Lat + 0.02), (city.Lon + 0.02, city.Lat), (city.Lon + 0.01, city.Lat + 0.02), (city.Lon + 0.01, city.Lat));

    [Fact]
    public async Task A_bow_tie_in_a_shapefile_is_named_by_its_feature_like_in_geojson()
    {
        var city = new SmallCity("320102", 118.78, 32.04);
        var features = city.Features();
        features[4] = SmallCity.Feature(city.EastGrid, "East grid", BowTie(city));
        var response = await Import(new ShapefileZip(ShapefileZip.Wgs84).Build(features));
        var problem = await Problem.ExpectAsync(response, HttpStatusCode.UnprocessableEntity, "grid-import-invalid");
        var error = Assert.Single(problem.Errors);
        Assert.Equal(("invalid-geometry", 4), (error.Kind, error.Feature));
        Assert.Contains("Self-intersection", error.Message);
    }

    [Fact]
    public async Task Fix_repairs_a_bow_tie_in_a_shapefile_and_reports_it()
    {
        var city = new SmallCity("320104", 118.80, 32.00);
        var features = city.Features();
        features[4] = SmallCity.Feature(city.EastGrid, "East grid", BowTie(city));
        var response = await Import(new ShapefileZip(ShapefileZip.Wgs84).Build(features), ("fix", "true"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Contains("repaired invalid geometry", body);
    }

    public static TheoryData<string, string?, byte> GbkDeclarations => new()
    {
        { "320105", "GBK", 0 },     // a .cpg, as QGIS writes it
        { "320106", null, 0x4D },   // the DBF's language driver 936, as ArcGIS on a Chinese Windows writes it
        { "320111", null, 0 },      // neither: not valid UTF-8, so read as GBK
    };

    [Theory]
    [MemberData(nameof(GbkDeclarations))]
    public async Task Gbk_names_are_read_as_chinese(string district, string? cpg, byte languageDriver)
    {
        var city = new SmallCity(district, 118.70 + (int.Parse(district) - 320100) * 0.03, 32.10);
        var features = city.Features();
        features[4] = SmallCity.Feature(city.EastGrid, ShapefileZip.EastGridInGbk, features[4]["geometry"]!.DeepClone());
        var zip = new ShapefileZip(ShapefileZip.Wgs84) { Encoding = System.Text.Encoding.Latin1, Cpg = cpg, LanguageDriver = languageDriver }.Build(features);
        var response = await Import(zip, ("publish", "true"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.Equal("东区网格", (await Grid(city.EastGrid)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Text_that_is_not_valid_in_the_declared_encoding_is_named_and_not_stored()
    {
        var city = new SmallCity("320113", 118.60, 31.95);
        var features = city.Features();
        features[4] = SmallCity.Feature(city.EastGrid, ShapefileZip.EastGridInGbk, features[4]["geometry"]!.DeepClone());
        var zip = new ShapefileZip(ShapefileZip.Wgs84) { Encoding = System.Text.Encoding.Latin1, Cpg = "UTF-8" }.Build(features);
        var problem = await Problem.ExpectAsync(await Import(zip), HttpStatusCode.UnprocessableEntity, "grid-import-invalid");
        var error = Assert.Single(problem.Errors);
        Assert.Equal(("invalid-character", 4), (error.Kind, error.Feature));
        Assert.Contains("'name'", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public async Task A_utm_zone_50n_shapefile_lands_where_it_is()
    {
        var city = new SmallCity("320114", 118.70, 32.20);
        var utm = (ProjectedCoordinateSystem)CoordinateSystemWktReader.Parse(ShapefileZip.Utm50N);
        var toUtm = new CoordinateTransformationFactory().CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, utm).MathTransform;
        var zip = new ShapefileZip(ShapefileZip.Utm50N) { Project = (x, y) => toUtm.Transform(x, y) }.Build(city.Features());
        var response = await Import(zip, ("publish", "true"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal("EPSG:32650", JsonDocument.Parse(body).RootElement.GetProperty("crs").GetString());
        // Read as Gauss-Krüger (scale 1 instead of 0.9996) this corner would land ~1.4 km away.
        Assert.Contains(Corners(await Grid(city.WestGrid)), c => Math.Abs(c.Lon - city.Lon) < 1e-8 && Math.Abs(c.Lat - city.Lat) < 1e-8);
    }

    [Fact]
    public async Task A_xian_1980_shapefile_is_refused_naming_its_datum()
    {
        var city = new SmallCity("320115", 120.30, 31.57);
        Assert.True(Crs.TryParse("EPSG:4549", out var gk, out _));
        var zip = new ShapefileZip(ShapefileZip.XianGkCm120) { Project = gk.FromWgs84 }.Build(city.Features());
        var problem = await Problem.ExpectAsync(await Import(zip), HttpStatusCode.UnprocessableEntity, "unsupported-crs");
        Assert.Contains("Xian 1980", problem.Detail);
        Assert.Contains("CGCS2000", problem.Detail);
        Assert.Equal(0, await api.ScalarAsync($"SELECT count(*) FROM grids WHERE code LIKE '{city.District}%'"));
    }

    [Fact]
    public async Task Metres_of_one_zone_declared_as_the_next_are_warned_about()
    {
        // Zone 40 (central meridian 120°E) eastings, with the zone number, in a file whose .prj says zone 41 (123°E).
        var city = new SmallCity("320116", 120.30, 31.50);
        Assert.True(Crs.TryParse("EPSG:4528", out var zone40, out _));
        var zip = new ShapefileZip(ShapefileZip.CgcsGkZone41) { Project = zone40.FromWgs84 }.Build(city.Features());
        var response = await Import(zip);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var warnings = JsonDocument.Parse(body).RootElement.GetProperty("warnings").EnumerateArray().ToList();
        var zone = Assert.Single(warnings, w => w.GetProperty("kind").GetString() == "outside-crs-zone");
        Assert.Contains("123", zone.GetProperty("message").GetString());
        Assert.Contains("zone 40", zone.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_zip_with_a_huge_unrelated_member_and_a_namesake_dbf_beside_the_shapefile_imports()
    {
        var city = new SmallCity("320117", 119.20, 32.30);
        var zip = new ShapefileZip(ShapefileZip.Wgs84).Build(city.Features());
        // A scan the zip declares as 3 GiB (never read, so its size does not count), and an old DBF whose name starts
        // with the layer's (grids_old.dbf is not grids.dbf: it was taken as the layer's DBF too, and the import failed).
        zip = ShapefileZip.DeclaringSize(ShapefileZip.WithMember(zip, "scan.pdf", new byte[1000]), "scan.pdf", 3u << 30);
        zip = ShapefileZip.WithMember(zip, "grids_old.dbf", [3, 1, 2, 3]);
        var response = await Import(zip, ("publish", "true"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal(5, JsonDocument.Parse(body).RootElement.GetProperty("features").GetInt32());
        Assert.Equal("East grid", (await Grid(city.EastGrid)).GetProperty("name").GetString());
    }
}
