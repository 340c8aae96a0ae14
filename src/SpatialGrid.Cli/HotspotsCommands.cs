using System.CommandLine;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Union;
using Spectre.Console;
using SpatialGrid.Core.Geo;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid hotspots backtest</c>: the hotspot engine on a city's own files, without the service: events from CSV, cells
/// from a polygon file or a lattice over a boundary, every method judged on the same days.
/// </summary>
public static class HotspotsCommands
{
    public static Command Create()
    {
        var hotspots = new Command("hotspots", "Hotspot risk: back-test the model and its baselines on your own history");
        hotspots.Subcommands.Add(BacktestCommand());
        return hotspots;
    }

    private static Command BacktestCommand()
    {
        var events = new Option<FileInfo[]>("--events") { Description = "CSV file(s) of dated events with longitude, latitude and a class (give the option again for more files)", Required = true, AllowMultipleArgumentsPerToken = true };
        var cells = new Option<FileInfo?>("--cells") { Description = "A GeoJSON FeatureCollection of polygons: the cells (grids, beats, any areas)" };
        var cellId = new Option<string?>("--cell-id") { Description = "The property holding each cell's id (default: the feature id, else code, id, name, else the feature's position)" };
        var lattice = new Option<double?>("--lattice") { Description = "Instead of --cells: a square lattice of this many metres over --boundary" };
        var boundary = new Option<FileInfo?>("--boundary") { Description = "A GeoJSON polygon file whose union bounds the lattice" };
        var testDays = new Option<int>("--test-days") { Description = "Days judged, the last of the period", DefaultValueFactory = _ => 60 };
        var horizon = new Option<int>("--horizon") { Description = "Days forecast at once, 1 to 28: 1 (daily), 7 (weekly, the NIJ challenge's), 28 (4-weekly)", DefaultValueFactory = _ => 1 };
        var refit = new Option<int>("--refit-every") { Description = "Refit the model (and retune the KDE) every this many test days, on the days before", DefaultValueFactory = _ => 7 };
        var classes = new Option<int>("--major-classes") { Description = "Classes kept apart in the features, 0 to 20 (the rest are 'other'; 0: all events as one class)", DefaultValueFactory = _ => 6 };
        var dateCol = new Option<string?>("--date-column") { Description = "The date column (default: date, day, datetime, created…)" };
        var lonCol = new Option<string?>("--lon-column") { Description = "The longitude column (default: lon, longitude, lng, x)" };
        var latCol = new Option<string?>("--lat-column") { Description = "The latitude column (default: lat, latitude, y)" };
        var classCol = new Option<string?>("--class-column") { Description = "The class column (default: class, category, primary_type, type…)" };
        var timeCol = new Option<string?>("--time-column") { Description = "The time-of-day column, read when the date has no time (default: time, time_of_day…)" };
        var shifts = new Option<string?>("--shifts")
        {
            Description = $"Judge cell × shift instead of cell × day: the shifts as local start times or ranges (default {ShiftSpec.DefaultText}; e.g. 06:00-14:00,14:00-22:00,22:00-06:00). Every event needs a time of day",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var skipBad = new Option<bool>("--skip-bad-rows") { Description = "Leave out rows with a bad date or place (counted) instead of stopping" };
        var noModel = new Option<bool>("--baselines-only") { Description = "Only the baselines and the ceiling (fast)" };
        var validation = new Option<int>("--validation-days") { Description = "Days before each origin on which the model's trainer, settings and shrinkage are chosen", DefaultValueFactory = _ => new BoostedOptions().ValidationDays };
        var patrols = new Option<FileInfo?>("--patrols") { Description = "A CSV of patrol minutes per cell and day (columns cell, date, minutes; the cell's id as --cells names it, on a lattice column_row from the south-west): the model gets patrol-effort features and the report says how much of its gain they account for" };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the report as JSON (table, test days, choices)" };
        var cmd = new Command("backtest", "Rolling-origin back-test of the model against yesterday's counts, window means, KDEs, prospective hotspotting and the intensity ceiling: hit rate, PAI and PEI at 1, 5 and 10 % of area")
        {
            events, cells, cellId, lattice, boundary, testDays, horizon, refit, classes, dateCol, lonCol, latCol, classCol, timeCol, skipBad, noModel, validation, patrols,
            shifts, output,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                if (parse.GetValue(classes) is < 0 or > 20) { AnsiConsole.MarkupLine("[red]--major-classes must be 0 to 20[/] (classes kept apart in the features; the rest are 'other')"); return 2; }
                if (parse.GetValue(events)!.Select(f => f.FullName).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]--events names {twice.Key} twice[/]: its events would count twice");
                    return 2;
                }
                var shiftSpec = parse.GetResult(shifts) is null ? null : ShiftSpec.Parse(parse.GetValue(shifts) is { Length: > 0 } text ? text : ShiftSpec.DefaultText);
                var cellSet = ReadCells(parse.GetValue(cells), parse.GetValue(cellId), parse.GetValue(lattice), parse.GetValue(boundary));
                var columns = new EventColumns(parse.GetValue(dateCol), parse.GetValue(lonCol), parse.GetValue(latCol), parse.GetValue(classCol), parse.GetValue(timeCol));
                var all = new List<HotspotEvent>();
                foreach (var f in parse.GetValue(events)!)
                {
                    if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
                    var table = CsvTable.Read(f.FullName);
                    var read = EventsCsv.Parse(table.Header, table.Rows, columns);
                    if (read.Problems.Count > 0 && (read.Events.Count == 0 || !parse.GetValue(skipBad)))
                        return PositionUpload.PrintProblems($"{f.Name} cannot be used{(read.BadRows > 0 ? $" ({read.BadRows:N0} bad rows; --skip-bad-rows leaves them out)" : "")}", read.Problems, "nothing was run");
                    if (read.BadRows > 0) AnsiConsole.MarkupLineInterpolated($"[yellow]{f.Name}: {read.BadRows:N0} bad rows left out[/]");
                    if (read.BadTimes > 0) AnsiConsole.MarkupLineInterpolated($"[yellow]{f.Name}: {read.BadTimes:N0} rows have a time that cannot be read and count as events without a time ({read.FirstBadTime})[/]");
                    all.AddRange(read.Events);
                }
                var located = EventTable.Locate(cellSet, all, parse.GetValue(classes));
                AnsiConsole.MarkupLineInterpolated($"{located.Count:N0} events in {cellSet.Count:N0} cells over {located.Days} days from {located.FirstDay:yyyy-MM-dd}; {located.Outside:N0} outside every cell left out; classes: {string.Join(", ", located.Classes)}");
                DailySeries? minutes = null;
                if (parse.GetValue(patrols) is { } pf)
                {
                    if (!pf.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {pf.FullName}"); return 2; }
                    var table = CsvTable.Read(pf.FullName);
                    var read = PatrolCsv.Parse(table.Header, table.Rows, cellSet, located);
                    if (read.Minutes is null || (read.Problems.Count > 0 && !parse.GetValue(skipBad)))
                        return PositionUpload.PrintProblems($"{pf.Name} cannot be used{(read.BadRows > 0 ? $" ({read.BadRows:N0} bad rows; --skip-bad-rows leaves them out)" : "")}", read.Problems, "nothing was run");
                    minutes = read.Minutes;
                    AnsiConsole.MarkupLineInterpolated($"{read.TotalMinutes:N0} patrol minutes from {pf.Name}{(read.BadRows > 0 ? $"; {read.BadRows:N0} bad rows left out" : "")}{(read.OutsidePeriod > 0 ? $"; {read.OutsidePeriod:N0} rows outside the events' period left out" : "")}");
                }
                var data = new HotspotData(cellSet, located) { PatrolMinutes = minutes };
                var options = new BacktestOptions
                {
                    TestDays = parse.GetValue(testDays), Horizon = parse.GetValue(horizon), RefitEveryDays = parse.GetValue(refit),
                    IncludeModel = !parse.GetValue(noModel),
                    Model = new BoostedOptions { ValidationDays = parse.GetValue(validation) },
                };
                BacktestReport? report = null;
                AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .Start(progress =>
                    {
                        var task = progress.AddTask("back-test", maxValue: options.TestDays);
                        report = Backtest.Run(data, shiftSpec, options, new Progress(task));
                        task.Value = task.MaxValue;
                    });
                Print(report!);
                if (parse.GetValue(output) is { } o)
                {
                    File.WriteAllText(o.FullName, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
                    AnsiConsole.MarkupLineInterpolated($"report written to {o.FullName}");
                }
                AnsiConsole.MarkupLineInterpolated($"done in {clock.Elapsed.TotalSeconds:0.0} s");
                return 0;
            }
            catch (HotspotInputException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]cannot back-test:[/] {e.Message}");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>Spectre's task updated from the back-test's own thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class Progress(ProgressTask task) : IProgress<(int Done, int Total, string What)>
    {
        public void Report((int Done, int Total, string What) value)
        {
            task.Value = value.Done;
            task.Description = Markup.Escape(value.What);
        }
    }

    private static void Print(BacktestReport r)
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        AnsiConsole.MarkupLineInterpolated($"[bold]{r.TestDays.Count} test days[/] {r.TestDays[0]:yyyy-MM-dd} … {r.TestDays[^1]:yyyy-MM-dd}, horizon {r.Horizon} day(s), {r.Cells:N0} cells{(r.Shifts is { } spec ? $", per shift ({spec}), pooled over every cell × shift" : "")}");
        AnsiConsole.Write(MethodTable(r.Methods.Select(m => ((string?)null, m))));
        AnsiConsole.MarkupLineInterpolated($"best baseline by PAI@5%: {r.BestBaseline}; by deviance: {r.BestDevianceBaseline}");
        if (r.PaiRatioToBest is { } ratio)
        {
            AnsiConsole.MarkupLineInterpolated($"model PAI@5% / best baseline: {ratio:0.0000} (95% day-block bootstrap {r.PaiRatioInterval?.Low:0.000}–{r.PaiRatioInterval?.High:0.000})");
            AnsiConsole.MarkupLineInterpolated($"model PAI@5% / intensity ceiling: {r.PaiRatioToCeiling:0.0000}; deviance / best baseline: {r.DevianceRatioToBest:0.0000}");
        }
        if (r.PerShift.Count > 0)
        {
            AnsiConsole.Write(MethodTable(r.PerShift.SelectMany(s => s.Methods.Select(m => ((string?)s.Shift, m)))));
            foreach (var s in r.PerShift.Where(p => p.PaiRatioToBest is not null))
                AnsiConsole.MarkupLineInterpolated($"{s.Shift}: model PAI@5% / best baseline ({s.BestBaseline}) {s.PaiRatioToBest:0.0000} (95% day-block bootstrap {s.PaiRatioInterval?.Low:0.000}–{s.PaiRatioInterval?.High:0.000}); / intensity ceiling {s.PaiRatioToCeiling:0.0000}; deviance / best baseline {s.DevianceRatioToBest:0.0000}");
        }
        AnsiConsole.MarkupLineInterpolated($"patrol effort: {r.PatrolEffort.Note}");
        var calibration = new Table().AddColumns("calibration", "tenth", "cell-days", "predicted from–to", "mean predicted", "mean observed", "observed/predicted");
        foreach (var t in r.Calibration)
        {
            foreach (var b in t.Bins)
                calibration.AddRow(b.Group == 1 ? Markup.Escape(t.Method) : "", $"{b.Group}", $"{b.CellDays:N0}", $"{b.MinPredicted:0.####}–{b.MaxPredicted:0.####}",
                    $"{b.MeanPredicted:0.0000}", $"{b.MeanObserved:0.0000}", b.ObservedOverPredicted is { } q ? $"{q:0.00}" : "–");
            calibration.AddRow("", "all", "", "", $"{t.Predicted:N0} events", $"{t.Observed:N0} events", $"error {t.Error:0.000}");
        }
        if (r.Calibration.Count > 0) AnsiConsole.Write(calibration);
        foreach (var n in r.Notes) AnsiConsole.MarkupLineInterpolated($"[grey]{n}[/]");
    }

    /// <summary>Hit rate, PAI and PEI per method; with a shift column when the rows name their shift.</summary>
    private static Table MethodTable(IEnumerable<(string? Shift, MethodSummary Method)> rows)
    {
        var list = rows.ToList();
        var shift = list.Any(r => r.Shift is not null);
        var table = new Table();
        if (shift) table.AddColumn("shift");
        table.AddColumns("method", "hit 1%", "hit 5%", "hit 10%", "PAI 1%", "PAI 5%", "PAI 10%", "PEI 5%", "deviance");
        string? previous = null;
        foreach (var (s, m) in list)
        {
            string[] cells = [Markup.Escape(m.Name), $"{m.HitRate[0]:0.000}", $"{m.HitRate[1]:0.000}", $"{m.HitRate[2]:0.000}", $"{m.Pai[0]:0.00}", $"{m.Pai[1]:0.00}", $"{m.Pai[2]:0.00}", $"{m.Pei[1]:0.000}", $"{m.Deviance:0.0000}"];
            table.AddRow(shift ? [s == previous ? "" : Markup.Escape(s ?? ""), .. cells] : cells);
            previous = s;
        }
        return table;
    }

    private static CellSet ReadCells(FileInfo? cells, string? idProperty, double? lattice, FileInfo? boundary)
    {
        if (cells is not null && lattice is not null) throw new HotspotInputException("give either --cells or --lattice with --boundary, not both");
        if (cells is not null)
        {
            // Real boundary files give one id to several polygons (a beat split by a river): they are one cell.
            var groups = ReadPolygons(cells, idProperty).GroupBy(c => c.Id, StringComparer.Ordinal).ToList();
            var merged = groups.Select(g => g.Count() == 1 ? g.First() : new HotspotCell(g.Key, UnaryUnionOp.Union(g.Select(c => c.Geometry).ToList())))
                .ToList();
            var twice = groups.Count(g => g.Count() > 1);
            var cellSet = CellSet.FromPolygons(merged);
            if (twice > 0) AnsiConsole.MarkupLineInterpolated($"[grey]{cells.Name}: polygons sharing an id are one cell ({twice} such cells)[/]");
            return cellSet;
        }
        if (lattice is null) throw new HotspotInputException("give the cells: --cells FILE.geojson, or --lattice METRES --boundary FILE.geojson");
        if (boundary is null) throw new HotspotInputException("--lattice needs --boundary FILE.geojson: the area to cover");
        var union = UnaryUnionOp.Union(ReadPolygons(boundary, null).Select(c => c.Geometry.Buffer(0)).ToList());
        return Lattice.Over(union, lattice.Value);
    }

    private static List<HotspotCell> ReadPolygons(FileInfo file, string? idProperty)
    {
        if (!file.Exists) throw new HotspotInputException($"no such file: {file.FullName}");
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
        FeatureCollection? features;
        try
        {
            using var stream = file.OpenRead();
            features = JsonSerializer.Deserialize<FeatureCollection>(stream, options);
        }
        catch (JsonException e) { throw new HotspotInputException($"{file.Name} is not GeoJSON: {e.Message}"); }
        if (features is null || features.Count == 0) throw new HotspotInputException($"{file.Name} has no features");
        var list = new List<HotspotCell>();
        var position = 0;
        foreach (var f in features)
        {
            position++;
            if (f.Geometry is not (Polygon or MultiPolygon)) throw new HotspotInputException($"feature {position} of {file.Name} is a {f.Geometry?.GeometryType ?? "feature without geometry"}, not a polygon");
            var geometry = f.Geometry.IsValid ? f.Geometry : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(f.Geometry);
            list.Add(new HotspotCell(IdOf(f, idProperty, position, file.Name), geometry));
        }
        return list;
    }

    private static string IdOf(IFeature f, string? idProperty, int position, string file)
    {
        if (idProperty is not null)
            return f.Attributes?.Exists(idProperty) == true && f.Attributes[idProperty] is { } v && v.ToString() is { Length: > 0 } s
                ? s : throw new HotspotInputException($"feature {position} of {file} has no '{idProperty}'");
        // The feature's own id (GeoJSON's top-level "id", which the reader gives as IUnique.Id), else properties.
        if (f is IUnique { Id: { } own } && own.ToString() is { Length: > 0 } ownId) return ownId;
        foreach (var name in new[] { "code", "id", "name" })
            if (f.Attributes?.Exists(name) == true && f.Attributes[name]?.ToString() is { Length: > 0 } v) return v;
        return position.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
