using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Grids;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>Dispatchers see and act on only the cases of their districts; patrols report and work on site; planners read.</summary>
public class CaseAccessTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private async Task<HttpClient> Key(string name, string role, params string[] scopes)
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name, roles = new[] { role }, scopes });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        return api.WithKey(JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!);
    }

    [Fact]
    public async Task A_dispatcher_of_one_district_gets_404_for_another_districts_case_and_cannot_list_it()
    {
        await api.Ready();
        var xuhui = new SmallCity("310104", 121.40, 31.15);
        await ComponentFiles.PublishCity(api, xuhui);
        var huangpuDesk = await Key("huangpu desk", "dispatcher", "310101");
        var xuhuiDesk = await Key("xuhui desk", "dispatcher", "310104");

        var (lon, lat) = api.City.WestPoint;
        var created = await huangpuDesk.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "access: 占道经营", lon, lat });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!;

        await Problem.ExpectAsync(await xuhuiDesk.GetAsync($"/api/cases/{number}"), HttpStatusCode.NotFound, "case-not-found");
        await Problem.ExpectAsync(await xuhuiDesk.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept" }), HttpStatusCode.NotFound, "case-not-found");
        var listed = JsonDocument.Parse(await xuhuiDesk.GetStringAsync("/api/cases?q=access")).RootElement;
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
        Assert.DoesNotContain(number, await xuhuiDesk.GetStringAsync("/api/cases/overdue"));
        // Nor may it open a case in Huangpu.
        await Problem.ExpectAsync(await xuhuiDesk.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "x", lon, lat }), HttpStatusCode.Forbidden, "out-of-scope");

        Assert.Equal(HttpStatusCode.OK, (await huangpuDesk.GetAsync($"/api/cases/{number}")).StatusCode);
        var mine = JsonDocument.Parse(await huangpuDesk.GetStringAsync("/api/cases?q=access")).RootElement;
        Assert.Equal(1, mine.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Patrols_report_and_work_on_site_planners_only_read_and_nobody_reads_anonymously()
    {
        await api.Ready();
        var patrol = await Key("patrol 7", "patrol");
        var planner = await Key("planner", "planner");
        var (lon, lat) = api.City.EastPoint;
        var created = await patrol.PostAsJsonAsync("/api/cases", new { classCode = "E0104", description = "roles: 垃圾满溢", lon, lat });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!;
        await Problem.ExpectAsync(await patrol.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await planner.GetAsync($"/api/cases/{number}")).StatusCode);
        await Problem.ExpectAsync(await planner.PostAsJsonAsync("/api/cases", new { classCode = "E0104", description = "x", lon, lat }), HttpStatusCode.Forbidden, "forbidden");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync($"/api/cases/{number}"), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.ExpectAsync(await api.Anonymous.GetAsync("/api/events"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Bad_scopes_are_refused()
    {
        var response = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "x", roles = new[] { "dispatcher" }, scopes = new[] { "31" } });
        await Problem.ExpectAsync(response, HttpStatusCode.BadRequest, "bad-scopes");
    }
}
