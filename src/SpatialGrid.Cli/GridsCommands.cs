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
            file, crs, codeField, nameField, kindField, leaderField, fix, publish,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var f = parse.GetValue(file)!;
            if (!f.Exists) { AnsiConsole.MarkupLineInterpolated($"[red]no such file:[/] {f.FullName}"); return 2; }
            using var client = ApiConnection.Client(parse);
            using var form = new MultipartFormDataContent();
            void Field(string name, string? value) { if (!string.IsNullOrEmpty(value)) form.Add(new StringContent(value), name); }
            Field("crs", parse.GetValue(crs));
            Field("codeField", parse.GetValue(codeField));
            Field("nameField", parse.GetValue(nameField));
            Field("kindField", parse.GetValue(kindField));
            Field("leaderField", parse.GetValue(leaderField));
            Field("fix", parse.GetValue(fix) ? "true" : null);
            Field("publish", parse.GetValue(publish) ? "true" : null);

            HttpResponseMessage? response = null;
            await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var upload = progress.AddTask($"upload {f.Name}", maxValue: f.Length);
                    await using var stream = new ProgressStream(f.OpenRead(), n => upload.Increment(n));
                    var content = new StreamContent(stream);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(content, "file", f.Name);
                    var validate = progress.AddTask("validate and store", maxValue: 1).IsIndeterminate();
                    response = await client.PostAsync("api/grids/imports", form, ct);
                    upload.Value = upload.MaxValue;
                    validate.Value = 1;
                    validate.IsIndeterminate(false);
                });
            if (!response!.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var r = doc.RootElement;
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
            var response = await client.GetAsync("api/grids/export" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode) return await ApiConnection.ReportFailure(response, ct);
            if (parse.GetValue(output) is { } o)
            {
                await using var target = o.Create();
                await response.Content.CopyToAsync(target, ct);
                AnsiConsole.MarkupLineInterpolated($"[green]wrote[/] {o.FullName} ({o.Length:N0} bytes)");
            }
            else
            {
                await using var stdout = Console.OpenStandardOutput();
                await response.Content.CopyToAsync(stdout, ct);
            }
            return 0;
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

/// <summary>A read-only stream that reports how many bytes were read, for upload progress bars.</summary>
public sealed class ProgressStream(Stream inner, Action<long> onRead) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) { var n = inner.Read(buffer, offset, count); onRead(n); return n; }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) { var n = await inner.ReadAsync(buffer, ct); onRead(n); return n; }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}
