using System.Net;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Security;

/// <summary>/api/alerts lists only the alerts of the caller's districts; a case number of another district is answered as unknown (#23).</summary>
[Collection(ScopeFixture.Collection)]
public sealed class ScopeAlertTests(ScopeFixture api)
{
    [Fact]
    public async Task Alerts_of_another_district_are_not_listed_and_their_case_numbers_cannot_be_probed()
    {
        var list = await api.DeskA.GetStringAsync("/api/alerts?pageSize=200");
        Assert.Contains("mh-1", list);
        foreach (var secret in api.OfB) Assert.DoesNotContain(secret, list);
        await Problem.ExpectAsync(await api.DeskA.GetAsync($"/api/alerts?case={api.AlertCaseB}"), HttpStatusCode.NotFound, "case-not-found");
        // Answered as for a number that never existed.
        var never = await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/alerts?case=310104-20000101-9999"), HttpStatusCode.NotFound, "case-not-found");
        var probed = await Problem.ReadAsync(await api.DeskA.GetAsync($"/api/alerts?case={api.AlertCaseB}"));
        Assert.Equal(never.Detail.Replace("310104-20000101-9999", api.AlertCaseB), probed.Detail);
        foreach (var filter in new[] { "gateway=gw-south", "device=mh-south" })
        {
            var filtered = await ComponentFiles.Json(await api.DeskA.GetAsync($"/api/alerts?{filter}"));
            Assert.Equal(0, filtered.GetProperty("total").GetInt32());
        }
    }
}
