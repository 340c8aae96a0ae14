using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>A case goes round the whole loop through the API under a controlled clock; every step is asserted.</summary>
public class CaseLoopTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> Case(string number) => await Json(await api.Dispatcher.GetAsync($"/api/cases/{number}"));

    private async Task<JsonElement> Act(string number, object body) => await Json(await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", body));

    private static string Colour(JsonElement detail) => detail.GetProperty("case").GetProperty("colour").GetString()!;

    private static JsonElement Stage(JsonElement detail, string stage) =>
        detail.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage);

    [Fact]
    public async Task Street_vending_goes_from_report_to_verified_closure_with_its_deadlines_and_colours()
    {
        await api.Ready();
        var start = api.Clock.GetUtcNow();
        var (lon, lat) = api.City.WestPoint;
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "占道经营：早餐摊", lon, lat, source = "patrol" }));
        var number = created.GetProperty("case").GetProperty("number").GetString()!;
        Assert.Matches(@"^310101-20261124-\d{4}$", number);
        Assert.Equal(api.City.WestGrid, created.GetProperty("case").GetProperty("gridCode").GetString());
        Assert.Equal("城管执法队", created.GetProperty("case").GetProperty("unit").GetString());
        Assert.Equal(("reported", "green"), (created.GetProperty("case").GetProperty("state").GetString(), Colour(created)));
        Assert.Equal(start.AddMinutes(10), Stage(created, "dispatch").GetProperty("due").GetDateTimeOffset());
        // Street vending closes within 4 working hours: 10:00–12:00 and 13:30–15:30.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 15, 30, 0, CaseFixture.Cst), Stage(created, "closing").GetProperty("due").GetDateTimeOffset());

        api.Clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal("yellow", Colour(await Case(number)));
        var accepted = await Act(number, new { action = "accept" });
        Assert.Equal("accepted", accepted.GetProperty("case").GetProperty("state").GetString());

        api.Clock.Advance(TimeSpan.FromMinutes(3));
        var late = await Case(number);
        Assert.Equal("red", Colour(late));
        Assert.Contains(number, (await api.Dispatcher.GetStringAsync("/api/cases/overdue")));

        var dispatched = await Act(number, new { action = "dispatch", unit = "城管执法一中队" });
        Assert.Equal("城管执法一中队", dispatched.GetProperty("case").GetProperty("unit").GetString());
        Assert.False(Stage(dispatched, "dispatch").GetProperty("onTime").GetBoolean());
        Assert.Equal("green", Colour(dispatched));
        Assert.Equal(api.Clock.GetUtcNow().AddHours(1), Stage(dispatched, "arrival").GetProperty("due").GetDateTimeOffset());

        api.Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal("yellow", Colour(await Case(number)));
        var onScene = await Act(number, new { action = "arrive" });
        Assert.True(Stage(onScene, "arrival").GetProperty("onTime").GetBoolean());

        api.Clock.Advance(TimeSpan.FromMinutes(30));
        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "feedback" }), HttpStatusCode.BadRequest, "missing-note");
        var handled = await Act(number, new { action = "feedback", note = "劝离摊主，现场已清理", attachments = new[] { "sha256:photo-after" } });
        Assert.Equal("handled", handled.GetProperty("case").GetProperty("state").GetString());

        // Verification is on site: from the east grid it is refused, from inside the case's grid it passes.
        var (ex, ey) = api.City.EastPoint;
        var outside = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "verify", lon = ex + 0.004, lat = ey });
        await Problem.ExpectAsync(outside, HttpStatusCode.UnprocessableEntity, "verifier-outside-grid");
        var verified = await Act(number, new { action = "verify", lon, lat });
        var closed = await Act(number, new { action = "close", satisfaction = 5 });
        Assert.Equal(("closed", "green"), (closed.GetProperty("case").GetProperty("state").GetString(), Colour(closed)));
        Assert.True(Stage(closed, "closing").GetProperty("onTime").GetBoolean());
        Assert.Empty(closed.GetProperty("allowedActions").EnumerateArray());

        var history = closed.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["report", "accept", "dispatch", "arrive", "feedback", "verify", "close"], history);
        var chain = await Json(await api.Dispatcher.GetAsync($"/api/cases/{number}/chain"));
        Assert.True(chain.GetProperty("intact").GetBoolean());

        var again = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "close" });
        var problem = await Problem.ExpectAsync(again, HttpStatusCode.Conflict, "illegal-transition");
        Assert.Equal("closed", problem.Body.GetProperty("state").GetString());
        Assert.Contains("cannot be closed", problem.Detail);
        _ = verified;
    }

    [Fact]
    public async Task A_tampered_history_row_shows_in_the_chain_check()
    {
        await api.Ready();
        var (lon, lat) = api.City.EastPoint;
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0104", description = "垃圾满溢", lon, lat }));
        var number = created.GetProperty("case").GetProperty("number").GetString()!;
        await Act(number, new { action = "accept", note = "立案" });
        await api.ScalarAsync($"UPDATE case_events SET note = '未立案' WHERE case_number = '{number}' AND sequence = 2 RETURNING 1");
        var chain = await Json(await api.Dispatcher.GetAsync($"/api/cases/{number}/chain"));
        Assert.False(chain.GetProperty("intact").GetBoolean());
        Assert.Equal(2, chain.GetProperty("firstBrokenSequence").GetInt32());
    }

    [Fact]
    public async Task Two_dispatchers_acting_on_one_version_one_wins_the_other_gets_409()
    {
        await api.Ready();
        var (lon, lat) = api.City.EastPoint;
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0504", description = "违章停车", lon, lat }));
        var number = created.GetProperty("case").GetProperty("number").GetString()!;
        var version = created.GetProperty("case").GetProperty("version").GetUInt32();
        var first = api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "accept", version });
        var second = api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", new { action = "reject", note = "重复", version });
        var results = await Task.WhenAll(first, second);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(results, r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
        var detail = await Case(number);
        Assert.Equal(2, detail.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task A_self_handled_case_is_closed_at_once_and_needs_its_evidence()
    {
        await api.Ready();
        var (lon, lat) = api.City.WestPoint;
        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0505", description = "共享单车乱停", lon, lat, source = "self" }),
            HttpStatusCode.BadRequest, "missing-evidence");
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases",
            new { classCode = "E0505", description = "共享单车乱停，已摆放整齐", lon, lat, source = "self", attachments = new[] { "sha256:before", "sha256:after" } }));
        Assert.Equal("closed", created.GetProperty("case").GetProperty("state").GetString());
        Assert.Equal(["report", "self-handle"], created.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_promised_case_closes_by_its_date_and_one_needing_coordination_has_its_units()
    {
        await api.Ready();
        var (lon, lat) = api.City.WestPoint;
        var now = api.Clock.GetUtcNow().ToOffset(CaseFixture.Cst);
        var promisedBy = DateOnly.FromDateTime(now.DateTime).AddDays(5);
        var promised = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0304", description = "道路破损，承诺修复", lon, lat, kind = "promised", promisedBy }));
        Assert.Equal("promised", promised.GetProperty("kind").GetString());
        Assert.Equal(now.AddDays(5), Stage(promised, "closing").GetProperty("due").GetDateTimeOffset());
        Assert.Equal([api.City.District, api.City.SubDistrict, api.City.Community, api.City.WestGrid], promised.GetProperty("gridPath").EnumerateArray().Select(p => p.GetString()));

        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0304", description = "x", lon, lat, kind = "promised" }), HttpStatusCode.BadRequest, "bad-promise");
        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0301", description = "x", lon, lat, kind = "coordination" }), HttpStatusCode.BadRequest, "missing-lead-unit");
        await Problem.ExpectAsync(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0301", description = "x", lon, lat, kind = "urgent" }), HttpStatusCode.BadRequest, "bad-kind");
        var joint = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases",
            new { classCode = "E0301", description = "违法搭建，多部门联合处置", lon, lat, kind = "coordination", leadUnit = "城管执法队", coUnits = new[] { "规划资源局", "街道网格中心" } }));
        Assert.Equal("城管执法队", joint.GetProperty("leadUnit").GetString());
        Assert.Equal(2, joint.GetProperty("coUnits").GetArrayLength());
    }

    [Fact]
    public async Task A_case_outside_every_grid_is_kept_flagged_and_sent_to_the_district_centre()
    {
        await api.Ready();
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0401", description = "道路积水", lon = api.City.Lon + 0.05, lat = api.City.Lat }));
        Assert.True(created.GetProperty("case").GetProperty("outside").GetBoolean());
        Assert.Equal("310101", created.GetProperty("case").GetProperty("districtCode").GetString());
        Assert.Contains("District command centre", created.GetProperty("case").GetProperty("unit").GetString());
    }
}

/// <summary>Moves the clock, so it has a fixture (and a clock) of its own.</summary>
public class CaseCalendarTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonElement Stage(JsonElement detail, string stage) =>
        detail.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage);

    [Fact]
    public async Task A_working_day_limit_does_not_run_over_the_weekend()
    {
        await api.Ready();
        // Reported on Friday 27 November at 16:00 (the report's own time; the clock is later).
        api.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 0, 0, CaseFixture.Cst));
        var (lon, lat) = api.City.WestPoint;
        var created = await Json(await api.Dispatcher.PostAsJsonAsync("/api/cases",
            new { classCode = "E0506", description = "群租", lon, lat, reportedAt = new DateTimeOffset(2026, 11, 27, 16, 0, 0, CaseFixture.Cst) }));
        Assert.StartsWith("310101-20261127-", created.GetProperty("case").GetProperty("number").GetString());
        // Group renting closes within 10 working days: 2 Fri + 7.5 h × 9 … ends on Friday 11 December 16:00.
        Assert.Equal(new DateTimeOffset(2026, 12, 11, 16, 0, 0, CaseFixture.Cst), Stage(created, "closing").GetProperty("due").GetDateTimeOffset());
    }
}
