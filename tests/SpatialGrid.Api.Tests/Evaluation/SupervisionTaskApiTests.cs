using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpatialGrid.Api.Cases;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Evaluation;

/// <summary>
/// The supervision centre's loop over HTTP: confirm and check tasks sent to the supervisor on shift (nearest first), the
/// acceptor's queue when nobody is, answers from the scene only, reassignment when a shift ends, the seven nodes.
/// One story under one clock (it only moves forward), told in order.
/// </summary>
public class SupervisionTaskApiTests(SupervisionFixture api) : IClassFixture<SupervisionFixture>
{
    private static DateTimeOffset T(int hour, int minute) => new(2026, 11, 24, hour, minute, 0, SupervisionFixture.Cst);

    private async Task<string> Open(bool west, string source, DateTimeOffset at)
    {
        var (lon, lat) = west ? api.City.WestPoint : api.City.EastPoint;
        // A supervisor's report names the worker (w-near, by the west point).
        var worker = source == "patrol" ? "w-near" : null;
        var r = await api.Desk.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "supervision", lon, lat, source, reportedAt = at, worker });
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    private async Task Act(HttpClient who, string number, string action, DateTimeOffset at)
    {
        var (lon, lat) = api.City.WestPoint;
        await SupervisionFixture.Ok(await who.PostAsJsonAsync($"/api/cases/{number}/actions", new { action, at, note = "ok", lon, lat }));
    }

    private async Task<HttpResponseMessage> Send(string number, string kind) => await api.Desk.PostAsJsonAsync($"/api/cases/{number}/tasks", new { kind });

    private async Task<JsonElement> Task(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<HttpResponseMessage> Answer(long id, string worker, string outcome, bool west = true)
    {
        var (lon, lat) = west ? api.City.WestPoint : api.City.EastPoint;
        return await api.Phone.PostAsJsonAsync($"/api/tasks/{id}/answer", new { worker, outcome, lon, lat, note = "现场" });
    }

    private async Task<JsonElement> Tasks(string query) => JsonDocument.Parse(await api.Desk.GetStringAsync("/api/tasks?" + query)).RootElement;

    [Fact]
    public async Task A_case_runs_the_full_loop_with_confirm_and_check_tasks()
    {
        // Collect: a supervisor's report at 10:00; the acceptor sends a confirm task. w-near (by the case) gets it, not w-far (800 m away) or w-off (no shift).
        var p = await Open(west: true, "patrol", T(10, 0));
        var confirm = await Task(await Send(p, "confirm"));
        Assert.Equal(("confirm", "assigned", "w-near", false), (confirm.GetProperty("kind").GetString(), confirm.GetProperty("state").GetString(),
            confirm.GetProperty("worker").GetString(), confirm.GetProperty("inAcceptorQueue").GetBoolean()));
        Assert.Equal(T(11, 0), confirm.GetProperty("dueAt").GetDateTimeOffset()); // the class's on-scene limit: 60 minutes
        Assert.Equal("green", confirm.GetProperty("colour").GetString());
        var confirmId = confirm.GetProperty("id").GetInt64();
        await Problem.ExpectAsync(await Send(p, "confirm"), HttpStatusCode.Conflict, "task-running");
        await Problem.ExpectAsync(await Send(p, "check"), HttpStatusCode.Conflict, "task-not-allowed");

        // Only the assigned supervisor answers, and only from inside the grid (as verify).
        await Problem.ExpectAsync(await Answer(confirmId, "w-far", "confirmed"), HttpStatusCode.Conflict, "not-assigned");
        await Problem.ExpectAsync(await Answer(confirmId, "w-near", "confirmed", west: false), HttpStatusCode.UnprocessableEntity, "answer-outside-grid");
        await Problem.ExpectAsync(await Answer(confirmId, "w-near", "passed"), HttpStatusCode.BadRequest, "bad-outcome");
        api.Clock.SetUtcNow(T(10, 20));
        var confirmed = await Task(await Answer(confirmId, "w-near", "confirmed"));
        Assert.Equal(("answered", "confirmed", true), (confirmed.GetProperty("state").GetString(), confirmed.GetProperty("outcome").GetString(), confirmed.GetProperty("onTime").GetBoolean()));
        await Problem.ExpectAsync(await Answer(confirmId, "w-near", "confirmed"), HttpStatusCode.Conflict, "task-answered");

        // Open, dispatch, handle, feedback; then the check task goes to w-near, who passes it on site: the case is verified; the shift leader closes.
        api.Clock.SetUtcNow(T(11, 5));
        await Act(api.Desk, p, "accept", T(10, 25));
        await Act(api.Desk, p, "dispatch", T(10, 26));
        await Act(api.Phone, p, "arrive", T(10, 40));
        await Act(api.Phone, p, "feedback", T(11, 0));
        // Fixes older than 30 minutes say nothing of where a supervisor is: fresh ones from the phones.
        await api.Positions(T(11, 5));
        var check = await Task(await Send(p, "check"));
        Assert.Equal(("check", "w-near"), (check.GetProperty("kind").GetString(), check.GetProperty("worker").GetString()));
        api.Clock.SetUtcNow(T(11, 15));
        var passed = await Task(await Answer(check.GetProperty("id").GetInt64(), "w-near", "passed"));
        Assert.Equal("passed", passed.GetProperty("outcome").GetString());
        var detail = JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{p}")).RootElement;
        Assert.Equal("verified", detail.GetProperty("case").GetProperty("state").GetString());
        api.Clock.SetUtcNow(T(11, 20));
        await Act(api.Desk, p, "close", T(11, 20));

        // The seven nodes with their times, the channel, both tasks; the history holds every task step and its chain is intact.
        var nodes = JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{p}/nodes")).RootElement;
        Assert.Equal("supervisor", nodes.GetProperty("channel").GetString());
        var times = nodes.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!,
            n => n.GetProperty("at").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : n.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(["collect", "open", "dispatch", "handle", "feedback", "check-and-close", "evaluate"], times.Keys);
        Assert.Equal([T(10, 0), T(10, 25), T(10, 26), T(10, 40), T(11, 0), T(11, 20), null], times.Values);
        Assert.Equal(2, nodes.GetProperty("tasks").GetArrayLength());
        var history = JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{p}")).RootElement.GetProperty("history").EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["report", "confirm-task", "confirm-answer", "accept", "dispatch", "arrive", "feedback", "check-task", "check-answer", "verify", "close"], history);
        Assert.True(JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{p}/chain")).RootElement.GetProperty("intact").GetBoolean());

        // The afternoon, under the same clock (it only goes forward).
        await Nobody_on_shift_sends_the_task_to_the_acceptors_queue_and_a_shift_change_reroutes();
    }

    private async System.Threading.Tasks.Task Nobody_on_shift_sends_the_task_to_the_acceptors_queue_and_a_shift_change_reroutes()
    {
        api.Clock.SetUtcNow(T(12, 0));
        var q = await Open(west: false, "resident", T(12, 0));
        var queued = await Task(await Send(q, "confirm"));
        Assert.Equal(("queued", true), (queued.GetProperty("state").GetString(), queued.GetProperty("inAcceptorQueue").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("worker").ValueKind);
        var queue = await Tasks($"state=queued&case={q}");
        Assert.Equal(1, queue.GetProperty("total").GetInt32());
        await Problem.ExpectAsync(await Answer(queued.GetProperty("id").GetInt64(), "w-near", "confirmed", west: false), HttpStatusCode.Conflict, "task-queued");

        await api.Positions(T(12, 0));
        var r = await Open(west: true, "hotline", T(12, 0));
        var sent = await Task(await Send(r, "confirm"));
        Assert.Equal("w-near", sent.GetProperty("worker").GetString());
        var sweep = api.Factory.Services.GetRequiredService<TaskSweep>();
        Assert.Empty(await sweep.RunAsync(CancellationToken.None)); // everyone where they should be

        // 17:30: the day shift is over; w-far is on the evening shift of the west grid and takes R's task (late and red by now).
        api.Clock.SetUtcNow(T(17, 30));
        var moves = await sweep.RunAsync(CancellationToken.None);
        var move = Assert.Single(moves);
        Assert.Equal((r, "w-near", "w-far"), (move.Case, move.From, move.To));
        var mine = (await Tasks($"worker=w-far&case={r}")).GetProperty("items")[0];
        Assert.Equal((1, "red", "assigned"), (mine.GetProperty("reroutes").GetInt32(), mine.GetProperty("colour").GetString(), mine.GetProperty("state").GetString()));

        // 23:30: nobody is on shift any more: the task waits for the acceptor, visibly.
        api.Clock.SetUtcNow(T(23, 30));
        move = Assert.Single(await sweep.RunAsync(CancellationToken.None));
        Assert.Equal(("w-far", (string?)null), (move.From, move.To));
        Assert.Equal("queued", (await Tasks($"case={r}")).GetProperty("items")[0].GetProperty("state").GetString());
        var actions = JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{r}")).RootElement.GetProperty("history").EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["report", "confirm-task", "confirm-task-rerouted", "confirm-task-rerouted"], actions);
        Assert.True(JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases/{r}/chain")).RootElement.GetProperty("intact").GetBoolean());

        await The_day_is_evaluated_per_person_as_worked_out_by_hand(p: await NumberOf("supervision", "patrol"), r);
    }

    private async Task<string> NumberOf(string q, string source) =>
        JsonDocument.Parse(await api.Desk.GetStringAsync($"/api/cases?q={q}&source={source}")).RootElement.GetProperty("items")[0].GetProperty("number").GetString()!;

    /// <summary>
    /// The day as the standard assesses it. Cases: P (west 10:00, w-near's report, opened and closed), Q (east 12:00, resident),
    /// R (west 12:00, hotline). Shifts in the west grid: w-near 08–17, w-far 08–17 and 17–23; nobody in the east.
    /// Tasks: confirm and check of P held by w-near, both answered in time; Q's and R's confirm tasks end in the queue (no holder).
    /// </summary>
    private async System.Threading.Tasks.Task The_day_is_evaluated_per_person_as_worked_out_by_hand(string p, string r)
    {
        var table = JsonDocument.Parse(await api.Desk.GetStringAsync("/api/evaluation?period=2026-11&by=person&role=supervisor")).RootElement;
        var rows = table.GetProperty("items").EnumerateArray().ToDictionary(x => x.GetProperty("person").GetString()!);
        Assert.Equal(["w-near", "w-far"], rows.Keys);
        double? V(JsonElement row, string i) => row.GetProperty("indicators").GetProperty(i).GetProperty("value") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;
        // w-near: valid report P 1/1; missed R of P, R in the shift → 0.5; confirm 1/1, check 1/1.
        // 100 × 40 % + (100 − 50) × 20 % + 100 × 20 % + 100 × 20 % = 90.0 → A, first.
        var near = rows["w-near"];
        Assert.Equal((1.0, 0.5, 1.0, 1.0), (V(near, "valid-report"), V(near, "missed-report"), V(near, "on-time-confirm"), V(near, "on-time-check")));
        Assert.Equal((90.0, "A", 1), (near.GetProperty("score").GetDouble(), near.GetProperty("grade").GetString(), near.GetProperty("rank").GetInt32()));
        // w-far reported nothing and held no task to the end: only the missed reports (P and R, 2/2) → 0.0 → E, the rest missing.
        var far = rows["w-far"];
        Assert.Equal((0.0, "E"), (far.GetProperty("score").GetDouble(), far.GetProperty("grade").GetString()));
        Assert.Equal(["valid-report", "on-time-confirm", "on-time-check"], far.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));

        // The acceptor desk recorded Q and R (2, the most) and sent all four tasks within 10 minutes of the report or feedback → 100.0 → A.
        var acceptor = JsonDocument.Parse(await api.Desk.GetStringAsync("/api/evaluation?period=2026-11&by=person&role=acceptor")).RootElement.GetProperty("items")[0];
        Assert.Equal(("acceptor desk", 100.0, "A"), (acceptor.GetProperty("person").GetString(), acceptor.GetProperty("score").GetDouble(), acceptor.GetProperty("grade").GetString()));

        // w-far's missed reports are P and R, each linked to its chain.
        var link = far.GetProperty("indicators").GetProperty("missed-report").GetProperty("cases").GetString()!;
        var traced = JsonDocument.Parse(await api.Desk.GetStringAsync(link)).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { p, r }.Order(), traced.Select(x => x.GetProperty("number").GetString()!).Order());
        Assert.All(traced, x => Assert.True(x.GetProperty("met").GetBoolean()));

        // Weights that do not add up, and a person with no shift (w-off) is simply not a row.
        await Problem.ExpectAsync(await api.Desk.GetAsync("/api/evaluation?by=person&weights=valid-report:50,missed-report:20,on-time-confirm:20,on-time-check:20"),
            HttpStatusCode.BadRequest, "bad-weights");
        Assert.DoesNotContain("w-off", rows.Keys);
    }

    [Theory]
    [InlineData("/api/tasks?state=lost", "bad-state")]
    [InlineData("/api/tasks?kind=inspect", "bad-kind")]
    [InlineData("/api/tasks?grid=abc", "bad-grid")]
    [InlineData("/api/tasks?page=0", "bad-paging")]
    [InlineData("/api/evaluation?by=person&role=mayor", "bad-role")]
    [InlineData("/api/evaluation?by=area&weights=valid-report:100", "bad-group")]
    [InlineData("/api/evaluation?by=person&weights=valid-report:60", "bad-weights")]
    [InlineData("/api/evaluation?by=person&level=grid", "bad-level")]
    [InlineData("/api/evaluation/cases?by=person&indicator=valid-report&key=w-near", "bad-key")]
    [InlineData("/api/evaluation/cases?by=person&indicator=on-time-dispatch&key=supervisor:w-near", "bad-indicator")]
    public async Task Malformed_task_queries_are_refused_as_problems(string url, string kind)
    {
        await Problem.ExpectAsync(await api.Desk.GetAsync(url), HttpStatusCode.BadRequest, kind);
    }

    [Fact]
    public async Task Malformed_task_requests_are_refused_as_problems()
    {
        var (lon, lat) = api.City.WestPoint;
        await Problem.ExpectAsync(await api.Desk.PostAsJsonAsync("/api/cases/310101-20261124-0001/tasks", new { kind = "inspect" }), HttpStatusCode.BadRequest, "bad-kind");
        await Problem.ExpectAsync(await api.Desk.PostAsJsonAsync("/api/cases/310101-29990101-0001/tasks", new { kind = "confirm" }), HttpStatusCode.NotFound, "case-not-found");
        await Problem.ExpectAsync(await api.Phone.PostAsJsonAsync("/api/tasks/1/answer", new { worker = "w-near", outcome = "maybe", lon, lat }), HttpStatusCode.BadRequest, "bad-outcome");
        await Problem.ExpectAsync(await api.Phone.PostAsJsonAsync("/api/tasks/1/answer", new { worker = "w-near", outcome = "confirmed" }), HttpStatusCode.BadRequest, "missing-position");
        await Problem.ExpectAsync(await api.Phone.PostAsJsonAsync("/api/tasks/999999/answer", new { worker = "w-near", outcome = "confirmed", lon, lat }), HttpStatusCode.NotFound, "task-not-found");
        // The phone (patrol role) cannot send tasks: that is the acceptor's.
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Phone.PostAsJsonAsync("/api/cases/310101-20261124-0001/tasks", new { kind = "confirm" })).StatusCode);
    }
}
