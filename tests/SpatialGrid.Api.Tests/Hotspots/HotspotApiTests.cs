using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Hotspots;

public class HotspotApiTests(HotspotFixture api) : IClassFixture<HotspotFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Training_scores_every_grid_for_today_and_the_hot_grid_ranks_first_with_its_reasons()
    {
        var trained = await api.TrainedAsync();
        Assert.Equal("2026-11-24", trained.GetProperty("date").GetString());
        Assert.Equal(8, trained.GetProperty("cells").GetInt32());
        Assert.True(trained.GetProperty("events").GetInt32() >= api.CasesPosted - 3, "today's cases are not history");

        var scores = await Json(await api.DeskA.GetAsync("/api/hotspots/scores"));
        var items = scores.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(HotspotFixture.AGrids.Order(), items.Select(i => i.GetProperty("grid").GetString()!).Order());
        var top = items[0];
        Assert.Equal(HotspotFixture.Hot, top.GetProperty("grid").GetString());
        Assert.InRange(top.GetProperty("expected").GetDouble(), 1.5, 5); // about three a day
        Assert.True(top.GetProperty("expected").GetDouble() > 4 * items[^1].GetProperty("expected").GetDouble());
        Assert.NotEmpty(top.GetProperty("explanation").EnumerateArray());
        Assert.Contains(top.GetProperty("explanation").EnumerateArray(), e => e.GetString()!.Contains("high"));
    }

    [Fact]
    public async Task The_model_keeps_its_backtest_with_the_baselines_the_ceiling_and_the_test_days()
    {
        var trained = await api.TrainedAsync();
        var model = await Json(await api.DeskA.GetAsync($"/api/hotspots/models/{trained.GetProperty("version").GetInt64()}"));
        var backtest = model.GetProperty("backtest");
        var methods = backtest.GetProperty("methods").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains("a_yesterday", methods);
        Assert.Contains("e_kde_tuned", methods);
        Assert.Contains("z_intensity_ceiling", methods);
        Assert.Contains("model", methods);
        Assert.Contains("model_without_patrol", methods);
        // 100 days of history; the model needs 65 before its first test day (28 of warm-up, 7 to learn from, 28 to validate on, 2).
        Assert.Equal(35, backtest.GetProperty("testDays").GetArrayLength());
        Assert.Contains("35 test days", model.GetProperty("model").GetProperty("backtestNote").GetString());
        Assert.True(backtest.GetProperty("paiRatioToIntensityCeiling").GetDouble() > 0.8);
        // The visits' patrol minutes feed the ablation: the share of the gain they account for is stated (or why there is none).
        var patrol = backtest.GetProperty("patrolEffort");
        Assert.True(patrol.GetProperty("patrolDataGiven").GetBoolean());
        Assert.Contains("model_without_patrol", methods);
        Assert.Contains("gain over", patrol.GetProperty("note").GetString());
        var calibration = backtest.GetProperty("calibration").EnumerateArray().ToList();
        Assert.Contains(calibration, t => t.GetProperty("method").GetString() == "model");
        Assert.All(calibration, t => Assert.Equal(35 * 8, t.GetProperty("tenths").EnumerateArray().Sum(b => b.GetProperty("cellDays").GetInt32())));
        Assert.Equal("2026-11-23", model.GetProperty("model").GetProperty("historyTo").GetString());
        var listed = await Json(await api.DeskA.GetAsync("/api/hotspots/models?pageSize=5"));
        Assert.True(listed.GetProperty("total").GetInt32() >= 1);
    }

    [Fact]
    public async Task A_district_sees_only_its_own_grids_scores()
    {
        await api.TrainedAsync();
        var b = await Json(await api.DeskB.GetAsync("/api/hotspots/scores"));
        Assert.Equal(HotspotFixture.BGrids.Order(), b.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("grid").GetString()!).Order());
        var aAskingB = await Json(await api.DeskA.GetAsync($"/api/hotspots/scores?district={HotspotFixture.B}"));
        Assert.Empty(aAskingB.GetProperty("items").EnumerateArray());
        Assert.Equal(0, aAskingB.GetProperty("total").GetInt32());
        var one = await Json(await api.DeskA.GetAsync($"/api/hotspots/scores?grid={HotspotFixture.Hot}"));
        Assert.Equal(HotspotFixture.Hot, Assert.Single(one.GetProperty("items").EnumerateArray()).GetProperty("grid").GetString());
        Assert.Empty((await Json(await api.DeskA.GetAsync($"/api/hotspots/scores?grid={HotspotFixture.BGrid}"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_shift_gets_the_share_of_the_day_its_hours_hold()
    {
        await api.TrainedAsync();
        var day = await Json(await api.DeskA.GetAsync("/api/hotspots/scores"));
        var shift = await Json(await api.DeskA.GetAsync("/api/hotspots/scores?shift=s-day"));
        double Hot(JsonElement s) => s.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("grid").GetString() == HotspotFixture.Hot).GetProperty("expected").GetDouble();
        // The hot grid's cases all come between 08:00 and 12:00: nearly all its day is in the day shift.
        Assert.InRange(Hot(shift) / Hot(day), 0.85, 1.0);
        Assert.InRange(shift.GetProperty("shiftShare").GetDouble(), 0.5, 1.0);
        // The shift's own order and ranks: by the shift's expected cases per km², not the day's.
        var items = shift.GetProperty("items").EnumerateArray().ToList();
        var ranks = items.Select(i => i.GetProperty("rank").GetInt32()).ToList();
        Assert.Equal(ranks.Order(), ranks);
        Assert.Equal(ranks.Distinct().Count(), ranks.Count);
        var density = items.Select(i => i.GetProperty("perKm2").GetDouble()).ToList();
        Assert.Equal(density.OrderDescending(), density);
    }

    [Fact]
    public async Task A_page_past_the_last_is_empty_and_still_says_how_many_there_are()
    {
        await api.TrainedAsync();
        foreach (var query in new[] { "page=99&pageSize=1", "page=99&pageSize=1&shift=s-day" })
        {
            var past = await Json(await api.DeskA.GetAsync($"/api/hotspots/scores?{query}"));
            Assert.Empty(past.GetProperty("items").EnumerateArray());
            Assert.Equal(HotspotFixture.AGrids.Length, past.GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Recommendations_move_minutes_from_the_quiet_grid_to_the_hot_one_and_keep_the_total()
    {
        await api.TrainedAsync();
        var plan = await Json(await api.DeskA.GetAsync("/api/hotspots/recommendations?team=t-street"));
        var team = plan.GetProperty("teams").EnumerateArray().Single();
        var grids = team.GetProperty("grids").EnumerateArray().ToDictionary(g => g.GetProperty("grid").GetString()!);
        Assert.Equal("more", grids[HotspotFixture.Hot].GetProperty("action").GetString());
        Assert.Equal("less", grids[HotspotFixture.QuietNorthEast].GetProperty("action").GetString());
        Assert.Equal(65, team.GetProperty("totalMinutes").GetDouble(), 1);
        Assert.Equal(65, grids.Values.Sum(g => g.GetProperty("suggestedMinutes").GetDouble()), 1);
        Assert.Contains("add", grids[HotspotFixture.Hot].GetProperty("reason").GetString());

        // A budget: of 0, nothing to hand out (not "no patrol recorded"); under today's 65, taken from the quiet grids.
        var none = (await Json(await api.DeskA.GetAsync("/api/hotspots/recommendations?team=t-street&minutes=0"))).GetProperty("teams").EnumerateArray().Single();
        Assert.StartsWith("a budget of 0 min a day", none.GetProperty("summary").GetString());
        Assert.Contains("65 min a day patrolled now", none.GetProperty("summary").GetString());
        var cut = (await Json(await api.DeskA.GetAsync("/api/hotspots/recommendations?team=t-street&minutes=20"))).GetProperty("teams").EnumerateArray().Single();
        Assert.Equal(20, cut.GetProperty("grids").EnumerateArray().Sum(g => g.GetProperty("suggestedMinutes").GetDouble()), 1);
        Assert.DoesNotContain("already go where the risk is", cut.GetProperty("summary").GetString());

        var evaluation = await Json(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=2026-11-20&to=2026-11-24&team=t-street"));
        Assert.Equal(1, evaluation.GetProperty("days").GetInt32()); // only today was scored
        Assert.Equal(3, evaluation.GetProperty("cases").GetInt32());
        Assert.True(evaluation.GetProperty("casesInRecommended").GetInt32() >= 2);
    }

    [Fact]
    public async Task The_risk_layer_is_tiled_for_a_reader_with_its_tilejson()
    {
        await api.TrainedAsync();
        var tilejson = await Json(await api.DeskA.GetAsync("/tiles/risk.json"));
        Assert.Contains(tilejson.GetProperty("vector_layers").EnumerateArray(), l => l.GetProperty("id").GetString() == "risk");
        // Zoom 14 tile over the hot grid.
        var (lon, lat) = HotspotFixture.Centre(HotspotFixture.Hot);
        var n = 1 << 14;
        var x = (int)((lon + 180) / 360 * n);
        var y = (int)((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        var tile = await api.DeskA.GetAsync($"/tiles/risk/14/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        var bytes = await tile.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 0);
        Assert.Contains(HotspotFixture.Hot, System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task Only_planners_train_and_bad_input_is_named()
    {
        await Problem.ExpectAsync(await api.DeskA.PostAsync("/api/hotspots/train", null), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync("/api/hotspots/scores")).StatusCode);
        var p = await Problem.ExpectAsync(await api.Planner.PostAsync("/api/hotspots/train?date=2026-13-01", null), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("2026-13-01", p.Detail);
        p = await Problem.ExpectAsync(await api.Planner.PostAsync("/api/hotspots/train?date=2026-11-25", null), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("after today", p.Detail);
        p = await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/scores?date=2020-01-01"), HttpStatusCode.NotFound, "no-scores");
        Assert.Contains("POST /api/hotspots/train?date=2020-01-01", p.Detail);
        // A day that cannot be trained for is not offered as one: after today, or over 20 years ago.
        p = await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/scores?date=9999-12-31"), HttpStatusCode.NotFound, "no-scores");
        Assert.DoesNotContain("POST", p.Detail);
        Assert.Contains("after today", p.Detail);
        p = await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations?date=0001-01-01"), HttpStatusCode.NotFound, "no-scores");
        Assert.DoesNotContain("POST", p.Detail);
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/scores?pageSize=0"), HttpStatusCode.BadRequest, "bad-paging");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/scores?district=31"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/models/abc"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/models/99999999"), HttpStatusCode.NotFound, "not-found");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/models?page=0"), HttpStatusCode.BadRequest, "bad-paging");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations?minutes=-5"), HttpStatusCode.BadRequest, "bad-request");
        // Under one 5-minute step a budget would hand out nothing: refused, saying why.
        var step = await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations?minutes=3"), HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("5-minute steps", step.Detail);
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=2026-11-24&to=2026-11-01"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=2026-01-01&to=2026-11-01"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=x&to=2026-11-01"), HttpStatusCode.BadRequest, "bad-request");
        // The calendar's last day (a day further would not exist) and any day after today: refused, not a 500.
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=9999-12-31&to=9999-12-31"), HttpStatusCode.BadRequest, "bad-request");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=9999-10-01&to=9999-12-31"), HttpStatusCode.BadRequest, "bad-request");
        // An unknown team is unknown on days nobody scored too; an overlong one is refused, not echoed.
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations/evaluation?from=2020-01-01&to=2020-01-05&team=nobody"), HttpStatusCode.NotFound, "not-found");
        await Problem.ExpectAsync(await api.DeskA.GetAsync($"/api/hotspots/recommendations/evaluation?from=2020-01-01&to=2020-01-05&team={new string('x', 5000)}"), HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task A_planner_of_one_district_cannot_train_the_city_wide_model()
    {
        var created = await api.Admin.PostAsJsonAsync("/api/keys", new { name = "planner A", roles = new[] { "planner" }, scopes = new[] { HotspotFixture.A } });
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        var p = await Problem.ExpectAsync(await api.WithKey(key).PostAsync("/api/hotspots/train", null), HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("whole city", p.Detail);
    }

    [Fact]
    public async Task Unknown_or_foreign_teams_and_shifts_are_not_found()
    {
        await api.TrainedAsync();
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/recommendations?team=nobody"), HttpStatusCode.NotFound, "not-found");
        await Problem.ExpectAsync(await api.DeskB.GetAsync("/api/hotspots/recommendations?team=t-street"), HttpStatusCode.NotFound, "not-found");
        await Problem.ExpectAsync(await api.DeskA.GetAsync("/api/hotspots/scores?shift=night"), HttpStatusCode.NotFound, "not-found");
        await Problem.ExpectAsync(await api.DeskB.GetAsync("/api/hotspots/scores?shift=s-day"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Too_little_history_is_refused_with_what_is_needed_and_no_model_is_stored()
    {
        await api.TrainedAsync();
        var before = await api.ScalarAsync("SELECT count(*) FROM risk_models");
        // Twenty days of history before 2026-09-05 (the first case is on 2026-08-16).
        var p = await Problem.ExpectAsync(await api.Planner.PostAsync("/api/hotspots/train?date=2026-09-05", null), HttpStatusCode.UnprocessableEntity, "cannot-train");
        Assert.Contains("too little history", p.Detail);
        p = await Problem.ExpectAsync(await api.Planner.PostAsync("/api/hotspots/train?date=2025-01-01", null), HttpStatusCode.UnprocessableEntity, "cannot-train");
        Assert.Contains("no case was reported", p.Detail);
        Assert.Equal(before, await api.ScalarAsync("SELECT count(*) FROM risk_models"));
    }
}
