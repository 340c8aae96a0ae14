using System.IO.Compression;
using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// Shapefiles and GeoPackages made by a real outside tool (GDAL's ogr2ogr, installed by deploy/test.sh) import
/// like GeoJSON, with the CRS read from the file; GCJ-02 input is moved to WGS 84.
/// </summary>
public class GridFormatTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string Ogr2Ogr(string format, string source, string target, params string[] extra)
    {
        var (code, _, err) = Gdal.Run("ogr2ogr", ["-f", format, target, source, .. extra]);
        Assert.True(code == 0, $"ogr2ogr failed: {err}");
        return target;
    }

    private static string Temp(string ext) => Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}{ext}");

    private async Task<JsonElement> Grid(string code) =>
        JsonDocument.Parse(await api.Anonymous.GetStringAsync($"/api/grids/{code}")).RootElement.Clone();

    [Fact]
    public async Task A_geopackage_imports_with_its_crs()
    {
        var city = new SmallCity("310109", 121.48, 31.26);
        var json = Temp(".geojson");
        await File.WriteAllTextAsync(json, city.GeoJson());
        var gpkg = Ogr2Ogr("GPKG", json, Temp(".gpkg"), "-nln", "grids");
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(gpkg), "grids.gpkg", ("publish", "true")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("EPSG:4326", await response.Content.ReadAsStringAsync());
        Assert.Equal("West grid", (await Grid(city.WestGrid)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_geopackage_of_several_layers_imports_the_layer_chosen()
    {
        var city = new SmallCity("310112", 121.50, 31.28);
        var json = Temp(".geojson");
        await File.WriteAllTextAsync(json, city.GeoJson());
        var gpkg = Ogr2Ogr("GPKG", json, Temp(".gpkg"), "-nln", "grids");
        Ogr2Ogr("GPKG", json, gpkg, "-update", "-nln", "old_grids");
        var bytes = await File.ReadAllBytesAsync(gpkg);
        var unchosen = await api.Editor.PostAsync("/api/grids/imports", Upload.File(bytes, "grids.gpkg"));
        Assert.False(unchosen.IsSuccessStatusCode);
        var detail = (await Problem.ReadAsync(unchosen)).Detail;
        Assert.Contains("2 feature layers", detail);
        Assert.Contains("layer=", detail);
        var wrong = await api.Editor.PostAsync("/api/grids/imports", Upload.File(bytes, "grids.gpkg", ("layer", "nope")));
        Assert.False(wrong.IsSuccessStatusCode);
        Assert.Contains("no layer 'nope'; its layers are grids, old_grids", (await Problem.ReadAsync(wrong)).Detail);
        var chosen = await api.Editor.PostAsync("/api/grids/imports", Upload.File(bytes, "grids.gpkg", ("layer", "old_grids"), ("publish", "true")));
        Assert.Equal(HttpStatusCode.Created, chosen.StatusCode);
        Assert.Equal("West grid", (await Grid(city.WestGrid)).GetProperty("name").GetString());
        var notGpkg = await api.Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(json), "grids.geojson", ("layer", "grids")));
        Assert.Contains("not a GeoPackage", (await Problem.ReadAsync(notGpkg)).Detail);
    }

    [Fact]
    public async Task A_zipped_shapefile_in_gauss_kruger_imports_back_to_wgs84()
    {
        var city = new SmallCity("310110", 121.52, 31.27);
        var json = Temp(".geojson");
        await File.WriteAllTextAsync(json, city.GeoJson());
        var dir = Directory.CreateTempSubdirectory("sg-shp-");
        Ogr2Ogr("ESRI Shapefile", json, Path.Combine(dir.FullName, "grids.shp"), "-t_srs", "EPSG:4549", "-lco", "ENCODING=UTF-8");
        var zip = Temp(".zip");
        ZipFile.CreateFromDirectory(dir.FullName, zip);
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.File(await File.ReadAllBytesAsync(zip), "grids.zip", ("publish", "true")));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Contains("EPSG:4549", body);
        var grid = await Grid(city.WestGrid);
        var first = grid.GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        // The corner came back from Gauss-Krüger metres to within a millimetre of where it was.
        var corners = grid.GetProperty("geometry").GetProperty("coordinates")[0][0].EnumerateArray().Select(c => (c[0].GetDouble(), c[1].GetDouble())).ToList();
        Assert.Contains(corners, c => Math.Abs(c.Item1 - city.Lon) < 1e-8 && Math.Abs(c.Item2 - city.Lat) < 1e-8);
        Assert.Equal(JsonValueKind.Number, first[0].ValueKind);
    }

    [Fact]
    public async Task Gcj02_input_is_converted_to_wgs84()
    {
        var city = new SmallCity("310112", 121.38, 31.10);
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(city.GeoJson(), ("crs", "GCJ-02"), ("publish", "true")));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var corners = (await Grid(city.WestGrid)).GetProperty("geometry").GetProperty("coordinates")[0][0].EnumerateArray()
            .Select(c => (Lon: c[0].GetDouble(), Lat: c[1].GetDouble())).ToList();
        var expected = SpatialGrid.Core.Geo.Gcj02.ToWgs84(city.Lon, city.Lat);
        Assert.Contains(corners, c => Math.Abs(c.Lon - expected.Lon) < 1e-9 && Math.Abs(c.Lat - expected.Lat) < 1e-9);
        // The GCJ-02 offset in Shanghai is about 500 m south-east of WGS 84: the stored corner is west and north of the input.
        Assert.True(expected.Lon < city.Lon && expected.Lat > city.Lat);
    }

    [Fact]
    public async Task Legacy_14_digit_codes_are_converted_and_reported()
    {
        var city = new SmallCity("310113", 121.45, 31.35);
        var json = city.GeoJson().Replace($"\"{city.WestGrid}\"", $"\"{city.Community}01\"").Replace($"\"{city.EastGrid}\"", $"\"{city.Community}02\"");
        var response = await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(json, ("publish", "true")));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("legacy 14-digit code", body);
        Assert.Equal(city.WestGrid, (await Grid(city.WestGrid)).GetProperty("code").GetString());
    }
}
