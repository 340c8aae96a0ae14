using Microsoft.AspNetCore.Http.HttpResults;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core;

namespace SpatialGrid.Api.Imports;

/// <summary>An uploaded file saved to a temporary path (deleted on dispose) with the other form fields.</summary>
public sealed class ReceivedUpload(IFormCollection form, string fileName, string path) : IDisposable
{
    public IFormCollection Form { get; } = form;
    public string FileName { get; } = fileName;
    public string Path { get; } = path;

    public string? Field(string name) => string.IsNullOrWhiteSpace(Form[name]) ? null : Form[name].ToString().Trim();

    public bool Flag(string name, out bool value)
    {
        value = false;
        var s = Field(name);
        return s is null || bool.TryParse(s, out value);
    }

    /// <summary>A repair tolerance in m² the import asks for (repairToleranceM2): null when absent; false when not a number ≥ 0.</summary>
    public bool RepairTolerance(out double? value)
    {
        value = null;
        var s = Field("repairToleranceM2");
        if (s is null) return true;
        if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0)
            return false;
        value = v;
        return true;
    }

    public void Dispose() => File.Delete(Path);
}

/// <summary>
/// Receives a multipart import upload within a size cap: 413 before reading when Content-Length is over the
/// cap, 413 when a chunked body runs over it, 415 for a body that is not multipart, 400 without a file in the field
/// <c>file</c> or with a file in any other field.
/// </summary>
public static class UploadReceiver
{
    /// <summary>The multipart field the file of an import travels in (README, OpenAPI, the CLI).</summary>
    public const string FieldName = "file";

    public static async Task<(ReceivedUpload? Upload, ProblemHttpResult? Problem)> ReceiveAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
            return (null, Problems.TooLarge($"the upload is {request.ContentLength:N0} bytes; the limit is {maxBytes:N0} (Grids:MaxUploadBytes)"));
        if (!request.HasFormContentType)
            return (null, Problems.Create(415, "not-multipart", "Unsupported media type", "send the file as multipart/form-data in a field named 'file'"));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Problems.TooLarge($"the upload is over the limit of {maxBytes:N0} bytes (Grids:MaxUploadBytes)")
                : Problems.BadRequest("bad-multipart", $"the multipart body cannot be read: {e.Message}"));
        }
        // The documented field only: a file under another name is most likely a client's mistake (or a second file that
        // would otherwise be taken silently for the one meant).
        var file = form.Files.GetFile(FieldName);
        var others = form.Files.Where(f => f.Name != FieldName).Select(f => StorableText.Escaped(f.Name.Length > 40 ? f.Name[..40] + "…" : f.Name)).Distinct().ToList();
        if (others.Count > 0)
        {
            return (null, Problems.BadRequest(file is null ? "missing-file" : "unexpected-file",
                $"the file goes in the field named '{FieldName}'; the form has a file in {string.Join(", ", others.Select(n => $"'{n}'"))}"));
        }
        if (file is null) return (null, Problems.BadRequest("missing-file", $"no file in the form; send it in a field named '{FieldName}'"));
        if (file.Length > maxBytes) return (null, Problems.TooLarge($"the file is {file.Length:N0} bytes; the limit is {maxBytes:N0}"));
        var temp = System.IO.Path.GetTempFileName();
        await using (var target = File.Create(temp)) await file.CopyToAsync(target, ct);
        return (new ReceivedUpload(form, file.FileName, temp), null);
    }
}
