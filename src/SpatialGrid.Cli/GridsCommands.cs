using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary><c>sgrid grids import|export|publish|locate</c>.</summary>
public static class GridsCommands
{
    public static Command Create()
    {
        var grids = new Command("grids", "The grid registry: import, publish, export, locate");
        grids.Options.Add(ApiConnection.Api);
        grids.Options.Add(ApiConnection.Key);
        grids.Subcommands.Add(Import());
        grids.Subcommands.Add(Publish());
        grids.Subcommands.Add(Export());
        grids.Subcommands.Add(Locate());
        return grids;
    }

    private static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "GeoJSON, zipped Shapefile (.zip with .shp/.shx/.dbf/.prj) or GeoPackage" };
        var crs = new Option<string?>("--crs") { Description = "Source CRS when the file declares none: EPSG:4326, EPSG:4490, EPSG:4549…, GCJ-02" };
        var codeField = new Option<string?>("--code-field") { Description = "Attribute holding the grid code (default: code, grid_code, wgbm, 网格编码…)" };
        var nameField = new Option<string?>("--name-field") { Description = "Attribute holding the name (default: name, wgmc, 网格名称…)" };
        var kindField = new Option<string?>("--kind-field") { Description = "Attribute holding comprehensive/dedicated (default: kind)" };
        var leaderField = new Option<string?>("--leader-field") { Description = "Attribute holding the grid leader (default: leader, 网格长)" };
        var fix = new Option<bool>("--fix") { Description = "Repair invalid polygons (MakeValid) and drop Z/M; each repair is reported" };
        var publish = new Option<bool>("--publish") { Description = "Publish the version at once (otherwise it stays a draft)" };
        var cmd = new Command("import", "Validate a grid file and store it as a draft version (nothing is written if any feature is wrong)")
        {
            file, crs, codeField, nameField, kindField, leaderField, fix, FileUpload.RepairTolerance, publish,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
            using var client = ApiConnection.Client(parse);
            var fields = new Dictionary<string, string?>
            {
                ["crs"] = parse.GetValue(crs),
                ["codeField"] = parse.GetValue(codeField),
                ["nameField"] = parse.GetValue(nameField),
                ["kindField"] = parse.GetValue(kindField),
                ["leaderField"] = parse.GetValue(leaderField),
                ["fix"] = parse.GetValue(fix) ? "true" : null,
                ["repairToleranceM2"] = FileUpload.RepairToleranceField(parse),
                ["publish"] = parse.GetValue(publish) ? "true" : null,
            };
            if (await FileUpload.SendAsync(client, f, "api/grids/imports", fields, ct) is not { } r) return 1;
            AnsiConsole.MarkupLineInterpolated(
                $"[green]version {ApiConnection.Str(r, "version")}[/] ({ApiConnection.Str(r, "status")}): {ApiConnection.Str(r, "features")} grids from {ApiConnection.Str(r, "crs")}, scope {string.Join(", ", r.GetProperty("scope").EnumerateArray().Select(s => s.GetString()))}");
            Findings.Print(r.GetProperty("warnings"), "Warnings");
            if (ApiConnection.Str(r, "status") == "draft")
                AnsiConsole.MarkupLineInterpolated($"publish it with: sgrid grids publish {ApiConnection.Str(r, "version")}");
            return 0;
        });
        return cmd;
    }

    private static Command Publish()
    {
        var version = new Argument<long>("version") { Description = "The draft version to publish" };
        var cmd = new Command("publish", "Publish a draft version: it becomes current and retires the grids it replaces") { version };
        cmd.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var response = await client.PostAsync($"api/grids/versions/{parse.GetValue(version)}/publish", null, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            AnsiConsole.MarkupLineInterpolated($"[green]version {parse.GetValue(version)} published[/]");
            return 0;
        });
        return cmd;
    }

    private static Command Export()
    {
        var prefix = new Option<string?>("--prefix") { Description = "Only codes starting with this (e.g. a district 310101)" };
        var level = new Option<string?>("--level") { Description = "district, subdistrict, community or grid" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write here instead of standard output" };
        var cmd = new Command("export", "Export the current grids as GeoJSON") { prefix, level, output };
        cmd.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var query = new List<string>();
            if (parse.GetValue(prefix) is { } p) query.Add($"prefix={Uri.EscapeDataString(p)}");
            if (parse.GetValue(level) is { } l) query.Add($"level={Uri.EscapeDataString(l)}");
            return await Download.ToFileOrStdout(client, "api/grids/export" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), parse.GetValue(output), ct);
        });
        return cmd;
    }

    private static Command Locate()
    {
        var lon = new Argument<double>("lon");
        var lat = new Argument<double>("lat");
        var crs = new Option<string?>("--crs") { Description = "CRS of the point (default WGS 84; GCJ-02 accepted)" };
        var at = new Option<string?>("--at") { Description = "A past moment (RFC 3339): which grid held the point then" };
        var cmd = new Command("locate", "Which grid holds a point") { lon, lat, crs, at };
        cmd.SetAction(async (parse, ct) =>
        {
            using var client = ApiConnection.Client(parse);
            var url = FormattableString.Invariant($"api/grids/locate?lon={parse.GetValue(lon)}&lat={parse.GetValue(lat)}");
            if (parse.GetValue(crs) is { } c) url += "&crs=" + Uri.EscapeDataString(c);
            if (parse.GetValue(at) is { } a) url += "&at=" + Uri.EscapeDataString(a);
            var response = await client.GetAsync(url, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            foreach (var step in doc.RootElement.GetProperty("path").EnumerateArray())
                AnsiConsole.MarkupLineInterpolated($"{ApiConnection.Str(step, "level"),-12} {ApiConnection.Str(step, "code"),-16} {ApiConnection.Str(step, "name")}");
            return 0;
        });
        return cmd;
    }
}

