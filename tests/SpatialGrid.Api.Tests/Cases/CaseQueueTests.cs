using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>What the command centre signs in with (<c>/api/session</c>) and its queue's counts (<c>/api/cases/counts</c>).</summary>
public sealed class CaseQueueTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private async Task<string> Open(string classCode, string description)
    {
        var (lon, lat) = api.City.WestPoint;
        var r = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode, description, lon, lat });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    private async Task<JsonElement> Counts(string query = "") => JsonDocument.Parse(await api.Dispatcher.GetStringAsync($"/api/cases/counts{query}")).RootElement;

    [Fact]
    public async Task The_counts_per_state_and_colour_follow_the_lists_filters()
    {
        await api.Ready();
        var a = await Open("E0502", "queue: 占道经营 one");
        await Open("E0502", "queue: 占道经营 two");
        var c = await Open("E0101", "queue: 暴露垃圾");
        Assert.Equal(HttpStatusCode.OK, (await api.Dispatcher.PostAsJsonAsync($"/api/cases/{a}/actions", new { action = "accept" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Dispatcher.PostAsJsonAsync($"/api/cases/{c}/actions", new { action = "reject", note = "not ours" })).StatusCode);

        // Three cases: one accepted, one reported, one rejected; none has reached a deadline at the fixture's clock, and the
        // rejected one has no deadline running: two are green.
        var all = await Counts("?q=queue:");
        Assert.Equal(3, all.GetProperty("total").GetInt64());
        Assert.Equal((1, 1, 1, 0), (all.GetProperty("states").GetProperty("reported").GetInt64(), all.GetProperty("states").GetProperty("accepted").GetInt64(),
            all.GetProperty("states").GetProperty("rejected").GetInt64(), all.GetProperty("states").GetProperty("closed").GetInt64()));
        Assert.Equal((2, 0, 0), (all.GetProperty("colours").GetProperty("green").GetInt64(), all.GetProperty("colours").GetProperty("yellow").GetInt64(),
            all.GetProperty("colours").GetProperty("red").GetInt64()));
        // The same filters as the list: class prefix, open, text; the list's total agrees.
        Assert.Equal(2, (await Counts("?q=queue:&class=E05")).GetProperty("total").GetInt64());
        Assert.Equal(2, (await Counts("?q=queue:&state=open")).GetProperty("total").GetInt64());
        var listed = JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/api/cases?q=queue:&state=open")).RootElement.GetProperty("total").GetInt32();
        Assert.Equal(2, listed);

        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/cases/counts?state=lost"), HttpStatusCode.BadRequest, "bad-state");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/cases/counts?colour=blue"), HttpStatusCode.BadRequest, "bad-colour");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/cases/counts?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z"), HttpStatusCode.BadRequest, "bad-range");
        await Problem.ExpectAsync(await api.Dispatcher.GetAsync("/api/cases?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z"), HttpStatusCode.BadRequest, "bad-range");
    }

    [Fact]
    public async Task The_session_names_the_caller_and_the_citys_clock_and_a_wrong_key_is_refused_with_the_reason()
    {
        await api.Ready();
        var s = JsonDocument.Parse(await api.Dispatcher.GetStringAsync("/api/session")).RootElement;
        Assert.Equal("dispatch desk", s.GetProperty("name").GetString());
        Assert.Equal(["dispatcher"], s.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.True(s.GetProperty("cityWide").GetBoolean());
        Assert.Equal(8, s.GetProperty("utcOffsetHours").GetDouble());

        var wrong = await api.WithKey("sgk_0123456789abcdef_wrongwrongwrongwrong").GetAsync("/api/session");
        var problem = await Problem.ExpectAsync(wrong, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("key", problem.Detail);
        // Without a key there is nobody to name, whatever anonymous reads allow.
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous.GetAsync("/api/session")).StatusCode);
    }

    private static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    [Fact]
    public async Task Cases_in_one_square_of_a_tile_are_one_point_with_their_count_below_zoom_15_and_apart_from_15_on()
    {
        await api.Ready();
        // Two cases 10 m apart (one 32-px square at zoom 12 is some 1.2 km), one of them overdue-looking by class only.
        var (lon, lat) = api.City.EastPoint;
        var numbers = new List<string>();
        foreach (var dx in new[] { 0.0, 0.0001 })
        {
            var r = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0101", description = "cluster test", lon = lon + dx, lat });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            numbers.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!);
        }
        var (x16, y16) = Tile(lon, lat, 16);
        var near = System.Text.Encoding.UTF8.GetString(await api.Dispatcher.GetByteArrayAsync($"/tiles/cases/16/{x16}/{y16}.mvt"));
        Assert.All(numbers, n => Assert.Contains(n, near));
        var (x12, y12) = Tile(lon, lat, 12);
        var far = await api.Dispatcher.GetByteArrayAsync($"/tiles/cases/12/{x12}/{y12}.mvt");
        var text = System.Text.Encoding.UTF8.GetString(far);
        Assert.All(numbers, n => Assert.DoesNotContain(n, text));
        Assert.Contains("count", text);
    }
}
