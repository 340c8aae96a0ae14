using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SpatialGrid.Api.Cases;

namespace SpatialGrid.Api.Tests.Cases;

/// <summary>The colour sweep announces each crossing once; the event stream carries creations, transitions and crossings.</summary>
public class CaseEventTests(CaseFixture api) : IClassFixture<CaseFixture>
{
    private async Task<string> Open(string description)
    {
        var (lon, lat) = api.City.WestPoint;
        var created = await api.Dispatcher.PostAsJsonAsync("/api/cases", new { classCode = "E0502", description, lon, lat });
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("case").GetProperty("number").GetString()!;
    }

    [Fact]
    public async Task The_sweep_announces_yellow_then_red_once_each_and_the_stream_carries_them()
    {
        await api.Ready();
        using var stream = await api.Dispatcher.GetAsync("/api/events?district=310101", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());

        var number = await Open("sweep: 占道经营");
        var sweep = api.Factory.Services.GetRequiredService<ColourSweep>();
        Assert.Empty(await sweep.RunAsync(CancellationToken.None));

        api.Clock.Advance(TimeSpan.FromMinutes(8));
        var yellow = await sweep.RunAsync(CancellationToken.None);
        Assert.Equal([(number, "yellow")], yellow.Select(n => (n.Number, n.Colour)));
        Assert.Empty(await sweep.RunAsync(CancellationToken.None));

        api.Clock.Advance(TimeSpan.FromMinutes(3));
        var red = await sweep.RunAsync(CancellationToken.None);
        Assert.Equal([(number, "red")], red.Select(n => (n.Number, n.Colour)));
        Assert.Empty(await sweep.RunAsync(CancellationToken.None));

        // The stream saw the creation and both crossings, in order.
        var seen = new List<(string Kind, string Data)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? kind = null;
        while (seen.Count < 3)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            if (line is null) break;
            if (line.StartsWith("event: ")) kind = line[7..];
            else if (line.StartsWith("data: ") && kind is not null) seen.Add((kind, line[6..]));
        }
        Assert.Equal(["created", "colour", "colour"], seen.Select(s => s.Kind));
        Assert.All(seen, s => Assert.Contains(number, s.Data));
        Assert.Contains("\"colour\":\"red\"", seen[2].Data);
    }
}
