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
/// <c>sgrid demo cases</c>: a generated history of closed cases on the demo city (<see cref="DemoCaseHistory"/>), each
/// opened with its past report time and taken through the standard's loop to closure by the API, then a hotspot model
/// trained on it, so that the risk layer and the patrol plans have something to show.
/// </summary>
public static class DemoCasesCommand
{
    public static Command Create()
    {
        var days = new Option<int>("--days") { Description = "Days of history, ending yesterday (the API must allow backdating that far: Cases:MaxBackdateDays)", DefaultValueFactory = _ => 90 };
        var perDay = new Option<double>("--per-day") { Description = "Mean cases a day over the district's grids", DefaultValueFactory = _ => 15 };
        var district = new Option<string>("--district") { Description = "The district whose responsibility grids get the history", DefaultValueFactory = _ => "310101" };
        var train = new Option<bool>("--train") { Description = "Train and score hotspot risk for today afterwards", DefaultValueFactory = _ => true };
        var csv = new Option<FileInfo?>("--csv") { Description = "Write the generated history to this CSV (date,time,lon,lat,class,grid) instead of loading it, and beside it FILE.patrols.csv (grid,date,minutes: patrols planned from the past 28 days' cases): for sgrid hotspots backtest" };
        var gridFile = new Option<FileInfo?>("--grids") { Description = "With --csv: take the responsibility grids from this GeoJSON (e.g. gis-data/demo/shanghai-grids.geojson) instead of the API, and write them beside the CSV as FILE.cells.geojson" };
        var seed = new Option<int>("--seed") { Description = "The generator's seed: another seed is another city's history (other hot grids, other days), for judging the hotspot model where it was never tuned", DefaultValueFactory = _ => 2026 };
        var until = new Option<DateOnly?>("--until") { Description = "The history's last day (the city's date, yyyy-MM-dd; default yesterday): with the same seed, the same history whatever day it is made (the days' weekdays shape it), so a back-test's table can be made again" };
        var cmd = new Command("cases", "Load a generated history of closed cases on the demo city (marked as generated) and train hotspot risk on it") { days, perDay, district, train, csv, gridFile, seed, until };
        cmd.Options.Add(ApiConnection.Api);
        cmd.Options.Add(ApiConnection.Key);
        cmd.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(days) is < 1 or > 400) { AnsiConsole.MarkupLine("[red]--days must be 1 to 400[/]"); return 2; }
            if (parse.GetValue(perDay) is not (> 0 and <= 1000)) { AnsiConsole.MarkupLine("[red]--per-day must be above 0 and at most 1000[/]"); return 2; }
            using var client = ApiConnection.Client(parse);
            var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
            FeatureCollection collection;
            if (parse.GetValue(gridFile) is { } source)
            {
                if (parse.GetValue(csv) is null) { AnsiConsole.MarkupLine("[red]--grids goes with --csv[/] (loading through the API takes the API's grids)"); return 2; }
                if (!source.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {source.FullName}"); return 2; }
                await using var stream = source.OpenRead();
                try
                {
                    collection = await JsonSerializer.DeserializeAsync<FeatureCollection>(stream, options, ct)
                        ?? throw new JsonException("the file holds null");
                }
                catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{source.Name} is not a GeoJSON FeatureCollection of grids:[/] {e.Message}");
                    return 2;
                }
            }
            else
            {
                var export = await client.GetAsync($"api/grids/export?prefix={Uri.EscapeDataString(parse.GetValue(district)!)}&level=grid", ct);
                if (!export.IsSuccessStatusCode) return await ApiConnection.ReportFailure(export, ct);
                collection = (await JsonSerializer.DeserializeAsync<FeatureCollection>(await export.Content.ReadAsStreamAsync(ct), options, ct))!;
            }
            var prefix = parse.GetValue(district)!;
            var kept = collection.Where(f => f.Attributes?.GetOptionalValue("code")?.ToString() is { Length: 15 } code && code.StartsWith(prefix, StringComparison.Ordinal)
                && f.Geometry is Polygon or MultiPolygon && f.Attributes.GetOptionalValue("kind")?.ToString() is null or "comprehensive").ToList();
            var grids = kept.Select(f => (f.Attributes["code"].ToString()!, f.Geometry)).ToList();
            if (grids.Count == 0)
            {
                if (parse.GetValue(gridFile) is { } from)
                    AnsiConsole.MarkupLineInterpolated($"[red]no responsibility grids under {prefix} in {from.Name}[/]: it needs polygons with a 15-digit 'code' starting with the district (--district), as gis-data/demo/shanghai-grids.geojson has");
                else AnsiConsole.MarkupLineInterpolated($"[red]no responsibility grids under {prefix}[/]: load the demo city first");
                return parse.GetValue(gridFile) is null ? 1 : 2;
            }
            if (parse.GetValue(csv) is { Directory: { Exists: false } missing })
            {
                AnsiConsole.MarkupLineInterpolated($"[red]no such folder for --csv:[/] {missing.FullName}");
                return 2;
            }

