using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Spectre.Console;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid demo patrols</c>: registers the demo teams, workers, shifts and roster of a district's responsibility grids
/// and sends the week's fixes (<see cref="DemoPatrolWeek"/>), all through the API.
/// </summary>
public static class DemoPatrolsCommand
{
    public static Command Create()
    {
        var tracks = new Option<DirectoryInfo>("--tracks")
        {
            Description = "The GeoLife .plt files to walk",
            DefaultValueFactory = _ => new DirectoryInfo("gis-data/demo/patrols/geolife"),
        };
        var days = new Option<int>("--days") { Description = "Days of patrols, ending today (at most 30: older fixes are refused)", DefaultValueFactory = _ => 7 };
        var every = new Option<int>("--every") { Description = "Seconds between the fixes kept of each trajectory", DefaultValueFactory = _ => 30 };
        var district = new Option<string>("--district") { Description = "The district whose responsibility grids are patrolled", DefaultValueFactory = _ => "310101" };
        var cmd = new Command("patrols", "Load a week of patrols on the demo city: generated teams, workers and shifts walking real GeoLife trajectories")
        {
            tracks, days, every, district,
        };
        cmd.Options.Add(ApiConnection.Api);
        cmd.Options.Add(ApiConnection.Key);
        cmd.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var folder = parse.GetValue(tracks)!;
            var files = folder.Exists ? folder.GetFiles("*.plt").OrderBy(f => f.Name, StringComparer.Ordinal).ToList() : [];
            if (files.Count == 0) { AnsiConsole.MarkupLineInterpolated($"[red]no .plt files in[/] {folder.FullName}"); return 2; }
            if (parse.GetValue(days) is < 1 or > 30) { AnsiConsole.MarkupLine("[red]--days must be 1 to 30[/]"); return 2; }
            using var client = ApiConnection.Client(parse);
            var communities = await CommunitiesAsync(client, parse.GetValue(district)!, ct);
            if (communities is null) return 1;
            if (communities.Count == 0) { AnsiConsole.MarkupLineInterpolated($"[red]no responsibility grids under {parse.GetValue(district)}[/]: load the demo city first"); return 1; }

            var plan = DemoPatrolWeek.Build(communities, files.Select(f => DemoPatrolWeek.ReadPlt(f.FullName)).ToList(),
                parse.GetValue(days), DateTimeOffset.Now, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(every))));
            foreach (var (path, items) in new (string, object)[]
                     { ("teams", plan.Teams), ("workers", plan.Workers), ("shifts", plan.Shifts), ("roster", plan.Roster) })
            {
                var response = await client.PostAsJsonAsync($"api/patrols/{path}", items, ct);
                if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            }
            AnsiConsole.MarkupLineInterpolated(
                $"{plan.Teams.Count} teams, {plan.Workers.Count} workers, {plan.Shifts.Count} shifts over {communities.Sum(c => c.Grids.Length)} grids, {plan.Roster.Count} roster entries (all generated, named 演示…)");
            var summary = await PositionUpload.SendAsync(client, plan.Lanes.Select(l => (IReadOnlyList<PatrolFix>)l).ToList(), null,
                $"{files.Count} GeoLife trajectories", parallel: 4, ct);
            if (summary is null) return 1;
            PositionUpload.Print(summary);
            AnsiConsole.MarkupLineInterpolated($"the demo patrols took {clock.Elapsed.TotalSeconds:0.0} s");
            return 0;
        });
        return cmd;
    }

    /// <summary>The district's responsibility grids (15-digit codes) grouped by community, with the community's area (their union).</summary>
    private static async Task<List<DemoPatrolWeek.Community>?> CommunitiesAsync(HttpClient client, string district, CancellationToken ct)
    {
        var response = await client.GetAsync($"api/grids/export?prefix={Uri.EscapeDataString(district)}&level=grid", ct);
        if (!response.IsSuccessStatusCode) { await ApiConnection.ReportFailure(response, ct); return null; }
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var grids = (await JsonSerializer.DeserializeAsync<FeatureCollection>(stream, options, ct))!
            .Select(f => (Code: f.Attributes["code"].ToString()!, f.Geometry)).Where(g => g.Code.Length == 15).ToList();
        return grids.GroupBy(g => g.Code[..12]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var area = NetTopologySuite.Operation.Union.UnaryUnionOp.Union(g.Select(x => x.Geometry).ToList());
            return new DemoPatrolWeek.Community(g.Key, area, g.Select(x => x.Code).Order(StringComparer.Ordinal).ToArray());
        }).ToList();
    }
}
