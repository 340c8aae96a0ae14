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
    public sealed record Finding(string Severity, string Kind, string Message, int? Feature, string? Code, double? AreaM2, Geometry? Where,
        double? RemovedM2 = null, double? AddedM2 = null);
    public sealed record ImportResponse(long Version, string Status, int Features, string Crs, string[] Scope, IReadOnlyList<Finding> Warnings);
    public sealed record VersionInfo(long Id, string Status, string[] Scope, string Source, int FeatureCount, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, string? PublishedBy);

    public static Finding ToFinding(GridProblem p) =>
        new(p.Severity == Severity.Error ? "error" : "warning", p.Kind, p.Message, p.Feature, p.Code, p.AreaM2, p.Where, p.RemovedM2, p.AddedM2);

    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> Import(
        HttpRequest request, GridStore store, GridRegistry registry, IOptions<GridsOptions> options, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        var (upload, problem) = await UploadReceiver.ReceiveAsync(request, o.MaxUploadBytes, ct);
        if (upload is null) return problem!;
        using var _ = upload;
        if (!upload.Flag("fix", out var fix) || !upload.Flag("publish", out var publish))
            return Problems.BadRequest("bad-flag", "fix and publish take true or false");
        if (!upload.RepairTolerance(out var repairTolerance)) return Problems.BadRequest("bad-flag", "repairToleranceM2 takes a number of m² ≥ 0");
        var mapping = new GridFieldMapping(upload.Field("codeField"), upload.Field("nameField"), upload.Field("kindField"),
            upload.Field("leaderField"), upload.Field("parentField"), upload.Field("levelField"));
        try
        {
            var featureFile = FeatureFileReader.Read(upload.Path, upload.FileName, upload.Field("layer"), o.MaxExpandedBytes);
            var importRequest = new GridImportRequest(upload.Field("crs"), mapping, fix);
            var (drafts, problems, crs) = GridImport.ReadDrafts(featureFile, importRequest, o.Limits(repairTolerance));
            var scope = GridImport.Scope(drafts);
            if (drafts.Count > 0)
            {
                var existing = await store.ValidationContextAsync(scope, ct);
                var rejected = problems.Where(p => p.Severity == Severity.Error && p.Code is not null).Select(p => p.Code!).ToHashSet();
                problems.AddRange(GridValidator.Validate(drafts, existing, o.Validation(), rejected));
            }
            var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
            var warnings = problems.Where(p => p.Severity == Severity.Warning).ToList();
            if (errors.Count > 0) return InvalidImport("grid-import-invalid", featureFile.Features.Count, errors, warnings);
            var by = user.Identity?.Name ?? "anonymous";
            var version = await store.InsertDraftAsync(drafts, scope, upload.FileName, by, warnings, ct);
            var status = "draft";
            if (publish)
            {
                await store.PublishAsync(version, by, clock.GetUtcNow().ToUniversalTime(), ct);
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
    }

    /// <summary>422 listing every error (and the warnings) of an import that wrote nothing.</summary>
    public static ProblemHttpResult InvalidImport(string kind, int features, List<GridProblem> errors, List<GridProblem> warnings) =>
        Problems.Unprocessable(kind, $"{errors.Count} error(s) in {features} feature(s); nothing was written",
            new Dictionary<string, object?>
            {
                ["features"] = features,
                ["errors"] = errors.OrderBy(p => p.Feature ?? int.MaxValue).Select(ToFinding).ToList(),
                ["warnings"] = warnings.Select(ToFinding).ToList(),
            });

    public static async Task<Results<Ok<PagedList<VersionInfo>>, ProblemHttpResult>> ListVersions(SpatialGridDb db, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
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
        if (!await store.PublishAsync(id, user.Identity?.Name ?? "anonymous", clock.GetUtcNow().ToUniversalTime(), ct))
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
