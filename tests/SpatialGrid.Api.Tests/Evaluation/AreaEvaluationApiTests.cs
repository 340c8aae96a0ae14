using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SpatialGrid.Api.Tests.Cases;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Evaluation;

/// <summary>
/// <c>GET /api/evaluation</c> by area and by unit, on five cases run through the loop on Tuesday 24 November 2026 and
/// evaluated at 18:00 the same day. Street vending (E0502): dispatch within 10 min, feedback within 1 working day,
/// closing within 4 working hours, i.e. by 15:30 for a report at 10:00. Every number was worked out by hand:
///
/// | case | grid | unit (dispatched to) | what happened                                                           |
/// |------|------|----------------------|-------------------------------------------------------------------------|
/// | A    | west | 城管执法一中队       | feedback 10:40, closed 11:00 (on time)                                  |
/// | B    | west | 城管执法一中队       | reworked 11:10, feedback again 11:30, closed 16:00 (late)               |
/// | C    | east | 城管执法一中队       | dispatched 10:05, still open (closing overdue; feedback due tomorrow)   |
/// | D    | west | 城管执法队 (class)   | rejected                                                                |
/// | E    | east | 街道环卫所           | dispatched 10:04, carried over (extension) to 1 December                |
/// </summary>
public class AreaEvaluationApiTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static DateTimeOffset T(int hour, int minute) => new(2026, 11, 24, hour, minute, 0, CaseFixture.Cst);
    private string West => api.City.WestGrid;
    private string East => api.City.EastGrid;
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<string, string> Numbers = [];

    private async Task<string> Open(bool west, string source = "patrol")
    {
        var (lon, lat) = west ? api.City.WestPoint : api.City.EastPoint;
        var r = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description = "evaluation", lon, lat, source, reportedAt = T(10, 0) });
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    private async Task Act(string number, bool west, string action, DateTimeOffset at, object? extra = null)
    {
        var (lon, lat) = west ? api.City.WestPoint : api.City.EastPoint;
        var body = new Dictionary<string, object?> { ["action"] = action, ["at"] = at, ["note"] = "ok", ["lon"] = lon, ["lat"] = lat, ["unit"] = "城管执法一中队" };
        if (extra is not null) foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var r = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", body);
        Assert.True(r.IsSuccessStatusCode, $"{action}: {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>The five cases, once for the class (the tests only read).</summary>
    private async Task Cases()
    {
        await Once.WaitAsync();
        try
        {
            await api.Ready();
            if (Numbers.Count > 0) return;
            api.Clock.SetUtcNow(T(18, 0));
            var a = Numbers["A"] = await Open(west: true);
            foreach (var (action, at) in new[] { ("accept", T(10, 5)), ("dispatch", T(10, 6)), ("arrive", T(10, 20)), ("feedback", T(10, 40)), ("verify", T(10, 50)) })
                await Act(a, true, action, at);
            await Act(a, true, "close", T(11, 0));

            var b = Numbers["B"] = await Open(west: true);
            foreach (var (action, at) in new[] { ("accept", T(10, 12)), ("dispatch", T(10, 13)), ("arrive", T(10, 30)), ("feedback", T(11, 0)), ("rework", T(11, 10)),
                         ("arrive", T(11, 20)), ("feedback", T(11, 30)), ("verify", T(11, 40)) })
                await Act(b, true, action, at);
            await Act(b, true, "close", T(16, 0));

            var c = Numbers["C"] = await Open(west: false, source: "resident");
            await Act(c, false, "accept", T(10, 3));
            await Act(c, false, "dispatch", T(10, 5));

            var d = Numbers["D"] = await Open(west: true);
            await Act(d, true, "reject", T(10, 5));

            var e = Numbers["E"] = await Open(west: false);
            await Act(e, false, "accept", T(10, 2));
            await Act(e, false, "dispatch", T(10, 4), new { unit = "街道环卫所" });
            await Act(e, false, "carry-over", T(10, 30), new { reviewDate = new DateOnly(2026, 12, 1) });
        }
        finally
        {
            Once.Release();
        }
    }

    private static (long N, long D, double? V, int? Rank) F(JsonElement row, string indicator)
    {
        var f = row.GetProperty("indicators").GetProperty(indicator);
        return (f.GetProperty("numerator").GetInt64(), f.GetProperty("denominator").GetInt64(),
            f.GetProperty("value").ValueKind == JsonValueKind.Null ? null : f.GetProperty("value").GetDouble(),
            f.GetProperty("rank").ValueKind == JsonValueKind.Null ? null : f.GetProperty("rank").GetInt32());
    }

    private async Task<JsonElement> Table(string query) => JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/api/evaluation?" + query)).RootElement;

    [Fact]
    public async Task Grids_are_evaluated_and_ranked_as_worked_out_by_hand()
    {
        await Cases();
        var table = await Table("period=2026-11&by=area&level=grid");
        Assert.Equal("2026-11", table.GetProperty("period").GetProperty("label").GetString());
        Assert.Equal(2, table.GetProperty("total").GetInt32());
        var rows = table.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([West, East], rows.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal("West grid", rows[0].GetProperty("name").GetString());
        var (west, east) = (rows[0], rows[1]);

        // West = A, B, D. Opened A, B of three reported (D rejected); both grids opened 2, so both rank 1.
        Assert.Equal((2, 3, 2.0, 1), F(west, "opened"));
        // Closing due: A and B, both closed → 1; on time: A only (B closed 16:00, due 15:30) → 0.5.
        Assert.Equal((2, 2, 1.0, 1), F(west, "closure"));
        Assert.Equal((1, 2, 0.5, 1), F(west, "on-time-closure"));
        // Handled at least once: A, B; reworked: B → 0.5.
        Assert.Equal((1, 2, 0.5, 1), F(west, "rework"));
        Assert.Equal((0, 2, 0.0, 1), F(west, "extension"));
        // Feedback given: A 10:40, B 11:30, both within a working day of their (latest) dispatch → 1.
        Assert.Equal((2, 2, 1.0, 1), F(west, "on-time-handling"));

        // East = C, E, both opened; both past the 15:30 closing deadline and open → 0 closed.
        Assert.Equal((2, 2, 2.0, 1), F(east, "opened"));
        Assert.Equal((0, 2, 0.0, 2), F(east, "closure"));
        Assert.Equal((0, 2, 0.0, 2), F(east, "on-time-closure"));
        // Neither has given feedback, and feedback is not due before tomorrow: no rework or handling figure.
        Assert.Equal((0, 0, null, null), F(east, "rework"));
        Assert.Equal((0, 0, null, null), F(east, "on-time-handling"));
        // E was carried over: 1 of 2 → 0.5, ranked after west's 0.
        Assert.Equal((1, 2, 0.5, 2), F(east, "extension"));
    }

    [Fact]
    public async Task The_district_and_the_units_are_evaluated_as_worked_out_by_hand()
    {
        await Cases();
        var district = Assert.Single((await Table("period=2026-11")).GetProperty("items").EnumerateArray());
        Assert.Equal("310101", district.GetProperty("key").GetString());
        Assert.Equal((4, 5, 4.0, 1), F(district, "opened"));
        Assert.Equal((2, 4, 0.5, 1), F(district, "closure"));          // A, B of A, B, C, E
        Assert.Equal((1, 4, 0.25, 1), F(district, "on-time-closure")); // A
        Assert.Equal((1, 2, 0.5, 1), F(district, "rework"));           // B of A, B
        Assert.Equal((1, 4, 0.25, 1), F(district, "extension"));       // E
        Assert.Equal((2, 2, 1.0, 1), F(district, "on-time-handling")); // A, B

        var units = (await Table("period=2026-11&by=unit")).GetProperty("items").EnumerateArray().ToList();
        // On-time closure 1/3, 0/1 and none (D's unit has no opened case), in that order.
        Assert.Equal(["城管执法一中队", "街道环卫所", "城管执法队"], units.Select(u => u.GetProperty("key").GetString()));
        var (first, sanitation, enforcement) = (units[0], units[1], units[2]);
        Assert.Equal((3, 3, 3.0, 1), F(first, "opened"));              // A, B, C
        Assert.Equal((2, 3, 0.6667, 1), F(first, "closure"));
        Assert.Equal((1, 3, 0.3333, 1), F(first, "on-time-closure"));
        Assert.Equal((1, 2, 0.5, 1), F(first, "rework"));
        Assert.Equal((0, 3, 0.0, 1), F(first, "extension"));
        Assert.Equal((1, 1, 1.0, 2), F(sanitation, "opened"));         // E
        Assert.Equal((0, 1, 0.0, 2), F(sanitation, "on-time-closure"));
        Assert.Equal((1, 1, 1.0, 2), F(sanitation, "extension"));
        Assert.Equal((0, 1, 0.0, 3), F(enforcement, "opened"));        // D, rejected
        Assert.Equal((0, 0, null, null), F(enforcement, "closure"));
    }

    [Fact]
    public async Task A_figure_lists_its_cases_and_each_links_to_its_intact_chain()
    {
        await Cases();
        var west = (await Table("period=2026-11&level=grid")).GetProperty("items")[0];
        var link = west.GetProperty("indicators").GetProperty("on-time-closure").GetProperty("cases").GetString()!;
        var traced = JsonDocument.Parse(await api.Dispatcher.GetStringAsync(link)).RootElement;
        Assert.Equal(2, traced.GetProperty("total").GetInt32());
        var items = traced.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([(Numbers["A"], true), (Numbers["B"], false)],
            items.Select(i => (i.GetProperty("number").GetString()!, i.GetProperty("met").GetBoolean())).OrderBy(x => x.Item1));
        var late = items.Single(i => !i.GetProperty("met").GetBoolean());
        var chain = JsonDocument.Parse(await api.Dispatcher.GetStringAsync(late.GetProperty("chain").GetString())).RootElement;
        Assert.True(chain.GetProperty("intact").GetBoolean());
        Assert.Equal(10, chain.GetProperty("events").GetInt32()); // report, 8 steps, close

        var missed = JsonDocument.Parse(await api.Dispatcher.GetStringAsync(link + "&met=false")).RootElement;
        Assert.Equal(Numbers["B"], Assert.Single(missed.GetProperty("items").EnumerateArray()).GetProperty("number").GetString());
    }

    [Fact]
    public async Task Csv_is_served_for_format_csv_and_for_an_accept_header()
    {
        await Cases();
        var response = await api.Dispatcher.GetAsync("/api/evaluation?period=2026-11&level=grid&format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.StartsWith("key,name,opened,opened_numerator,opened_denominator,opened_rank,closure,", lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith($"{West},West grid,2,2,3,1,1,2,2,1,0.5,1,2,1,", lines[1]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/evaluation?period=2026-11&by=unit");
        request.Headers.Accept.ParseAdd("text/csv");
        var byAccept = await api.Dispatcher.SendAsync(request);
        Assert.Equal("text/csv", byAccept.Content.Headers.ContentType?.MediaType);
        Assert.Contains("城管执法一中队", await byAccept.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_period_with_no_cases_has_no_rows()
    {
        await Cases();
        var table = await Table("period=2026-10&level=grid");
        Assert.Equal(0, table.GetProperty("total").GetInt32());
        Assert.Empty(table.GetProperty("items").EnumerateArray());
        Assert.Equal("2026-10", table.GetProperty("period").GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("/api/evaluation?period=2026-13", "bad-period")]
    [InlineData("/api/evaluation?period=11-2026", "bad-period")]
    [InlineData("/api/evaluation?period=2026-11&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z", "bad-period")]
    [InlineData("/api/evaluation?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "bad-period")]
    [InlineData("/api/evaluation?from=2026-11-02T00:00:00Z", "bad-period")]
    [InlineData("/api/evaluation?by=everyone", "bad-group")]
    [InlineData("/api/evaluation?by=unit&level=grid", "bad-level")]
    [InlineData("/api/evaluation?level=planet", "bad-level")]
    [InlineData("/api/evaluation?format=xml", "bad-format")]
    [InlineData("/api/evaluation?pageSize=0", "bad-paging")]
    [InlineData("/api/evaluation/cases?period=2026-11&indicator=speed&key=310101", "bad-indicator")]
    [InlineData("/api/evaluation/cases?period=2026-11&indicator=closure", "bad-key")]
    [InlineData("/api/evaluation/cases?period=2026-11&indicator=closure&key=west", "bad-key")]
    [InlineData("/api/evaluation/cases?period=2026-xx&indicator=closure&key=310101", "bad-period")]
    public async Task Malformed_requests_are_refused_as_problems(string url, string kind)
    {
        await api.Ready();
        var problem = await Problem.ExpectAsync(await api.Dispatcher.GetAsync(url), HttpStatusCode.BadRequest, kind);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task The_monthly_report_ranks_grades_and_lists_the_red_light_cases()
    {
        await Cases();
        var response = await api.Dispatcher.GetAsync("/api/evaluation/report?district=310101&period=2026-11");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Test district（310101） 数字城管综合评价月报 · 2026-11", html);
        Assert.Contains("@page { size: A4;", html);
        // The district's row for the month: 4 opened, closure 50 %, on-time closure 25 % (as in the JSON above); the five months before are empty.
        Assert.Contains("<td class=\"t\">2026-11</td><td><span class=\"bar\" style=\"width:12.0mm\"></span> 4</td><td>50.0 %</td><td>25.0 %</td>", html);
        Assert.Contains("<td class=\"t\">2026-06</td><td>—</td>", html);
        Assert.Contains("Test sub-district (310101002)", html);
        Assert.Contains("城管执法一中队", html);
        // The dispatcher key accepted, dispatched and closed every case: a shift leader and a dispatcher row with a grade.
        Assert.Contains("shift-leader", html);
        Assert.Contains("dispatch desk", html);
        // Red light at 18:00: C only (closing due 15:30, open); E is carried over (no clock runs), A and B are closed, D rejected.
        Assert.Contains($"<td class=\"t red\">{Numbers["C"]}</td>", html);
        foreach (var other in new[] { "A", "B", "D", "E" }) Assert.DoesNotContain($"<td class=\"t red\">{Numbers[other]}</td>", html);
    }

    [Theory]
    [InlineData("/api/evaluation/report?period=2026-11", "bad-district")]
    [InlineData("/api/evaluation/report?district=31010&period=2026-11", "bad-district")]
    [InlineData("/api/evaluation/report?district=310101&period=2026/11", "bad-period")]
    public async Task A_malformed_report_request_is_a_problem(string url, string kind)
    {
        await api.Ready();
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync(url), HttpStatusCode.BadRequest, kind);
    }
}
