using System.CommandLine;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary><c>sgrid components import|export</c>.</summary>
public static class ComponentsCommands
{
    public static Command Create()
    {
        var components = new Command("components", "The component inventory (部件): import and export");
        components.Options.Add(ApiConnection.Api);
        components.Options.Add(ApiConnection.Key);

        var file = new Argument<FileInfo>("file") { Description = "GeoJSON, Shapefile (.shp with its sidecars, or a .zip) or GeoPackage" };
        var cls = new Option<string?>("--class") { Description = "4-digit class of every feature (e.g. 0101); otherwise each feature's 'class' property" };
        var crs = new Option<string?>("--crs") { Description = "Source CRS when the file declares none: EPSG:4326, EPSG:4490, EPSG:4549…, GCJ-02" };
        var fix = new Option<bool>("--fix") { Description = "Repair invalid geometries (MakeValid) and drop Z/M; each repair is reported" };
        var import = new Command("import", "Check a component file and store it with its grid links (nothing is written if any feature is wrong)") { file, cls, crs, fix, FileUpload.RepairTolerance };
        import.SetAction(async (parse, ct) =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
            using var client = ApiConnection.Client(parse);
            var fields = new Dictionary<string, string?> { ["class"] = parse.GetValue(cls), ["crs"] = parse.GetValue(crs), ["fix"] = parse.GetValue(fix) ? "true" : null,
                ["repairToleranceM2"] = FileUpload.RepairToleranceField(parse) };
            if (await FileUpload.SendAsync(client, f, "api/components/imports", fields, ct) is not { } r) return 1;
            AnsiConsole.MarkupLineInterpolated($"[green]{ApiConnection.Str(r, "imported")} components imported[/] from {ApiConnection.Str(r, "crs")}, {ApiConnection.Str(r, "outside")} outside every grid");
            Findings.Print(r.GetProperty("warnings"), "Warnings");
            return 0;
        });
        components.Subcommands.Add(import);

        var exportClass = new Option<string?>("--class") { Description = "Only this class (4 digits) or major class (2 digits)" };
        var grid = new Option<string?>("--grid") { Description = "Only components in this grid and the grids below it ('none': outside every grid)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write here instead of standard output" };
        var export = new Command("export", "Export components as GeoJSON") { exportClass, grid, output };
        export.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var query = new List<string>();
            if (parse.GetValue(exportClass) is { } c) query.Add("class=" + Uri.EscapeDataString(c));
            if (parse.GetValue(grid) is { } g) query.Add("grid=" + Uri.EscapeDataString(g));
            return await Download.ToFileOrStdout(client, "api/components/export" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), parse.GetValue(output), ct);
        });
        components.Subcommands.Add(export);
        return components;
    }
}

/// <summary>Streams a GET answer to a file or standard output.</summary>
public static class Download
{
    public static async Task<int> ToFileOrStdout(HttpClient client, string url, FileInfo? output, CancellationToken ct)
    {
        var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
        if (output is not null)
        {
            await using (var target = output.Create()) await response.Content.CopyToAsync(target, ct);
            output.Refresh();
            AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {output.FullName} ({output.Length:N0} bytes)");
        }
        else
        {
            await using var stdout = Console.OpenStandardOutput();
            await response.Content.CopyToAsync(stdout, ct);
        }
        return 0;
    }
}
