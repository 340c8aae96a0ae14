using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;
using Spectre.Console;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid demo loop</c>: today's cases run through the standard's whole loop with its two centres, as they happen now
/// (tasks cannot be backdated): a report from the public or a higher authority, a confirm task to the supervisor on
/// shift for its grid, answered from the scene, opening, dispatch, the unit's handling and feedback, a check task,
/// answered from the scene, closing. Some go otherwise, as in a real day: a report not confirmed and rejected, a check
/// failed and the case reworked, and a few left waiting on a supervisor's phone, so the field view and the acceptor's
/// queue have something to show.
/// </summary>
public static class DemoLoopCommand
{
    /// <summary>How a demo case's day goes.</summary>
    public enum Course { Closed, Reworked, NotConfirmed, AwaitingCheck, AwaitingConfirm }

    /// <summary>The courses of <paramref name="count"/> cases: mostly closed, then one of each other course in turn.</summary>
    public static Course[] Plan(int count)
    {
        var others = new[] { Course.NotConfirmed, Course.Reworked, Course.AwaitingCheck, Course.AwaitingConfirm };
        // Every third case takes another course, so that 12 cases give 8 closed and one of each of the others.
        return Enumerable.Range(0, count).Select(i => i % 3 == 2 ? others[i / 3 % others.Length] : Course.Closed).ToArray();
    }

    private static readonly string[] Classes = ["E0502", "E0504", "E0104", "E0105", "E0505", "E0103"];
    private static readonly string[] Sources = ["resident", "hotline", "authority"];

    public static Command Create()
    {
        var count = new Option<int>("--cases") { Description = "Cases to run through the loop today", DefaultValueFactory = _ => 12 };
        var district = new Option<string>("--district") { Description = "The district whose responsibility grids get the cases", DefaultValueFactory = _ => "310101" };
        var seed = new Option<int>("--seed") { Description = "Seed of the choice of grids, classes and channels", DefaultValueFactory = _ => 22 };
        var cmd = new Command("loop", "Run today's cases through the whole loop: confirm task from the scene, opening, dispatch, handling, check task, closing") { count, district, seed };
        cmd.Options.Add(ApiConnection.Api);
        cmd.Options.Add(ApiConnection.Key);
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(count) is < 1 or > 200) { AnsiConsole.MarkupLine("[red]--cases must be 1 to 200[/]"); return 2; }
            using var client = ApiConnection.Client(parse);
            var export = await client.GetAsync($"api/grids/export?prefix={Uri.EscapeDataString(parse.GetValue(district)!)}&level=grid", ct);
            if (!export.IsSuccessStatusCode) return await ApiConnection.ReportFailure(export, ct);
            var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
            var collection = (await JsonSerializer.DeserializeAsync<FeatureCollection>(await export.Content.ReadAsStreamAsync(ct), options, ct))!;
            var grids = collection.Where(f => f.Attributes["code"]?.ToString() is { Length: 15 }
                    && f.Attributes.GetOptionalValue("kind")?.ToString() is null or "comprehensive")
                .Select(f => f.Geometry.InteriorPoint).ToList();
            if (grids.Count == 0) { AnsiConsole.MarkupLineInterpolated($"[red]no responsibility grids under {parse.GetValue(district)}[/]: load the demo city first"); return 1; }

