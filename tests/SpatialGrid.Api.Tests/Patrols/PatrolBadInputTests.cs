using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Components;
using static SpatialGrid.Api.Tests.Patrols.PatrolFixture;

namespace SpatialGrid.Api.Tests.Patrols;

/// <summary>Bad fixes get a precise error each, the valid fixes of the same batch are kept, and the service keeps running.</summary>
public sealed class PatrolBadInputTests(PatrolFixture api) : IClassFixture<PatrolFixture>
{
    [Fact]
    public async Task Each_bad_fix_is_named_and_the_valid_ones_are_stored()
    {
        var swapped = Fix("w-1", 10, 2, 0); swapped["lon"] = Lat; swapped["lat"] = CentreOf(West);
        var nan = Fix("w-1", 10, 3, 0); nan["lon"] = "NaN";
        var outOfRange = Fix("w-1", 10, 4, 0); outOfRange["lon"] = 181.0;
        var future = new JsonObject { ["worker"] = "w-1", ["t"] = "2026-11-24T13:00:00+08:00", ["lon"] = CentreOf(West), ["lat"] = Lat };
        var old = new JsonObject { ["worker"] = "w-1", ["t"] = "2025-11-24T10:00:00+08:00", ["lon"] = CentreOf(West), ["lat"] = Lat };
        var noOffset = new JsonObject { ["worker"] = "w-1", ["t"] = "2026-11-24T10:05:00", ["lon"] = CentreOf(West), ["lat"] = Lat };
        var unknown = Fix("nobody", 10, 6, CentreOf(West));
        var before = await api.ScalarAsync("SELECT count(*) FROM dead_letters");

        var answer = await api.Post(Fix("w-1", 10, 0, CentreOf(West)), swapped, nan, outOfRange, future, old, noOffset, unknown, Fix("w-1", 10, 7, CentreOf(West)));

        Assert.Equal(2, answer.GetProperty("stored").GetInt32());
        var refused = answer.GetProperty("refused").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("reason").GetString());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], refused.Keys.Order());
        Assert.Equal("future-time", refused[4]);
        Assert.Equal("too-old", refused[5]);
        Assert.Equal("unknown-worker", refused[7]);
        // Over HTTP the answer carries every refusal; dead letters are for gateways, which cannot read an answer.
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM dead_letters"));
        Assert.Equal(2, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-1'"));
    }

    [Fact]
    public async Task A_batch_over_the_fix_cap_is_refused_whole_with_the_count_and_the_cap()
    {
        var fixes = Enumerable.Range(0, 5_001).Select(i => (JsonNode)Fix("w-2", 9, 0, CentreOf(West), second: 0)).ToArray();
        var response = await api.Dispatcher.PostAsync("/api/patrols/positions", Batch(fixes));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await ComponentFiles.Json(response);
        Assert.Equal("urn:spatialgrid:problem:too-many-fixes", problem.GetProperty("type").GetString());
        Assert.Contains("5", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM gps_points WHERE worker_id = 'w-2'"));
    }

    [Fact]
    public async Task A_million_fixes_in_one_request_are_refused_by_the_body_cap()
    {
        var one = Fix("w-3", 9, 0, CentreOf(West)).ToJsonString();
        var body = new StringBuilder("{\"fixes\":[");
        for (var i = 0; i < 1_000_000; i++) body.Append(i == 0 ? "" : ",").Append(one);
        body.Append("]}");
        var response = await api.Dispatcher.PostAsync("/api/patrols/positions", new StringContent(body.ToString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // And the service still takes a good batch.
        Assert.Equal(1, (await api.Post(Fix("w-3", 9, 1, CentreOf(West)))).GetProperty("stored").GetInt32());
    }

    [Theory]
    [InlineData("{\"fixes\":[", "malformed-json")]
    [InlineData("[1,2,3]", "schema")]
    [InlineData("{\"fixes\":[],\"extra\":1}", "schema")]
    [InlineData("", "malformed-json")]
    public async Task A_batch_that_is_not_a_batch_is_refused_with_its_reason(string body, string kind)
    {
        var response = await api.Dispatcher.PostAsync("/api/patrols/positions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:spatialgrid:problem:" + kind, (await ComponentFiles.Json(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_batch_of_only_bad_fixes_is_unprocessable_and_lists_them()
    {
        var response = await api.Dispatcher.PostAsync("/api/patrols/positions", Batch(Fix("nobody", 10, 0, CentreOf(West)), Fix("w-4", 10, 0, 500)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(2, (await ComponentFiles.Json(response)).GetProperty("refused").GetArrayLength());
    }

    [Fact]
    public async Task Positions_need_a_key()
    {
        var response = await api.Anonymous.PostAsync("/api/patrols/positions", Batch(Fix("w-5", 10, 0, CentreOf(West))));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Workers_with_bad_fields_are_refused_all_together_with_every_problem_named()
    {
        var response = await api.Dispatcher.PostAsJsonAsync("/api/patrols/workers", new object[]
        {
            new { id = "ok-1", name = "好", role = "grid-worker", district = District },
            new { id = "bad id", name = "", role = "boss", district = "31" },
            new { id = "w-x", name = "x", role = "supervisor", district = District, team = "no-team" },
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await ComponentFiles.Json(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.Contains("id must be"));
        Assert.Contains(errors, e => e.Contains("name is required"));
        Assert.Contains(errors, e => e.Contains("role must be"));
        Assert.Contains(errors, e => e.Contains("district must be"));
        Assert.Contains(errors, e => e.Contains("team 'no-team' does not exist"));
        Assert.Equal(0, await api.ScalarAsync("SELECT count(*) FROM patrol_workers WHERE id = 'ok-1'"));
    }

    [Fact]
    public async Task A_scoped_dispatcher_cannot_take_over_another_districts_worker_by_its_id()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "xuhui desk", roles = new[] { "dispatcher" }, scopes = new[] { "310104" } });
        PatrolFixture.Ok(created);
        using var xuhui = api.WithKey(System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
        var response = await xuhui.PostAsJsonAsync("/api/patrols/workers", new { id = "w-6", name = "taken", role = "grid-worker", district = "310104" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("outside your scopes", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM patrol_workers WHERE id = 'w-6' AND district_code = '310101'"));
        // Its own district's worker it may create.
        PatrolFixture.Ok(await xuhui.PostAsJsonAsync("/api/patrols/workers", new { id = "xh-1", name = "徐汇网格员", role = "grid-worker", district = "310104" }));
    }

    [Fact]
    public async Task An_id_given_twice_in_one_put_is_named_not_a_server_error()
    {
        var worker = new { id = "twice-1", name = "两次", role = "grid-worker", district = District };
        var response = await api.Dispatcher.PostAsJsonAsync("/api/patrols/workers", new[] { worker, worker });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = (await ComponentFiles.Json(response)).GetProperty("detail").GetString();
        Assert.Contains("worker id 'twice-1' is given 2 times", detail);
        var team = new { id = "twice-t", name = "两次", district = District };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.Dispatcher.PostAsJsonAsync("/api/patrols/teams", new[] { team, team })).StatusCode);
    }

    [Fact]
    public async Task A_worker_in_a_district_the_registry_does_not_have_or_in_another_districts_team_is_refused()
    {
        var response = await api.Dispatcher.PostAsJsonAsync("/api/patrols/workers", new object[]
        {
            new { id = "nowhere-1", name = "x", district = "999999" },
            new { id = "xteam-1", name = "y", district = "310104", team = "t-street" },
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("district 999999 is not a current district", text);
        Assert.Contains("belongs to another district", text);
        // Without a role a worker is a grid worker.
        PatrolFixture.Ok(await api.Dispatcher.PostAsJsonAsync("/api/patrols/workers", new { id = "norole-1", name = "z", district = District }));
        Assert.Equal(1, await api.ScalarAsync("SELECT count(*) FROM patrol_workers WHERE id = 'norole-1' AND role = 'grid-worker'"));
    }

    [Fact]
    public async Task Coverage_of_an_unknown_team_or_shift_or_another_district_s_team_is_404_not_an_empty_day()
    {
        Ok(await api.Admin.PostAsJsonAsync("/api/patrols/teams", new { id = "t-neighbour", name = "邻区一队", district = "310104" }));
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "street desk", roles = new[] { "dispatcher" }, scopes = new[] { District } });
        var desk = api.WithKey((await ComponentFiles.Json(created)).GetProperty("key").GetString()!);

        Ok(await desk.GetAsync("/api/patrols/coverage?date=2026-11-24&team=t-street"));
        var unknown = await Infrastructure.Problem.ExpectAsync(await desk.GetAsync("/api/patrols/coverage?date=2026-11-24&team=UNKNOWN"), HttpStatusCode.NotFound, "team-not-found");
        Assert.Contains("'UNKNOWN'", unknown.Detail);
        // Another district's team is answered as if it did not exist.
        var other = await Infrastructure.Problem.ExpectAsync(await desk.GetAsync("/api/patrols/coverage?date=2026-11-24&team=t-neighbour"), HttpStatusCode.NotFound, "team-not-found");
        Assert.Equal(unknown.Detail.Replace("UNKNOWN", "t-neighbour"), other.Detail);
        await Infrastructure.Problem.ExpectAsync(await desk.GetAsync("/api/patrols/coverage?date=2026-11-24&shift=nope"), HttpStatusCode.NotFound, "shift-not-found");
        await Infrastructure.Problem.ExpectAsync(await desk.GetAsync("/api/patrols/unvisited?date=2026-11-24&shift=nope"), HttpStatusCode.NotFound, "shift-not-found");
    }
}
