using System.Net;
using SpatialGrid.Api.Tests.Security;

namespace SpatialGrid.Api.Tests.Maps;

/// <summary>The heat map and the choropleth count only the cases a key sees: district B's are not in district A's bins or grids (#21).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class HeatTileScopeTests(ScopeFixture api)
{
    private async Task<(HttpStatusCode Status, Dictionary<string, List<Mvt.Feature>> Layers)> Tile(HttpClient client, string layer, (double Lon, double Lat) at, int z)
    {
        var (x, y) = HeatTileTests.TileOf(at.Lon, at.Lat, z);
        var response = await client.GetAsync($"/tiles/{layer}/{z}/{x}/{y}.mvt");
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? Mvt.Read(await response.Content.ReadAsByteArrayAsync()) : []);
    }

    private static int Count(Dictionary<string, List<Mvt.Feature>> layers, string layer) =>
        layers.TryGetValue(layer, out var features) ? (int)features.Sum(f => (double)f.Properties["count"]) : 0;

    [Fact]
    public async Task A_key_of_district_A_counts_none_of_district_Bs_cases()
    {
        // B's tile: the whole city's key sees B's case there, A's key an empty tile.
        var whole = await Tile(api.Admin, "heat", api.CityB.WestPoint, 14);
        Assert.True(Count(whole.Layers, "bins") >= 1);
        Assert.Equal(HttpStatusCode.NoContent, (await Tile(api.DeskA, "heat", api.CityB.WestPoint, 14)).Status);
        var grids = await Tile(api.Admin, "density", api.CityB.WestPoint, 14);
        Assert.Contains(grids.Layers["density"], f => (string)f.Properties["code"] == api.CityB.WestGrid && (double)f.Properties["count"] >= 1);
        Assert.Equal(HttpStatusCode.NoContent, (await Tile(api.DeskA, "density", api.CityB.WestPoint, 14)).Status);

        // A tile over both districts (zoom 8): A's key counts exactly A's cases of the past 30 days.
        var own = await api.ScalarAsync($"SELECT count(*) FROM cases WHERE district_code = '{api.City.District}' AND reported_at > now() - interval '29 days'");
        var all = await api.ScalarAsync("SELECT count(*) FROM cases WHERE reported_at > now() - interval '29 days'");
        Assert.True(all > own && own > 0, $"{own} of {all}");
        Assert.Equal(own, Count((await Tile(api.DeskA, "heat", api.City.WestPoint, 8)).Layers, "bins"));
        Assert.Equal(all, Count((await Tile(api.Admin, "heat", api.City.WestPoint, 8)).Layers, "bins"));
    }
}
