using System.CommandLine;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace SpatialGrid.Cli;

/// <summary>
/// Uploads an import file with a progress bar and returns the answer's JSON, or prints the problem and returns
/// null. A bare <c>.shp</c> is zipped with its sidecar files (.shx, .dbf, .prj, .cpg) first.
/// </summary>
public static class FileUpload
{
    /// <summary>--repair-tolerance of the import commands, sent as repairToleranceM2.</summary>
    public static readonly Option<double?> RepairTolerance = new("--repair-tolerance")
    {
        Description = "Area in m² a repair (--fix) may remove or add per feature (default: the service's, 10 m²); a larger change is an error",
    };

    /// <summary>The form value of --repair-tolerance, or null when not given.</summary>
    public static string? RepairToleranceField(ParseResult parse) =>
        parse.GetValue(RepairTolerance)?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<JsonElement?> SendAsync(HttpClient client, FileInfo file, string url, IReadOnlyDictionary<string, string?> fields, CancellationToken ct)
    {
        string? zipped = null;
        if (file.Extension.Equals(".shp", StringComparison.OrdinalIgnoreCase))
        {
            zipped = Path.Combine(Path.GetTempPath(), $"{Path.GetFileNameWithoutExtension(file.Name)}-{Guid.NewGuid():N}.zip");
            using (var zip = ZipFile.Open(zipped, ZipArchiveMode.Create))
            {
                foreach (var ext in new[] { ".shp", ".shx", ".dbf", ".prj", ".cpg" })
                {
                    var part = Path.ChangeExtension(file.FullName, ext);
                    if (File.Exists(part)) zip.CreateEntryFromFile(part, Path.GetFileName(part));
                }
            }
            AnsiConsole.MarkupLineInterpolated($"zipped {file.Name} with its sidecar files");
            file = new FileInfo(zipped);
        }
        try
        {
            using var form = new MultipartFormDataContent();
            foreach (var (name, value) in fields)
            {
                if (!string.IsNullOrEmpty(value)) form.Add(new StringContent(value), name);
            }
            HttpResponseMessage? response = null;
            await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var upload = progress.AddTask($"upload {file.Name}", maxValue: Math.Max(1, file.Length));
                    await using var stream = new ProgressStream(file.OpenRead(), n => upload.Increment(n));
                    var content = new StreamContent(stream);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(content, "file", file.Name);
                    var check = progress.AddTask("check and store", maxValue: 1).IsIndeterminate();
                    response = await client.PostAsync(url, form, ct);
                    upload.Value = upload.MaxValue;
                    check.IsIndeterminate(false);
                    check.Value = 1;
                });
            if (!response!.IsSuccessStatusCode)
            {
                await ApiConnection.ReportFailure(response, ct);
                return null;
            }
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        }
        finally
        {
            if (zipped is not null) File.Delete(zipped);
        }
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
