using System.Net;
using System.Net.Http.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

public class CaseBadInputTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    [Fact]
    public async Task Bad_reports_get_a_precise_error_and_open_nothing()
    {
        await api.Ready();
        var (lon, lat) = api.City.WestPoint;
        var before = await api.ScalarAsync("SELECT count(*) FROM cases");
        async Task Expect(object body, HttpStatusCode status, string kind) =>
            await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases", body), status, kind);
        await Expect(new { classCode = "Z9999", description = "x", lon, lat }, HttpStatusCode.BadRequest, "unknown-class");
        await Expect(new { description = "x", lon, lat }, HttpStatusCode.BadRequest, "missing-class");
        await Expect(new { classCode = "E0502", lon, lat }, HttpStatusCode.BadRequest, "missing-description");
        await Expect(new { classCode = "E0502", description = new string('x', 1024 * 1024), lon, lat }, HttpStatusCode.BadRequest, "too-long");
        await Expect(new { classCode = "E0502", description = "x", lon = lat, lat = lon }, HttpStatusCode.BadRequest, "bad-coordinates");
        await Expect(new { classCode = "E0502", description = "x", lat }, HttpStatusCode.BadRequest, "bad-coordinates");
        await Expect(new { classCode = "E0502", description = "x", lon, lat, source = "pigeon" }, HttpStatusCode.BadRequest, "bad-source");
        await Expect(new { classCode = "E0502", description = "x", lon, lat, reportedAt = api.Clock.GetUtcNow().AddHours(2) }, HttpStatusCode.BadRequest, "future-time");
        await Expect(new { classCode = "E0502", description = "x", lon, lat, reportedAt = api.Clock.GetUtcNow().AddDays(-30) }, HttpStatusCode.BadRequest, "too-old");
        await Expect(new { classCode = "0108", description = "x", lon, lat, componentCode = "3101010108999999" }, HttpStatusCode.BadRequest, "unknown-component");
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM cases"));
    }

    [Fact]
    public async Task Bad_actions_get_a_precise_error_and_change_nothing()
    {
        await api.Ready();
        var (lon, lat) = api.City.WestPoint;
        var created = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0601", description = "噪声扰民", lon, lat });
        var number = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!;
        async Task Expect(object body, HttpStatusCode status, string kind) =>
            await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", body), status, kind);
        await Expect(new { action = "teleport" }, HttpStatusCode.BadRequest, "bad-action");
        await Expect(new { action = "close" }, HttpStatusCode.Conflict, "illegal-transition");
        await Expect(new { action = "accept", note = new string('x', 1024 * 1024) }, HttpStatusCode.BadRequest, "too-long");
        await Expect(new { action = "accept", at = api.Clock.GetUtcNow().AddDays(1) }, HttpStatusCode.BadRequest, "future-time");
        await Expect(new { action = "reject" }, HttpStatusCode.BadRequest, "missing-reason");
        await Expect(new { action = "accept", version = 7u }, HttpStatusCode.Conflict, "version-conflict");
        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases/310101-20990101-0001/actions", new { action = "accept" }), HttpStatusCode.NotFound, "case-not-found");
        Assert.Equal(1, await api.ScalarAsync($"SELECT count(*) FROM case_events WHERE case_number = '{number}'"));
        await Problem.ExpectAsync(await api.Anonymous.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept" }), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Editor.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept" }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("/api/cases?state=lost", "bad-state")]
    [InlineData("/api/cases?colour=blue", "bad-colour")]
    [InlineData("/api/cases?grid=abc", "bad-grid")]
    [InlineData("/api/cases?source=x", "bad-source")]
    [InlineData("/api/cases?sort=x", "bad-sort")]
    [InlineData("/api/cases?pageSize=0", "bad-paging")]
    [InlineData("/api/stats/cases?by=planet", "bad-group")]
    [InlineData("/api/stats/cases?format=xml", "bad-format")]
    [InlineData("/api/stats/cases?from=2026-11-24T00:00:00Z&to=2026-11-01T00:00:00Z", "bad-period")]
    [InlineData("/api/events?district=31", "bad-district")]
    public async Task Bad_list_queries_get_a_precise_error(string url, string kind)
    {
        await api.Ready();
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync(url), HttpStatusCode.BadRequest, kind);
    }

    [Fact]
    public async Task Lists_filter_by_state_colour_and_grid()
    {
        await api.Ready();
        var (lon, lat) = api.City.EastPoint;
        await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0103", description = "道路不洁 list", lon, lat });
        var open = System.Text.Json.JsonDocument.Parse(await api.Dispatcher.GetStringAsync($"/api/cases?state=open&grid={api.City.EastGrid}&q=list")).RootElement;
        Assert.Equal(1, open.GetProperty("total").GetInt32());
        var green = System.Text.Json.JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/api/cases?colour=green&q=list")).RootElement;
        Assert.Equal(1, green.GetProperty("total").GetInt32());
    }
}