            var rng = new Random(parse.GetValue(seed));
            var plan = Plan(parse.GetValue(count));
            var tally = new Dictionary<string, int>();
            var queued = 0;
            var task = 0;
            foreach (var course in plan)
            {
                // A grid with a supervisor on shift; a grid with nobody waits in the acceptor's queue (kept, and counted).
                string? outcome = null;
                for (var attempt = 0; attempt < 5 && outcome is null; attempt++)
                {
                    var at = grids[rng.Next(grids.Count)];
                    var step = await RunAsync(client, course, Classes[rng.Next(Classes.Length)], Sources[rng.Next(Sources.Length)], at.X, at.Y, ct);
                    if (step.Problem is { } problem)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[red]the demo loop was refused[/]: {problem}");
                        return 1;
                    }
                    if (step.Queued) queued++; else outcome = step.Outcome;
                }
                if (outcome is null) { AnsiConsole.MarkupLine("[red]nobody is on shift in five grids tried: load the demo patrols first (sgrid demo patrols)[/]"); return 1; }
                var kind = outcome.Split(" by ")[0];
                tally[kind] = tally.GetValueOrDefault(kind) + 1;
                AnsiConsole.MarkupLineInterpolated($"  case {++task}/{plan.Length}: {outcome}");
            }
            AnsiConsole.MarkupLineInterpolated(
                $"{plan.Length} of today's cases through the loop with confirm and check tasks: {string.Join(", ", tally.Select(t => $"{t.Value} {t.Key}"))}; {queued} confirm task(s) wait in the acceptor's queue (nobody on shift in the grid)");
            return 0;
        });
        return cmd;
    }

    private sealed record Step(string? Outcome, bool Queued, string? Problem);

    /// <summary>One case through its course; Queued when its confirm task found nobody on shift (the case stays, reported).</summary>
    private static async Task<Step> RunAsync(HttpClient client, Course course, string classCode, string source, double lon, double lat, CancellationToken ct)
    {
        var opened = await client.PostAsJsonAsync("api/cases", new { classCode, description = "演示闭环 demo loop: reported today", lon, lat, source }, ct);
        if (await Json(opened, ct) is not { } created) return new(null, false, await Refusal("open a case", opened, ct));
        var number = created.GetProperty("case").GetProperty("number").GetString()!;

        async Task<string?> Act(string action, object? extra = null)
        {
            var body = new Dictionary<string, object?> { ["action"] = action, ["note"] = "演示 demo", ["unit"] = "城管执法中队", ["lon"] = lon, ["lat"] = lat };
            if (extra is string reason) body["note"] = reason;
            var r = await client.PostAsJsonAsync($"api/cases/{number}/actions", body, ct);
            return r.IsSuccessStatusCode ? null : await Refusal($"{number} {action}", r, ct);
        }
        async Task<(JsonElement? Task, string? Problem)> Send(string kind)
        {
            var r = await client.PostAsJsonAsync($"api/cases/{number}/tasks", new { kind, note = "演示 demo" }, ct);
            return await Json(r, ct) is { } t ? (t, null) : (null, await Refusal($"{number} {kind} task", r, ct));
        }
        async Task<string?> Answer(JsonElement t, string outcome)
        {
            var r = await client.PostAsJsonAsync($"api/tasks/{t.GetProperty("id").GetInt64()}/answer",
                new { worker = t.GetProperty("worker").GetString(), outcome, lon, lat, note = "现场核实 demo, from the scene" }, ct);
            return r.IsSuccessStatusCode ? null : await Refusal($"{number} {outcome}", r, ct);
        }

        var (confirm, problem) = await Send("confirm");
        if (problem is not null) return new(null, false, problem);
        if (confirm!.Value.GetProperty("worker").ValueKind == JsonValueKind.Null) return new(null, true, null);
        if (course == Course.AwaitingConfirm) return new($"awaiting confirm by {confirm.Value.GetProperty("worker").GetString()}", false, null);
        if (course == Course.NotConfirmed)
        {
            return new("not confirmed and rejected", false, await Answer(confirm.Value, "not-confirmed") ?? await Act("reject", "监督员现场未见该问题 not found on the scene"));
        }
        if (await Answer(confirm.Value, "confirmed") is { } unanswered) return new(null, false, unanswered);
        foreach (var step in new[] { "accept", "dispatch", "arrive", "feedback" })
            if (await Act(step) is { } refused) return new(null, false, refused);
        var (check, checkProblem) = await Send("check");
        if (checkProblem is not null) return new(null, false, checkProblem);
        if (check!.Value.GetProperty("worker").ValueKind == JsonValueKind.Null) return new("check task in the acceptor's queue", false, null);
        if (course == Course.AwaitingCheck) return new($"awaiting check by {check.Value.GetProperty("worker").GetString()}", false, null);
        if (course == Course.Reworked)
        {
            // A failed check sends the case back to the unit (dispatched again): it goes back, handles and reports anew.
            if ((await Answer(check.Value, "failed") ?? await Act("arrive") ?? await Act("feedback")) is { } refused) return new(null, false, refused);
            (check, checkProblem) = await Send("check");
            if (checkProblem is not null) return new(null, false, checkProblem);
            if (check!.Value.GetProperty("worker").ValueKind == JsonValueKind.Null) return new("reworked; second check task in the acceptor's queue", false, null);
        }
        if ((await Answer(check!.Value, "passed") ?? await Act("close")) is { } notClosed) return new(null, false, notClosed);
        return new(course == Course.Reworked ? "checked, failed, reworked and closed" : "confirmed, handled, checked and closed", false, null);
    }

    private static async Task<JsonElement?> Json(HttpResponseMessage r, CancellationToken ct) =>
        r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync(ct)).RootElement.Clone() : null;

    private static async Task<string> Refusal(string what, HttpResponseMessage r, CancellationToken ct) =>
        $"{what}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}";
}
