using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;
using static SpatialGrid.Api.Tests.Components.ComponentFiles;

namespace SpatialGrid.Api.Tests.Components;

public class ComponentImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly SmallCity City = new("310101", 121.46, 31.22);

    private async Task<JsonElement> Component(string code) => await Json(await api.Anonymous.GetAsync($"/api/components/{code}"));

    private async Task Ready()
    {
        if (await api.ScalarAsync("SELECT count(*) FROM grids") == 0) await PublishCity(api, City);
    }

    [Fact]
    public async Task Points_get_one_grid_lines_and_polygons_every_grid_they_cross_with_the_share_inside()
    {
        await Ready();
        var (wx, wy) = City.WestPoint;
        var response = await Import(api, [
            Feature("0101", Point(wx, wy), code: "3101010101000001"),
            // A river course running 0.01° west to east across the border between the two grids: ~950 m, half in each.
            Feature("0501", Line((City.Lon + 0.005, City.Lat + 0.005), (City.Lon + 0.015, City.Lat + 0.005)), code: "3101010501000001"),
            Feature("0401", SmallCity.Box(City.Lon + 0.008, City.Lat + 0.012, City.Lon + 0.014, City.Lat + 0.014), code: "3101010401000001"),
        ]);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());

        var point = await Component("3101010101000001");
        var pointGrid = Assert.Single(point.GetProperty("grids").EnumerateArray());
        Assert.Equal(City.WestGrid, pointGrid.GetProperty("grid").GetString());

        var river = await Component("3101010501000001");
        var parts = river.GetProperty("grids").EnumerateArray().ToDictionary(g => g.GetProperty("grid").GetString()!, g => g.GetProperty("measure").GetDouble());
        Assert.Equal([City.WestGrid, City.EastGrid], parts.Keys.Order());
        Assert.InRange(parts[City.WestGrid], 470, 480);
        Assert.InRange(parts[City.EastGrid], 470, 480);

        var park = await Component("3101010401000001");
        var areas = park.GetProperty("grids").EnumerateArray().ToDictionary(g => g.GetProperty("grid").GetString()!, g => g.GetProperty("measure").GetDouble());
        // 0.002° × 0.002° west of the border and 0.004° × 0.002° east of it.
        Assert.InRange(areas[City.WestGrid] / areas[City.EastGrid], 0.49, 0.51);

        var inventory = await Json(await api.Anonymous.GetAsync($"/api/grids/{City.Community}/inventory"));
        var river0501 = inventory.EnumerateArray().Single(r => r.GetProperty("classCode").GetString() == "0501");
        Assert.Equal(1, river0501.GetProperty("count").GetInt32());
        Assert.InRange(river0501.GetProperty("measure").GetDouble(), 945, 955);
        Assert.Equal("m", river0501.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Codes_are_generated_from_the_district_and_class_when_missing()
    {
        await Ready();
        var (ex, ey) = City.EastPoint;
        var response = await Import(api, [Feature("0108", Point(ex, ey)), Feature("0108", Point(ex + 0.001, ey))]);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var lamps = await Json(await api.Anonymous.GetAsync("/api/components?class=0108"));
        Assert.Equal(["3101010108000001", "3101010108000002"], lamps.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_component_outside_every_grid_is_kept_flagged_and_listed()
    {
        await Ready();
        var response = await Import(api, [Feature("0302", Point(121.30, 31.30), code: "3101010302000777")]);
        var body = await Json(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, body.GetProperty("outside").GetInt32());
        var outside = await Json(await api.Anonymous.GetAsync("/api/components?grid=none"));
        Assert.Contains("3101010302000777", outside.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
        Assert.True((await Component("3101010302000777")).GetProperty("outside").GetBoolean());
    }

    [Fact]
    public async Task Changes_are_kept_in_the_history_and_a_move_relinks_the_grid()
    {
        await Ready();
        var (wx, wy) = City.WestPoint;
        (await Import(api, [Feature("0107", Point(wx, wy), code: "3101010107000042")])).EnsureSuccessStatusCode();
        var damaged = await api.Editor.PatchAsJsonAsync("/api/components/3101010107000042", new { status = "damaged", owner = "消防救援支队" });
        Assert.Equal(HttpStatusCode.OK, damaged.StatusCode);
        var (ex, ey) = City.EastPoint;
        var moved = await api.Editor.PatchAsJsonAsync("/api/components/3101010107000042", new { geometry = new { type = "Point", coordinates = new[] { ex, ey } } });
        Assert.Equal(City.EastGrid, (await Json(moved)).GetProperty("grids")[0].GetProperty("grid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.Editor.DeleteAsync("/api/components/3101010107000042")).StatusCode);

        var history = await Json(await api.Anonymous.GetAsync("/api/components/3101010107000042/history"));
        Assert.Equal(["created", "changed", "moved", "changed"], history.EnumerateArray().Select(h => h.GetProperty("change").GetString()));
        var change = history[1];
        Assert.Equal("intact", change.GetProperty("before").GetProperty("Status").GetString());
        Assert.Equal("damaged", change.GetProperty("after").GetProperty("Status").GetString());
        Assert.Equal("removed", history[3].GetProperty("after").GetProperty("Status").GetString());
        Assert.False(string.IsNullOrEmpty(history[1].GetProperty("by").GetString()));
    }

    [Fact]
    public async Task Publishing_a_new_grid_version_relinks_every_component()
    {
        var city = new SmallCity("310104", 121.40, 31.15);
        await PublishCity(api, city);
        var point = (X: city.Lon + 0.012, Y: city.Lat + 0.01);
        (await Import(api, [Feature("0302", Point(point.X, point.Y), code: "3101040302000001")])).EnsureSuccessStatusCode();
        Assert.Equal(city.EastGrid, (await Component("3101040302000001")).GetProperty("grids")[0].GetProperty("grid").GetString());

        var features = city.Features();
        features[3] = SmallCity.Feature(city.WestGrid, "West grid v2", SmallCity.Box(city.Lon, city.Lat, city.Lon + 0.015, city.Lat + 0.02));
        features[4] = SmallCity.Feature(city.EastGrid, "East grid v2", SmallCity.Box(city.Lon + 0.015, city.Lat, city.Lon + 0.02, city.Lat + 0.02));
        (await api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features), ("publish", "true")))).EnsureSuccessStatusCode();
        Assert.Equal(city.WestGrid, (await Component("3101040302000001")).GetProperty("grids")[0].GetProperty("grid").GetString());
    }

    [Fact]
    public async Task Components_are_an_ogc_collection_filtered_by_class()
    {
        await Ready();
        var (wx, wy) = City.WestPoint;
        (await Import(api, [Feature("0203", Point(wx + 0.001, wy), code: "3101010203000001")])).EnsureSuccessStatusCode();
        var items = await Json(await api.Anonymous.GetAsync("/ogc/collections/components/items?class=0203"));
        Assert.Equal(1, items.GetProperty("numberMatched").GetInt32());
        Assert.Equal("3101010203000001", items.GetProperty("features")[0].GetProperty("id").GetString());
        var collections = await Json(await api.Anonymous.GetAsync("/ogc/collections"));
        Assert.Equal(["grids", "components", "components-points", "components-lines", "components-polygons"],
            collections.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }
}

public class ComponentCreateTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task One_component_is_created_from_a_geojson_feature_and_bad_ones_are_refused()
    {
        var city = new SmallCity("310101", 121.46, 31.22);
        await PublishCity(api, city);
        var (x, y) = city.WestPoint;
        var feature = Feature("0107", Point(x, y), code: "3101010107000123", name: "消防栓 A");
        var created = await api.Editor.PostAsync("/api/components", new StringContent(feature.ToJsonString(), System.Text.Encoding.UTF8, "application/geo+json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("消防栓 A", (await Json(await api.Anonymous.GetAsync("/api/components/3101010107000123"))).GetProperty("name").GetString());

        var again = await api.Editor.PostAsync("/api/components", new StringContent(feature.ToJsonString(), System.Text.Encoding.UTF8, "application/geo+json"));
        await Problem.ExpectAsync(again, HttpStatusCode.UnprocessableEntity, "component-import-invalid");
        var garbage = await api.Editor.PostAsync("/api/components", new StringContent("not json", System.Text.Encoding.UTF8, "application/geo+json"));
        await Problem.ExpectAsync(garbage, HttpStatusCode.UnprocessableEntity, "unknown-format");
        var huge = await api.Editor.PostAsync("/api/components", new StringContent(new string(' ', 2 * 1024 * 1024) + "{}", System.Text.Encoding.UTF8, "application/geo+json"));
        await Problem.ExpectAsync(huge, HttpStatusCode.RequestEntityTooLarge, "too-large");
    }
}
