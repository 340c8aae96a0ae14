using System.Net;
using System.Net.Http.Json;
using SpatialGrid.Api.Tests.Infrastructure;
using static SpatialGrid.Api.Tests.Components.ComponentFiles;

namespace SpatialGrid.Api.Tests.Components;

public class TaxonomyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_tree_holds_the_standard_majors_and_at_least_60_minor_classes()
    {
        var tree = await Json(await api.Anonymous.GetAsync("/api/taxonomy"));
        var classes = tree.EnumerateArray().SelectMany(m => m.GetProperty("classes").EnumerateArray()).ToList();
        Assert.True(classes.Count >= 60, $"{classes.Count} classes");
        Assert.Equal(["01", "02", "03", "04", "05", "06"], tree.EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "component").Select(m => m.GetProperty("code").GetString()));
        var vending = classes.Single(c => c.GetProperty("code").GetString() == "E0502");
        Assert.Equal("占道经营", vending.GetProperty("nameZh").GetString());
        Assert.Equal(10, vending.GetProperty("limits").GetProperty("dispatch").GetProperty("value").GetInt32());
        Assert.Equal("minutes", vending.GetProperty("limits").GetProperty("dispatch").GetProperty("clock").GetString());
        Assert.Equal("working-days", vending.GetProperty("limits").GetProperty("feedback").GetProperty("clock").GetString());
        // An urgent class gives its first feedback within hours, round the clock.
        var gas = classes.Single(c => c.GetProperty("code").GetString() == "E0405");
        Assert.Equal("round-the-clock-hours", gas.GetProperty("limits").GetProperty("feedback").GetProperty("clock").GetString());
        foreach (var named in new[] { "违法建设", "群租", "无证照经营", "消防栓", "路灯", "河道", "公园绿地", "垃圾满溢", "违章停车", "道路积水", "火灾隐患" })
            Assert.Contains(classes, c => c.GetProperty("nameZh").GetString() == named);
    }

    [Fact]
    public async Task A_district_overrides_unit_and_limits_without_touching_other_districts_and_it_is_audited()
    {
        var put = await api.Editor.PutAsJsonAsync("/api/taxonomy/E0502", new { district = "310101", unitZh = "黄浦城管中队", dispatchValue = 5, feedbackValue = 8, feedbackClock = "working-hours", closeValue = 2, closeClock = "round-the-clock-hours" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var huangpu = await Json(await api.Anonymous.GetAsync("/api/taxonomy/E0502?district=310101"));
        Assert.Equal("黄浦城管中队", huangpu.GetProperty("unitZh").GetString());
        Assert.Equal(5, huangpu.GetProperty("limits").GetProperty("dispatch").GetProperty("value").GetInt32());
        Assert.Equal(60, huangpu.GetProperty("limits").GetProperty("arrival").GetProperty("value").GetInt32());
        Assert.Equal("working-hours", huangpu.GetProperty("limits").GetProperty("feedback").GetProperty("clock").GetString());
        var xuhui = await Json(await api.Anonymous.GetAsync("/api/taxonomy/E0502?district=310104"));
        Assert.Equal(10, xuhui.GetProperty("limits").GetProperty("dispatch").GetProperty("value").GetInt32());
        Assert.False(xuhui.GetProperty("overridden").GetBoolean());

        var audit = await Json(await api.Anonymous.GetAsync("/api/taxonomy/E0502/audit"));
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal("test-editor", entry.GetProperty("by").GetString());
    }

    [Theory]
    [InlineData("""{"district":"31","dispatchValue":5}""", HttpStatusCode.BadRequest, "bad-district")]
    [InlineData("""{"district":"310101","dispatchValue":0}""", HttpStatusCode.BadRequest, "bad-limit")]
    [InlineData("""{"district":"310101","arrivalClock":"fortnights"}""", HttpStatusCode.BadRequest, "bad-clock")]
    [InlineData("""{"district":"310101","closeClock":"lunar"}""", HttpStatusCode.BadRequest, "bad-clock")]
    public async Task Bad_overrides_are_refused(string json, HttpStatusCode status, string kind)
    {
        var response = await api.Editor.PutAsync("/api/taxonomy/E0502", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await Problem.ExpectAsync(response, status, kind);
    }

    [Fact]
    public async Task Unknown_classes_and_anonymous_overrides_are_refused()
    {
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/taxonomy/X9999"), HttpStatusCode.NotFound, "class-not-found");
        await Problem.ExpectAsync(await api.Editor.PutAsJsonAsync("/api/taxonomy/X9999", new { district = "310101" }), HttpStatusCode.NotFound, "class-not-found");
        await Problem.ExpectAsync(await api.Anonymous.PutAsJsonAsync("/api/taxonomy/E0502", new { district = "310101" }), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/taxonomy?kind=plant"), HttpStatusCode.BadRequest, "bad-kind");
    }
}
