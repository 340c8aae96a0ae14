using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Imports;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Components;

/// <summary><c>POST /api/components/imports</c>: the whole file is checked, then stored with its grid links, or nothing is.</summary>
public static class ComponentImportEndpoint
{
    public sealed record ImportResponse(int Imported, int Outside, string Crs, IReadOnlyList<GridImportEndpoints.Finding> Warnings);

    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> Import(
        HttpRequest request, SpatialGridDb db, ComponentStore store, GridRegistry grids, IOptions<GridsOptions> options, ClaimsPrincipal user, CancellationToken ct)
    {
        var o = options.Value;
        var (upload, problem) = await UploadReceiver.ReceiveAsync(request, o.MaxUploadBytes, ct);
        if (upload is null) return problem!;
        using var _ = upload;
        if (!upload.Flag("fix", out var fix)) return Problems.BadRequest("bad-flag", "fix takes true or false");
        try
        {
            var featureFile = FeatureFileReader.Read(upload.Path, upload.FileName);
            var crs = GridImport.ResolveCrs(featureFile.DeclaredCrs, upload.Field("crs"));
            var taxonomy = await db.Taxonomy.AsNoTracking().ToDictionaryAsync(t => t.Code, ct);
            var (drafts, problems) = ComponentImport.Read(featureFile, upload.Field("class"), crs, o.Limits(), fix, taxonomy, grids.Current);
            var taken = await store.ExistingCodesAsync(drafts.Where(d => d.Code is not null).Select(d => d.Code!), ct);
            foreach (var d in drafts.Where(d => d.Code is not null && taken.Contains(d.Code)))
                problems.Add(new GridProblem(Severity.Error, "duplicate-code", $"component {d.Code} already exists", d.Feature, d.Code));
            var errors = problems.Where(p => p.Severity == Severity.Error).ToList();
            var warnings = problems.Where(p => p.Severity == Severity.Warning).ToList();
            if (errors.Count > 0) return GridImportEndpoints.InvalidImport("component-import-invalid", featureFile.Features.Count, errors, warnings);
            var (inserted, outside) = await store.InsertAsync(drafts, user.Identity?.Name ?? "anonymous", ct);
            if (outside > 0)
                warnings.Add(new GridProblem(Severity.Warning, "outside-grids", $"{outside} component(s) lie in no current grid: kept, flagged outside (GET /api/components?grid=none)"));
            return TypedResults.Created("/api/components", new ImportResponse(inserted, outside, crs.Name, warnings.Select(GridImportEndpoints.ToFinding).ToList()));
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
}
