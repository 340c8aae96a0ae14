using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Components;
using SpatialGrid.Api.Tests.Infrastructure;
using static SpatialGrid.Api.Tests.Patrols.PatrolFixture;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>
/// A patrol key bound to one worker (a worker's phone) acts only as that worker: its fixes, its field reports and its task
/// answers; an unbound patrol key (a team's relay) still names any worker of its districts.
/// </summary>
public sealed class PatrolWorkerKeyTests(PatrolFixture api) : IClassFixture<PatrolFixture>
{
    private async Task<(HttpClient Client, JsonElement Created)> KeyAsync(object request)
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", request);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var json = await ComponentFiles.Json(created);
        return (api.WithKey(json.GetProperty("key").GetString()!), json);
    }

    [Fact]
    public async Task A_worker_s_key_posts_its_own_fixes_and_a_batch_naming_another_worker_is_refused_whole()
    {
        var (phone, _) = await KeyAsync(new { name = "phone of w-3", roles = new[] { "patrol" }, worker = "w-3" });

        var other = await phone.PostAsync("/api/patrols/positions", Batch(Fix("w-3", 9, 0, CentreOf(West)), Fix("w-4", 9, 1, CentreOf(West))));
        var problem = await Problem.ExpectAsync(other, HttpStatusCode.Forbidden, "not-your-worker");
        Assert.Contains("'w-3'", problem.Detail);
        Assert.Contains("'w-4'", problem.Detail);
        // Nothing of the refused batch was stored, not even the key's own worker's fix.
        var live = await ComponentFiles.Json(await api.Dispatcher.GetAsync("/api/patrols/workers/w-3/day?date=2026-11-24"));
        Assert.Empty(live.GetProperty("grids").EnumerateArray());

        var own = await phone.PostAsync("/api/patrols/positions", Batch(Fix("w-3", 9, 0, CentreOf(West)), Fix("w-3", 9, 2, CentreOf(West) + 0.001)));
        Ok(own);
        Assert.Equal(2, (await ComponentFiles.Json(own)).GetProperty("stored").GetInt32());
    }

    [Fact]
    public async Task An_unbound_patrol_key_relays_the_fixes_of_any_worker_of_its_districts()
    {
        var (relay, created) = await KeyAsync(new { name = "team relay", roles = new[] { "patrol" }, scopes = new[] { District } });
        Assert.Equal(JsonValueKind.Null, created.GetProperty("worker").ValueKind);
        var response = await relay.PostAsync("/api/patrols/positions", Batch(Fix("w-5", 9, 0, CentreOf(East)), Fix("w-6", 9, 0, CentreOf(East))));
        Ok(response);
        Assert.Equal(2, (await ComponentFiles.Json(response)).GetProperty("stored").GetInt32());
    }

    [Fact]
    public async Task A_worker_s_key_reports_cases_as_its_worker_and_may_not_name_another()
    {
        var (phone, _) = await KeyAsync(new { name = "phone of w-7", roles = new[] { "patrol" }, worker = "w-7" });
        var other = await phone.PostAsJsonAsync("/api/cases", new { classCode = "0102", description = "x", lon = CentreOf(East), lat = Lat, worker = "w-8" });
        Assert.Contains("'w-8'", (await Problem.ExpectAsync(other, HttpStatusCode.Forbidden, "not-your-worker")).Detail);

        var own = await phone.PostAsJsonAsync("/api/cases", new { classCode = "0102", description = "井盖破损", lon = CentreOf(East), lat = Lat, source = "patrol" });
        Ok(own);
        Assert.Equal("w-7", (await ComponentFiles.Json(own)).GetProperty("reporter").GetProperty("worker").GetString());
    }

    [Fact]
    public async Task A_worker_s_key_steps_a_case_in_its_worker_s_name()
    {
        var (phone, _) = await KeyAsync(new { name = "phone of w-12", roles = new[] { "patrol" }, worker = "w-12" });
        var opened = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "0102", description = "井盖缺失", lon = CentreOf(West), lat = Lat });
        Ok(opened);
        var number = (await ComponentFiles.Json(opened)).GetProperty("case").GetProperty("number").GetString();
        Ok(await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept" }));
        Ok(await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "dispatch", unit = "城管执法一中队" }));
        var arrived = await phone.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "arrive" });
        Ok(arrived);
        var last = (await ComponentFiles.Json(arrived)).GetProperty("history").EnumerateArray().Last();
        Assert.Equal("arrive", last.GetProperty("action").GetString());
        Assert.Equal("w-12", last.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_worker_s_key_answers_tasks_only_as_its_worker()
    {
        var (phone, _) = await KeyAsync(new { name = "phone of w-9", roles = new[] { "patrol" }, worker = "w-9" });
        var answer = new { worker = "w-10", outcome = "confirmed", lon = CentreOf(West), lat = Lat };
        var other = await phone.PostAsJsonAsync("/api/tasks/1/answer", answer);
        Assert.Contains("'w-10'", (await Problem.ExpectAsync(other, HttpStatusCode.Forbidden, "not-your-worker")).Detail);
        // Without a worker the key answers as its own: the answer goes on to find the task.
        var unnamed = await phone.PostAsJsonAsync("/api/tasks/999999/answer", new { outcome = "confirmed", lon = CentreOf(West), lat = Lat });
        await Problem.ExpectAsync(unnamed, HttpStatusCode.NotFound, "task-not-found");
    }

    [Fact]
    public async Task A_key_is_bound_only_to_an_active_worker_of_the_admin_s_districts_and_takes_the_worker_s_district()
    {
        var (session, created) = await KeyAsync(new { name = "phone of w-11", roles = new[] { "patrol" }, worker = "w-11" });
        Assert.Equal([District], created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.Equal("w-11", (await ComponentFiles.Json(await session.GetAsync("/api/session"))).GetProperty("worker").GetString());

        var unknown = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "x", roles = new[] { "patrol" }, worker = "nobody" });
        await Problem.ExpectAsync(unknown, HttpStatusCode.BadRequest, "bad-worker");
        var planner = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "x", roles = new[] { "planner" }, worker = "w-11" });
        await Problem.ExpectAsync(planner, HttpStatusCode.BadRequest, "bad-worker");
        var elsewhere = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "x", roles = new[] { "patrol" }, worker = "w-11", scopes = new[] { "310104" } });
        await Problem.ExpectAsync(elsewhere, HttpStatusCode.BadRequest, "bad-worker");
    }
}
