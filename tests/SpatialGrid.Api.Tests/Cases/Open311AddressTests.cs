using System.Net;
using System.Net.Http.Json;
using SpatialGrid.Api.Tests.Components;
using static SpatialGrid.Api.Tests.Cases.Open311Client;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>
/// <c>address_string</c> located on the city's own names: its roads (components of class 0201) and its communities and
/// grids; refused, naming it, when it names nothing or several places; kept when sent with lat/long.
/// </summary>
public class Open311AddressTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    /// <summary>
    /// Roads of the small city: 滨江大道 across the west grid, 滨江路 in the east grid, 中山东一路 in two segments
    /// (as OpenStreetMap splits a road) that meet in the west grid, and two roads named 人民路 2 km apart.
    /// </summary>
    private async Task<string> ReadyAsync()
    {
        await api.Ready();
        if (await api.ScalarAsync("SELECT count(*) FROM components WHERE class_code = '0201'") == 0)
        {
            var (x, y) = (api.City.Lon, api.City.Lat);
            var imported = await ComponentFiles.Import(api,
            [
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.002, y + 0.005), (x + 0.008, y + 0.005)), code: "3101010201000001", name: "滨江大道"),
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.012, y + 0.015), (x + 0.018, y + 0.015)), code: "3101010201000002", name: "滨江路"),
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.001, y + 0.018), (x + 0.005, y + 0.018)), code: "3101010201000003", name: "中山东一路"),
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.005, y + 0.018), (x + 0.009, y + 0.018)), code: "3101010201000004", name: "中山东一路"),
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.001, y + 0.002), (x + 0.003, y + 0.002)), code: "3101010201000005", name: "人民路"),
                ComponentFiles.Feature("0201", ComponentFiles.Line((x + 0.017, y + 0.012), (x + 0.019, y + 0.012)), code: "3101010201000006", name: "人民路"),
            ]);
            Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        }
        return await AppKeyAsync(api);
    }

    private async Task<(double Lon, double Lat, string? Grid, string? Address)> CaseAsync(string id)
    {
        var detail = await JsonAsync(await api.Dispatcher.GetAsync($"/api/cases/{id}"));
        var c = detail.GetProperty("case");
        var point = c.GetProperty("location").GetProperty("coordinates");
        var shown = (await JsonAsync(await api.Anonymous.GetAsync($"/open311/v2/requests/{id}.json")))[0];
        return (point[0].GetDouble(), point[1].GetDouble(), c.GetProperty("gridCode").GetString(), shown.GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("滨江大道", 0.005, 0.005, "001")]
    [InlineData("滨江大道88号", 0.005, 0.005, "001")]
    [InlineData("滨江路 近外马路", 0.015, 0.015, "002")]
    [InlineData("中山东一路", 0.005, 0.018, "001")]
    [InlineData("West grid", 0.005, 0.01, "001")]
    [InlineData("test COMMUNITY", 0.01, 0.01, null)]
    public async Task An_address_alone_is_located_on_a_road_midpoint_or_inside_a_community_or_grid(string address, double dx, double dy, string? grid)
    {
        var key = await ReadyAsync();
        var id = await OpenedAsync(await api.Anonymous.PostAsync("/open311/v2/requests.json",
            Form(("api_key", key), ("service_code", "E0502"), ("address_string", address), ("description", "占道经营"))));
        var (lon, lat, inGrid, kept) = await CaseAsync(id);
        if (grid is null)
        {
            // A community stands for a point surely inside it.
            Assert.InRange(lon, api.City.Lon, api.City.Lon + 0.02);
            Assert.InRange(lat, api.City.Lat, api.City.Lat + 0.02);
        }
        else
        {
            Assert.Equal(api.City.Lon + dx, lon, 6);
            Assert.Equal(api.City.Lat + dy, lat, 6);
            Assert.Equal(api.City.Community + grid, inGrid);
        }
        Assert.Equal(address, kept);
    }

    [Theory]
    [InlineData("淮海中路100号", "matches no road, community or grid")]
    [InlineData("滨江", "could mean 2 places: 滨江路 (road 310101, 121.4750 E 31.2350 N); 滨江大道 (road 310101, 121.4650 E 31.2250 N)")]
    [InlineData("人民路10号", "could mean 2 places: 人民路 (road 310101, 121.4620 E 31.2220 N); 人民路 (road 310101, 121.4780 E 31.2320 N)")]
    public async Task An_address_that_names_nothing_or_several_places_is_refused_naming_it_and_nothing_is_stored(string address, string why)
    {
        var key = await ReadyAsync();
        var before = await api.ScalarAsync("SELECT count(*) FROM cases");
        foreach (var format in new[] { "json", "xml" })
        {
            var refused = await api.Anonymous.PostAsync($"/open311/v2/requests.{format}",
                Form(("api_key", key), ("service_code", "E0502"), ("address_string", address), ("description", "占道经营")));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var description = format == "json"
                ? (await JsonAsync(refused))[0].GetProperty("description").GetString()!
                : (await XmlAsync(refused)).Element("error")!.Element("description")!.Value;
            Assert.Contains($"address_string '{address}'", description);
            Assert.Contains(why, description);
        }
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM cases"));
    }

    [Fact]
    public async Task An_address_sent_with_lat_and_long_is_kept_and_the_point_is_where_the_case_lies()
    {
        var key = await ReadyAsync();
        var id = await OpenedAsync(await api.Anonymous.PostAsync("/open311/v2/requests.json",
            Form([("api_key", key), ("service_code", "E0502"), .. At(api.City.EastPoint), ("address_string", "滨江路外滩源门口"), ("description", "占道经营")])));
        var (lon, lat, grid, kept) = await CaseAsync(id);
        Assert.Equal(api.City.EastPoint, (lon, lat));
        Assert.Equal(api.City.EastGrid, grid);
        Assert.Equal("滨江路外滩源门口", kept);
        var list = await JsonAsync(await api.Anonymous.GetAsync("/open311/v2/requests.json?service_code=E0502"));
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("service_request_id").GetString() == id && r.GetProperty("address").GetString() == "滨江路外滩源门口");
        // A report over the API has no address, and its report event holds none.
        var (x, y) = api.City.WestPoint;
        var plain = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "no address", lon = x, lat = y });
        var number = (await JsonAsync(plain)).GetProperty("case").GetProperty("number").GetString();
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM case_events WHERE action = 'report' AND case_number = '{number}' AND NOT data::jsonb ? 'address'"));
    }
}
