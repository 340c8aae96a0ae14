using System.Net;
using System.Text;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>The cases tiles are cut to the caller's scope, and tiles of different scopes never share a cache entry or an ETag (#23).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeTileTests(ScopeFixture api)
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
    [Fact]
    public async Task Case_tiles_show_a_district_key_only_its_own_cases_and_each_scope_has_its_own_etag()
    {
        var (bx, by) = ScopeFixture.TileOf(api.CityB.WestPoint.Lon, api.CityB.WestPoint.Lat, 15);
        // Zoom 15: each case its own point (below it, the cases of a square are one cluster without numbers).
        var bTile = $"/tiles/cases/15/{bx}/{by}.mvt";
        var whole = await api.Admin.GetAsync(bTile);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Contains(api.CaseB, Text(await whole.Content.ReadAsByteArrayAsync()));

        var seenByA = await api.DeskA.GetAsync(bTile);
        Assert.Equal(HttpStatusCode.NoContent, seenByA.StatusCode);
        var (ax, ay) = ScopeFixture.TileOf(api.City.WestPoint.Lon, api.City.WestPoint.Lat, 15);
        var own = await api.DeskA.GetAsync($"/tiles/cases/15/{ax}/{ay}.mvt");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains(api.CaseA, Text(await own.Content.ReadAsByteArrayAsync()));

        // Desk B and the city-wide admin get the same features of B's tile, but not the same validator.
        var (_, deskB) = await api.KeyAsync("desk B", "dispatcher", api.CityB.District);
        var seenByB = await deskB.GetAsync(bTile);
        Assert.Equal(HttpStatusCode.OK, seenByB.StatusCode);
        Assert.Equal(await whole.Content.ReadAsByteArrayAsync(), await seenByB.Content.ReadAsByteArrayAsync());
        Assert.NotEqual(whole.Headers.ETag!.Tag, seenByB.Headers.ETag!.Tag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, bTile);
        revalidate.Headers.IfNoneMatch.Add(whole.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, (await deskB.SendAsync(revalidate)).StatusCode);
    }
}