            var offset = TimeSpan.FromHours(8);
            var cityToday = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(offset).DateTime);
            if (parse.GetValue(until) is { } last && last >= cityToday)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--until {last:yyyy-MM-dd} is not a past day[/] (the city's today is {cityToday:yyyy-MM-dd}): a history of closed cases cannot reach into today or beyond");
                return 2;
            }
            var today = parse.GetValue(until)?.AddDays(1) ?? cityToday;
            var history = DemoCaseHistory.Build(grids, parse.GetValue(days), parse.GetValue(perDay), today, offset, parse.GetValue(seed));
            if (parse.GetValue(csv) is { } file)
            {
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                await File.WriteAllLinesAsync(file.FullName, ["date,time,lon,lat,class,grid", .. history.Select(c =>
                    string.Create(inv, $"{c.ReportedAt:yyyy-MM-dd},{c.ReportedAt:HH:mm:ss},{c.Lon},{c.Lat},{c.ClassCode},{c.Grid}"))], ct);
                var cells = new FeatureCollection();
                foreach (var f in kept) cells.Add(new Feature(f.Geometry, new AttributesTable { { "code", f.Attributes["code"] } }));
                await File.WriteAllTextAsync(file.FullName + ".cells.geojson", JsonSerializer.Serialize(cells, options), ct);
                var patrols = DemoCaseHistory.Patrols(grids.Select(g => g.Item1).ToList(), history, parse.GetValue(days), today);
                await File.WriteAllLinesAsync(file.FullName + ".patrols.csv", ["grid,date,minutes", .. patrols.Select(p =>
                    string.Create(inv, $"{p.Grid},{p.Day:yyyy-MM-dd},{p.Minutes}"))], ct);
                AnsiConsole.MarkupLineInterpolated($"{history.Count:N0} generated cases over {parse.GetValue(days)} days in {grids.Count} grids written to {file.FullName} (cells: {file.Name}.cells.geojson; patrol minutes: {file.Name}.patrols.csv)");
                return 0;
            }
            var failures = new List<string>();
            var done = 0;
            await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{history.Count:N0} cases opened and closed", maxValue: history.Count);
                    await Parallel.ForEachAsync(history, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (c, token) =>
                    {
                        var problem = await LoopAsync(client, c, token);
                        lock (failures) { if (problem is not null && failures.Count < 10) failures.Add(problem); }
                        task.Value = Interlocked.Increment(ref done);
                    });
                });
            if (failures.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]some cases could not be loaded[/]:");
                foreach (var f in failures) AnsiConsole.MarkupLineInterpolated($"  {f}");
                return 1;
            }
            AnsiConsole.MarkupLineInterpolated($"{history.Count:N0} generated cases over {parse.GetValue(days)} days in {grids.Count} grids, closed (descriptions say 演示历史, generated)");
            if (parse.GetValue(train))
            {
                var trained = await client.PostAsync("api/hotspots/train", null, ct);
                if (!trained.IsSuccessStatusCode) return await ApiConnection.ReportFailure(trained, ct);
                var t = JsonDocument.Parse(await trained.Content.ReadAsStringAsync(ct)).RootElement;
                AnsiConsole.MarkupLineInterpolated($"hotspot model {t.GetProperty("version").GetInt64()} trained on {t.GetProperty("events").GetInt32():N0} cases and today's risk scored ({t.GetProperty("seconds").GetDouble():0.0} s)");
            }
            AnsiConsole.MarkupLineInterpolated($"the demo case history took {clock.Elapsed.TotalSeconds:0.0} s");
            return 0;
        });
        return cmd;
    }

    /// <summary>Opens the case at its past time and takes it to closure over the next hours; the problem, if a step is refused.</summary>
    private static async Task<string?> LoopAsync(HttpClient client, DemoCaseHistory.HistoricCase c, CancellationToken ct)
    {
        var opened = await client.PostAsJsonAsync("api/cases", new
        {
            classCode = c.ClassCode, description = "演示历史案件 generated demo history", lon = c.Lon, lat = c.Lat, reportedAt = c.ReportedAt, source = "patrol",
        }, ct);
        if (!opened.IsSuccessStatusCode) return $"{c.ReportedAt:O} {c.ClassCode}: {(int)opened.StatusCode} {await opened.Content.ReadAsStringAsync(ct)}";
        var number = JsonDocument.Parse(await opened.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("case").GetProperty("number").GetString()!;
        var steps = new (string Action, int Minutes)[] { ("accept", 3), ("dispatch", 8), ("arrive", 40), ("feedback", 150), ("verify", 200), ("close", 220) };
        foreach (var (action, minutes) in steps)
        {
            var r = await client.PostAsJsonAsync($"api/cases/{number}/actions", new
            {
                action, at = c.ReportedAt.AddMinutes(minutes), note = "演示 demo", unit = "城管执法中队", lon = c.Lon, lat = c.Lat,
            }, ct);
            if (!r.IsSuccessStatusCode) return $"{number} {action}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}";
        }
        return null;
    }
}
