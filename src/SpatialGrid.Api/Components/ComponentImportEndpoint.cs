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
        if (!upload.RepairTolerance(out var repairTolerance)) return Problems.BadRequest("bad-flag", "repairToleranceM2 takes a number of m² ≥ 0");
        return await ImportFileAsync(upload.Path, upload.FileName, upload.Field("class"), upload.Field("crs"), fix, db, store, grids, options, user, ct,
            upload.Field("layer"), repairTolerance);
    }

    /// <summary>
    /// <c>POST /api/components</c>: one component as a GeoJSON Feature (properties as in an import: class, code,
    /// name, status, dept_in_charge, owner, maintainer, install_date, attributes), checked and stored the same way.
    /// </summary>
    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> CreateOne(
        HttpRequest request, SpatialGridDb db, ComponentStore store, GridRegistry grids, IOptions<GridsOptions> options, ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.ContentLength > 1024 * 1024) return Problems.TooLarge("one component is at most 1 MiB of GeoJSON; import files with POST /api/components/imports");
        var temp = Path.GetTempFileName();
        try
        {
            await using (var target = File.Create(temp))
            {
                // Copy at most 1 MiB + 1 byte, so a chunked body without Content-Length cannot grow without bound.
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    total += n;
                    if (total > 1024 * 1024) return Problems.TooLarge("one component is at most 1 MiB of GeoJSON");
                    await target.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            return await ImportFileAsync(temp, "component.geojson", null, request.Query["crs"], false, db, store, grids, options, user, ct);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> ImportFileAsync(string path, string fileName, string? classForAll, string? crsName, bool fix,
        SpatialGridDb db, ComponentStore store, GridRegistry grids, IOptions<GridsOptions> options, ClaimsPrincipal user, CancellationToken ct,
        string? layer = null, double? repairToleranceM2 = null)
    {
        var o = options.Value;
        try
        {
            var featureFile = FeatureFileReader.Read(path, fileName, layer, o.MaxExpandedBytes);
            var crs = GridImport.ResolveCrs(featureFile.DeclaredCrs, crsName);
            var taxonomy = await db.Taxonomy.AsNoTracking().ToDictionaryAsync(t => t.Code, ct);
            var (drafts, problems) = ComponentImport.Read(featureFile, classForAll, crs, o.Limits(repairToleranceM2), fix, taxonomy, grids.Current);
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
