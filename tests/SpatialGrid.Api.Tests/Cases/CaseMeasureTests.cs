using System.Net.Http.Json;
using System.Text.Json;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>The measures on a fixed set of four cases, against values computed by hand.</summary>
public class CaseMeasureTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private static DateTimeOffset T(int hour, int minute) => new(2026, 11, 24, hour, minute, 0, CaseFixture.Cst);

    private async Task<string> Open(string cls, string source)
    {
        var (lon, lat) = api.City.WestPoint;
        var r = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = cls, description = "measures", lon, lat, source, reportedAt = T(10, 0) });
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    private async Task Act(string number, string action, DateTimeOffset at, object? extra = null)
    {
        var (lon, lat) = api.City.WestPoint;
        var body = new Dictionary<string, object?> { ["action"] = action, ["at"] = at, ["note"] = "ok", ["lon"] = lon, ["lat"] = lat, ["unit"] = "城管执法一中队" };
        if (extra is not null) foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var r = await api.Dispatcher.PostAsJsonAsync($"/api/cases/{number}/actions", body);
        Assert.True(r.IsSuccessStatusCode, $"{action}: {await r.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Measures_match_hand_computed_values()
    {
        await api.Ready();
        api.Clock.SetUtcNow(T(18, 0));
        // Street vending: dispatch within 10 min, feedback within 1 working day, closing within 4 working hours (due 15:30).
        var a = await Open("E0502", "patrol");
        foreach (var (action, at) in new[] { ("accept", T(10, 5)), ("dispatch", T(10, 6)), ("arrive", T(10, 20)), ("feedback", T(10, 40)), ("verify", T(10, 50)) })
            await Act(a, action, at);
        await Act(a, "close", T(11, 0), new { satisfaction = 4 });

        var b = await Open("E0502", "patrol");
        foreach (var (action, at) in new[] { ("accept", T(10, 12)), ("dispatch", T(10, 13)), ("return", T(10, 14)), ("dispatch", T(10, 15)), ("arrive", T(10, 30)),
                     ("feedback", T(11, 0)), ("rework", T(11, 10)), ("arrive", T(11, 20)), ("feedback", T(11, 30)), ("verify", T(11, 40)) })
            await Act(b, action, at);
        await Act(b, "close", T(16, 0), new { satisfaction = 2 });

        var c = await Open("E0502", "resident");
        await Act(c, "accept", T(10, 3));
        await Act(c, "dispatch", T(10, 5));

        var d = await Open("E0502", "patrol");
        await Act(d, "reject", T(10, 5));

        var rows = JsonDocument.Parse(await api.Dispatcher.GetStringAsync(
            $"/api/stats/cases?by=district&from={Uri.EscapeDataString(T(0, 0).ToString("O"))}&to={Uri.EscapeDataString(T(23, 0).ToString("O"))}")).RootElement;
        var m = Assert.Single(rows.EnumerateArray());
        double? R(string name) => m.GetProperty(name).ValueKind == JsonValueKind.Null ? null : m.GetProperty(name).GetDouble();
        Assert.Equal("310101", m.GetProperty("key").GetString());
        Assert.Equal(4, m.GetProperty("cases").GetInt32());
        Assert.Equal(3, m.GetProperty("accepted").GetInt32());
        Assert.Equal(0.6667, R("onTimeAcceptanceRate"));      // A 10:05 and C 10:03 by 10:10; B 10:12 late
        Assert.Equal(0.6667, R("onTimeDispatchRate"));        // first dispatch: A 10:06, C 10:05 on time; B 10:13 late
        Assert.Equal(4, m.GetProperty("dispatches").GetInt32()); // A 1, B 2, C 1
        Assert.Equal(0.75, R("accurateDispatchRate"));         // one of four returned
        Assert.Equal(2, m.GetProperty("handlingDue").GetInt32()); // A and B handled; C's feedback is due tomorrow
        Assert.Equal(1.0, R("handlingRate"));
        Assert.Equal(1.0, R("onTimeHandlingRate"));
        Assert.Equal(3, m.GetProperty("closingDue").GetInt32()); // A, B closed; C due 15:30 and still open; D rejected
        Assert.Equal(0.6667, R("closureRate"));
        Assert.Equal(0.3333, R("onTimeClosureRate"));           // only A by 15:30
        Assert.Equal(1, m.GetProperty("overdueClosures").GetInt32());
        Assert.Equal(1, m.GetProperty("reworks").GetInt32());
        Assert.Equal(0.5, R("reworkRate"));                     // B of the two closed
        Assert.Equal(3.5, R("averageHours"));                   // A 1 h, B 6 h
        Assert.Equal(3.5, R("medianHours"));
        Assert.Equal(1.0, R("firstContactRate"));               // C, the one public report, accepted within 10 min
        Assert.Equal(3.0, R("satisfaction"));
        Assert.Equal(0.75, R("patrolShare"));
        Assert.Equal(0.25, R("publicShare"));
        Assert.Equal(1, m.GetProperty("redNow").GetInt32());    // C is past its closing deadline

        // Per role: the dispatch desk accepted A, B and C and dispatched them; two of three on time each.
        var dispatchers = JsonDocument.Parse(await api.Dispatcher.GetStringAsync(
            $"/api/stats/cases?by=dispatcher&from={Uri.EscapeDataString(T(0, 0).ToString("O"))}")).RootElement;
        var desk = dispatchers.EnumerateArray().Single(r => r.GetProperty("key").GetString() == "dispatch desk");
        Assert.Equal(3, desk.GetProperty("cases").GetInt32());
        Assert.Equal(0.6667, desk.GetProperty("onTimeDispatchRate").GetDouble());

        var csv = await api.Dispatcher.GetStringAsync($"/api/stats/cases?by=unit&format=csv&from={Uri.EscapeDataString(T(0, 0).ToString("O"))}");
        Assert.StartsWith("\uFEFFKey,Cases,Accepted", csv);
        Assert.Contains("城管执法一中队", csv);
    }
}
