using System.Net;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Grids;

/// <summary>
/// Districts are checked against their siblings, the current and imported districts of the same city (the same first
/// 4 digits of GB/T 2260), for overlaps and for holes among them; a district of another province is no sibling.
/// </summary>
public class DistrictSiblingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private Task<HttpResponseMessage> Import(params System.Text.Json.Nodes.JsonObject[] features) =>
        api.Editor.PostAsync("/api/grids/imports", Upload.GeoJson(SmallCity.Collection(features), ("publish", "true")));

    private static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_new_district_of_another_province_is_not_refused_for_overlapping_a_current_one()
    {
        await Created(await Import(SmallCity.Feature("310997", "Current", SmallCity.Box(100.00, 25.00, 100.02, 25.02))));
        await Created(await Import(SmallCity.Feature("320997", "Across the border", SmallCity.Box(100.01, 25.00, 100.03, 25.02))));
    }

    [Fact]
    public async Task A_new_district_of_the_same_city_is_refused_for_overlapping_a_current_one()
    {
        await Created(await Import(SmallCity.Feature("310998", "Current", SmallCity.Box(101.00, 25.00, 101.02, 25.02))));
        var problem = await Problem.ExpectAsync(await Import(SmallCity.Feature("310996", "Overlapping", SmallCity.Box(101.01, 25.00, 101.03, 25.02))),
            HttpStatusCode.UnprocessableEntity, "grid-import-invalid");
        var overlap = Assert.Single(problem.Errors);
        Assert.Equal(("overlap", 0), (overlap.Kind, overlap.Feature));
        Assert.Contains("310998", overlap.Message);
    }

    [Fact]
    public async Task A_hole_between_a_current_district_and_new_ones_of_the_same_city_is_reported_as_a_gap()
    {
        // The current district is the bottom row; the import adds the top row and the two sides, leaving the middle.
        await Created(await Import(SmallCity.Feature("330981", "South", SmallCity.Box(102.00, 25.00, 102.03, 25.01))));
        var body = await Created(await Import(
            SmallCity.Feature("330982", "North", SmallCity.Box(102.00, 25.02, 102.03, 25.03)),
            SmallCity.Feature("330983", "West", SmallCity.Box(102.00, 25.01, 102.01, 25.02)),
            SmallCity.Feature("330984", "East", SmallCity.Box(102.02, 25.01, 102.03, 25.02)),
            SmallCity.Feature("331081", "Another city", SmallCity.Box(102.04, 25.00, 102.05, 25.01))));
        var gap = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal("gap", gap.GetProperty("kind").GetString());
        Assert.Contains("3309", gap.GetProperty("message").GetString());
        // 0.01° × 0.01° at 25°N: about 1,009 m × 1,108 m.
        Assert.InRange(gap.GetProperty("areaM2").GetDouble(), 1_100_000, 1_135_000);
    }
}
