using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>
/// <c>sgrid patrols import</c> sends a GPX track or a CSV of fixes to the service; <c>sgrid patrols teams|workers import</c>
/// registers the organisation from CSV files.
/// </summary>
public static class PatrolsCommands
{
    public static Command Create()
    {
        var patrols = new Command("patrols", "Patrols: import GPS tracks, teams and workers");
        patrols.Options.Add(ApiConnection.Api);
        patrols.Options.Add(ApiConnection.Key);
        patrols.Subcommands.Add(ImportFixes());
        patrols.Subcommands.Add(Organisation("teams", "id,name,district[,subDistrict]", ["id", "name", "district"], ["subDistrict"]));
        patrols.Subcommands.Add(Organisation("workers", "id,name,district[,team,role,deviceId] (role: grid-worker, the default, or supervisor)",
            ["id", "name", "district"], ["team", "role", "deviceId"]));
        return patrols;
    }

    private static Command ImportFixes()
    {
        var file = new Argument<FileInfo>("file") { Description = "A GPX 1.1 track (.gpx) or a CSV (.csv) with the header worker,t,lon,lat[,accuracy,speed,heading,battery]" };
        var worker = new Option<string?>("--worker") { Description = "The worker whose fixes these are (required for GPX; fills a CSV without a worker column or with empty cells)" };
        var crs = new Option<string?>("--crs") { Description = "CRS of the coordinates: EPSG:4326 (default), EPSG:4490 or GCJ-02 (most Chinese phone maps)" };
        var cmd = new Command("import", "Send the fixes of a GPX or CSV file to the service, in batches of at most 5,000") { file, worker, crs };
        cmd.SetAction(async (parse, ct) =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
            var read = PatrolFixFiles.FromFile(f, parse.GetValue(worker));
            if (read.Problems.Count > 0) return PositionUpload.PrintProblems($"{f.Name} cannot be imported", read.Problems);
            // One lane a worker, each in time order: the service walks a worker's fixes in the order they arrive.
            var lanes = read.Fixes.GroupBy(x => x.Worker).Select(g => (IReadOnlyList<PatrolFix>)g.OrderBy(x => x.T).ToList()).ToList();
            using var client = ApiConnection.Client(parse);
            var summary = await PositionUpload.SendAsync(client, lanes, parse.GetValue(crs), f.Name, parallel: 2, ct);
            if (summary is null) return 1;
            PositionUpload.Print(summary);
            return summary.Stored + summary.Repeats == 0 && summary.Refused > 0 ? 1 : 0;
        });
        return cmd;
    }

    /// <summary><c>sgrid patrols teams|workers import FILE.csv</c>: the rows posted as one array (all or nothing).</summary>
    private static Command Organisation(string what, string columns, string[] required, string[] optional)
    {
        var file = new Argument<FileInfo>("file") { Description = $"A CSV with the header {columns}" };
        var import = new Command("import", $"Create or update {what} from a CSV ({columns}); all or nothing, every problem named") { file };
        import.SetAction(async (parse, ct) =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
            var table = CsvTable.Read(f.FullName);
            if (table.Missing(required) is { Length: > 0 } missing)
                return PositionUpload.PrintProblems($"{f.Name} cannot be imported",
                    [$"the column(s) {string.Join(", ", missing)} are missing; the header has: {string.Join(", ", table.Header)}"]);
            var items = table.Rows.Select(row => required.Concat(optional).ToDictionary(c => c, c => CsvTable.Cell(row.Cells, table.Column(c)))).ToList();
            if (what == "workers") foreach (var w in items) w["role"] ??= "grid-worker";
            if (items.Count == 0) return PositionUpload.PrintProblems($"{f.Name} cannot be imported", ["it has a header but no rows"]);
            using var client = ApiConnection.Client(parse);
            var saved = 0;
            // The service takes at most 10,000 at a time; each chunk is all or nothing.
            foreach (var chunk in items.Chunk(10_000))
            {
                var response = await client.PostAsJsonAsync($"api/patrols/{what}", chunk, ct);
                if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
                saved += (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("count").GetInt32();
            }
            AnsiConsole.MarkupLineInterpolated($"[green]{saved:N0} {what} saved[/] from {f.Name}");
            return 0;
        });
        var group = new Command(what, $"Patrol {what}") { import };
        return group;
    }
}
