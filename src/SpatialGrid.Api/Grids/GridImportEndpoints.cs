using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Imports;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>Imports (multipart upload → validated draft version) and the version life cycle (publish, discard).</summary>
public static class GridImportEndpoints
{
    public sealed record Finding(string Severity, string Kind, string Message, int? Feature, string? Code, double? AreaM2, Geometry? Where);
    public sealed record ImportResponse(long Version, string Status, int Features, string Crs, string[] Scope, IReadOnlyList<Finding> Warnings);
    public sealed record VersionInfo(long Id, string Status, string[] Scope, string Source, int FeatureCount, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, string? PublishedBy);

    public static Finding ToFinding(GridProblem p) =>
        new(p.Severity == Severity.Error ? "error" : "warning", p.Kind, p.Message, p.Feature, p.Code, p.AreaM2, p.Where);

    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> Import(
        HttpRequest request, GridStore store, GridRegistry registry, IOptions<GridsOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        if (request.ContentLength > o.MaxUploadBytes)
            return Problems.TooLarge($"the upload is {request.ContentLength:N0} bytes; the limit is {o.MaxUploadBytes:N0} (Grids:MaxUploadBytes)");
        if (!request.HasFormContentType)
            return Problems.Create(415, "not-multipart", "Unsupported media type", "send the file as multipart/form-data in a field named 'file'");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Problems.TooLarge($"the upload is over the limit of {o.MaxUploadBytes:N0} bytes (Grids:MaxUploadBytes)")
                : Problems.BadRequest("bad-multipart", $"the multipart body cannot be read: {e.Message}");
        }
        var file = form.Files["file"] ?? form.Files.FirstOrDefault();
        if (file is null) return Problems.BadRequest("missing-file", "no file in the form; send it in a field named 'file'");
        if (file.Length > o.MaxUploadBytes) return Problems.TooLarge($"the file is {file.Length:N0} bytes; the limit is {o.MaxUploadBytes:N0}");
        if (!TryBool(form["fix"], out var fix) || !TryBool(form["publish"], out var publish))
            return Problems.BadRequest("bad-flag", "fix and publish take true or false");

        var mapping = new GridFieldMapping(form["codeField"], form["nameField"], form["kindField"], form["leaderField"], form["parentField"], form["levelField"]);
        var temp = Path.GetTempFileName();
        try
        {
            await using (var target = File.Create(temp)) await file.CopyToAsync(target, ct);
            var featureFile = FeatureFileReader.Read(temp, file.FileName);
            var (drafts, problems, crs) = GridImport.ReadDrafts(featureFile, new GridImportRequest(form["crs"], mapping, fix), o.Limits());
            var scope = GridImport.Scope(drafts);
            if (drafts.Count > 0)
            {
                var existing = await store.ValidationContextAsync(scope, ct);
                var rejected = problems.Where(p => p.Severity == Severity.Error && p.Code is not null).Select(p => p.Code!).ToHashSet();
                problems.AddRange(GridValidator.Validate(drafts, existing, o.Validation(), rejected));
            }
            var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
            var warnings = problems.Where(p => p.Severity == Severity.Warning).ToList();
            if (errors.Count > 0)
            {
                return Problems.Unprocessable("grid-import-invalid",
                    $"{errors.Count} error(s) in {featureFile.Features.Count} feature(s); nothing was written",
                    new Dictionary<string, object?>
                    {
                        ["features"] = featureFile.Features.Count,
                        ["errors"] = errors.OrderBy(p => p.Feature ?? int.MaxValue).Select(ToFinding).ToList(),
                        ["warnings"] = warnings.Select(ToFinding).ToList(),
                    });
            }
            var by = user.Identity?.Name ?? "anonymous";
            var version = await store.InsertDraftAsync(drafts, scope, file.FileName, by, warnings, ct);
            var status = "draft";
            if (publish)
            {
                await store.PublishAsync(version, by, clock.GetUtcNow(), ct);
                await registry.ReloadAsync(ct);
                status = "published";
            }
            return TypedResults.Created($"/api/grids/versions/{version}",
                new ImportResponse(version, status, drafts.Count, crs.Name, scope, warnings.Select(ToFinding).ToList()));
        }
        catch (FeatureFileException e)
        {
            return Problems.Unprocessable(e.Kind, e.Message);
        }
        catch (GridImportException e)
        {
            return Problems.Unprocessable(e.Kind, e.Message);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static bool TryBool(Microsoft.Extensions.Primitives.StringValues value, out bool result)
    {
        result = false;
        var s = value.ToString();
        return s.Length == 0 || bool.TryParse(s, out result);
    }

    public static async Task<Ok<PagedList<VersionInfo>>> ListVersions(SpatialGridDb db, int? page, int? pageSize, CancellationToken ct)
    {
        int p = page ?? 1, size = Math.Clamp(pageSize ?? Paging.DefaultPageSize, 1, Paging.MaxPageSize);
        var query = db.GridVersions.AsNoTracking().OrderByDescending(v => v.Id);
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<VersionInfo>(items.Select(Info).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> GetVersion(long id, SpatialGridDb db, CancellationToken ct)
    {
        var v = await db.GridVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
        return v is null ? Problems.NotFound("version-not-found", $"no grid version {id}") : TypedResults.Ok(Info(v));
    }

    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> Publish(long id, SpatialGridDb db, GridStore store, GridRegistry registry, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var v = await db.GridVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct);
        if (v is null) return Problems.NotFound("version-not-found", $"no grid version {id}");
        if (!await store.PublishAsync(id, user.Identity?.Name ?? "anonymous", clock.GetUtcNow(), ct))
            return Problems.Conflict("version-not-draft", $"version {id} is {v.Status.ToString().ToLowerInvariant()}; only a draft can be published");
        await registry.ReloadAsync(ct);
        var published = await db.GridVersions.AsNoTracking().FirstAsync(x => x.Id == id, ct);
        return TypedResults.Ok(Info(published));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Discard(long id, SpatialGridDb db, CancellationToken ct)
    {
        var n = await db.GridVersions.Where(v => v.Id == id && v.Status == GridVersionStatus.Draft)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, GridVersionStatus.Discarded), ct);
        if (n == 0) return Problems.Conflict("version-not-draft", $"version {id} does not exist or is not a draft");
        await db.Grids.Where(g => g.VersionId == id).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }

    private static VersionInfo Info(GridVersion v) =>
        new(v.Id, v.Status.ToString().ToLowerInvariant(), v.Scope, v.Source, v.FeatureCount, v.CreatedBy, v.CreatedAt, v.PublishedAt, v.PublishedBy);
}
