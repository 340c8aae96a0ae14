using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>The grid registry over HTTP: import and publish versions, read the current grids, locate a point.</summary>
public static class GridsApi
{
    public sealed record GridRef(string Code, string Name, string Level);
    public sealed record GridSummary(string Code, string Name, string Level, string Kind, string? ParentCode, string? Leader, double AreaM2, bool Generated, DateTimeOffset? ValidFrom);
    public sealed record GridDetail(string Code, string Name, string Level, string Kind, string? ParentCode, string? Leader, double AreaM2, bool Generated,
        long Version, DateTimeOffset? ValidFrom, IReadOnlyList<GridRef> Path, int Children, Geometry Geometry);
    public sealed record Location(double Lon, double Lat, DateTimeOffset? At, GridRef Grid, IReadOnlyList<GridRef> Path, IReadOnlyList<GridRef> Dedicated, string Source);

    public static IEndpointRouteBuilder MapGrids(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/grids").WithTags("Grids").RequireAuthorization(SecuritySetup.ReadPolicy);
        read.MapGet("/", List).WithSummary("List current grids (filter by level, parent, code prefix, kind, name; paged, sorted)");
        read.MapGet("/locate", Locate).WithSummary("The grid path (district → grid) holding a point, now or at a past moment");
        read.MapGet("/export", Export).WithSummary("The current grids as a GeoJSON FeatureCollection");
        read.MapGet("/versions", GridImportEndpoints.ListVersions).WithSummary("Grid versions, newest first");
        read.MapGet("/versions/{id:long}", GridImportEndpoints.GetVersion).WithSummary("One grid version");
        read.MapGet("/{code}", Get).WithSummary("One current grid with its path, area in m² and geometry");
        read.MapGet("/{code}/children", Children).WithSummary("The current grids directly below a grid");

        var write = app.MapGroup("/api/grids").WithTags("Grids").RequireAuthorization(SecuritySetup.GisEditorPolicy);
        write.MapPost("/imports", GridImportEndpoints.Import).DisableAntiforgery().AcceptsFileUpload()
            .WithSummary("Import grids from GeoJSON, a zipped Shapefile or a GeoPackage into a draft version")
            .WithDescription("multipart/form-data with the file in field 'file' (a file in any other field is 400) and optional fields crs (EPSG:4326, EPSG:4490, EPSG:4513-4554, EPSG:3857, GCJ-02), " +
                "codeField, nameField, kindField, leaderField, parentField, levelField, fix (true: repair invalid polygons, drop Z/M; each repair reports the area it removed and added, and one over " +
                "repairToleranceM2 is refused) and publish (true: publish at once). " +
                "Any error writes nothing and is answered 422 with every error listed; 413 above Grids:MaxUploadBytes.")
            .AcceptsForm(["multipart/form-data"],
                new("file", JsonSchemaType.String, "GeoJSON, a zipped Shapefile or a GeoPackage", Required: true, Binary: true),
                new("crs", JsonSchemaType.String, "the file's CRS when it declares none: EPSG:4326, EPSG:4490, EPSG:4513-4554, EPSG:3857, GCJ-02"),
                new("codeField", JsonSchemaType.String, "the attribute holding the grid code (default: code)"),
                new("nameField", JsonSchemaType.String, "the attribute holding the name (default: name)"),
                new("kindField", JsonSchemaType.String, "the attribute holding comprehensive/dedicated (default: kind)"),
                new("leaderField", JsonSchemaType.String, "the attribute holding the grid leader (default: leader)"),
                new("parentField", JsonSchemaType.String, "the attribute holding the parent code, checked against the code"),
                new("levelField", JsonSchemaType.String, "the attribute holding the level, checked against the code"),
                new("fix", JsonSchemaType.Boolean, "true: repair invalid polygons and drop Z/M"),
                new("repairToleranceM2", JsonSchemaType.Number,
                    "area in m² a repair may remove or add per feature (default Grids:RepairToleranceM2, 10); a larger change is an error"),
                new("publish", JsonSchemaType.Boolean, "true: publish the version at once"),
                new("layer", JsonSchemaType.String, "a GeoPackage's layer to import when it holds several (the answer names them otherwise)"));
        write.MapPost("/versions/{id:long}/publish", GridImportEndpoints.Publish).WithSummary("Publish a draft: it becomes current and retires the grids it replaces");
        write.MapDelete("/versions/{id:long}", GridImportEndpoints.Discard).WithSummary("Discard a draft version");
        return app;
    }

    private static IQueryable<Grid> Current(SpatialGridDb db) =>
        db.Grids.AsNoTracking().Where(g => g.ValidFrom != null && g.ValidTo == null);

    public static async Task<Results<Ok<PagedList<GridSummary>>, ProblemHttpResult>> List(
        SpatialGridDb db, string? level, string? parent, string? prefix, string? kind, string? q, string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var query = Current(db);
        if (level is not null)
        {
            if (!GridLevels.TryParse(level, out var l)) return Problems.BadRequest("bad-level", $"level '{level}' is not one of district, subdistrict, community, grid");
            query = query.Where(g => g.Level == l);
        }
        if (kind is not null)
        {
            if (!GridLevels.TryParseKind(kind, out var k)) return Problems.BadRequest("bad-kind", $"kind '{kind}' is not comprehensive or dedicated");
            query = query.Where(g => g.Kind == k);
        }
        if (parent is not null)
        {
            if (!GridCode.TryParse(parent, out var pc, out var error)) return Problems.BadRequest("bad-code", error!);
            query = query.Where(g => g.ParentCode == pc.Value);
        }
        if (prefix is not null)
        {
            if (prefix.Length is 0 or > 15 || !prefix.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-prefix", "prefix must be 1 to 15 digits");
            query = query.Where(g => g.Code.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(g => g.Name.Contains(q));
        query = sort switch
        {
            null or "code" => query.OrderBy(g => g.Code),
            "-code" => query.OrderByDescending(g => g.Code),
            "name" => query.OrderBy(g => g.Name).ThenBy(g => g.Code),
            "area" => query.OrderBy(g => g.AreaM2).ThenBy(g => g.Code),
            "-area" => query.OrderByDescending(g => g.AreaM2).ThenBy(g => g.Code),
            _ => null!,
        };
        if (query is null) return Problems.BadRequest("bad-sort", $"sort '{sort}' is not one of code, -code, name, area, -area");
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * size).Take(size)
            .Select(g => new { g.Code, g.Name, g.Level, g.Kind, g.ParentCode, g.Leader, g.AreaM2, g.Generated, g.ValidFrom }).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<GridSummary>(items.Select(g => new GridSummary(g.Code, g.Name, GridLevels.Name(g.Level), GridLevels.Name(g.Kind),
            g.ParentCode, g.Leader, g.AreaM2, g.Generated, g.ValidFrom)).ToList(), p, size, total));
    }

    public static async Task<Results<Ok<GridDetail>, ProblemHttpResult>> Get(string code, SpatialGridDb db, CancellationToken ct)
    {
        if (!GridCode.TryParse(code, out var gc, out var error)) return Problems.BadRequest("bad-code", error!);
        var g = await Current(db).FirstOrDefaultAsync(x => x.Code == gc.Value, ct);
        if (g is null) return Problems.NotFound("grid-not-found", $"no current grid {gc}");
        var pathCodes = gc.Path();
        var names = await Current(db).Where(x => pathCodes.Contains(x.Code)).Select(x => new { x.Code, x.Name, x.Level }).ToListAsync(ct);
        var path = pathCodes.Select(c => names.FirstOrDefault(n => n.Code == c) is { } n ? new GridRef(n.Code, n.Name, GridLevels.Name(n.Level)) : null).OfType<GridRef>().ToList();
        var children = await Current(db).CountAsync(x => x.ParentCode == gc.Value, ct);
        return TypedResults.Ok(new GridDetail(g.Code, g.Name, GridLevels.Name(g.Level), GridLevels.Name(g.Kind), g.ParentCode, g.Leader, g.AreaM2, g.Generated,
            g.VersionId, g.ValidFrom, path, children, g.Geometry));
    }

    public static async Task<Results<Ok<List<GridSummary>>, ProblemHttpResult>> Children(string code, SpatialGridDb db, CancellationToken ct)
    {
        if (!GridCode.TryParse(code, out var gc, out var error)) return Problems.BadRequest("bad-code", error!);
        if (!await Current(db).AnyAsync(x => x.Code == gc.Value, ct)) return Problems.NotFound("grid-not-found", $"no current grid {gc}");
        var items = await Current(db).Where(x => x.ParentCode == gc.Value).OrderBy(x => x.Code).ToListAsync(ct);
        return TypedResults.Ok(items.Select(g => new GridSummary(g.Code, g.Name, GridLevels.Name(g.Level), GridLevels.Name(g.Kind), g.ParentCode, g.Leader, g.AreaM2, g.Generated, g.ValidFrom)).ToList());
    }

    public static async Task<Results<Ok<Location>, ProblemHttpResult>> Locate(
        string? lon, string? lat, DateTimeOffset? at, string? crs, GridRegistry registry, GridStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!TryCoordinate(lon, out var x) || !TryCoordinate(lat, out var y))
            return Problems.BadRequest("bad-coordinates", "lon and lat are required finite numbers");
        if (!Crs.TryParse(crs, out var c, out var crsError)) return Problems.BadRequest("unsupported-crs", crsError!);
        if (c.IsGeographic && (x is < -180 or > 180 || y is < -90 or > 90))
            return Problems.BadRequest("bad-coordinates", $"({x}, {y}) is out of range (lon -180..180, lat -90..90)" + (y is >= -180 and <= 180 && x is >= -90 and <= 90 ? "; are lon and lat swapped?" : ""));
        var (wx, wy) = c.ToWgs84(x, y);
        var now = clock.GetUtcNow().ToUniversalTime();
        if (at?.ToUniversalTime() is { } when && when < now)
        {
            var code = await store.LocateAtAsync(wx, wy, when, ct);
            if (code is null) return NoGrid(wx, wy, when);
            var path = GridCode.Parse(code).Path();
            var names = await store.NamesAtAsync(path, when, ct);
            var refs = path.Where(names.ContainsKey).Select(p => new GridRef(p, names[p].Name, GridLevels.Name(names[p].Level))).ToList();
            return TypedResults.Ok(new Location(wx, wy, when, refs[^1], refs, [], "postgis"));
        }
        var snapshot = registry.Current;
        var found = snapshot.Index.Locate(wx, wy);
        if (found is null) return NoGrid(wx, wy, null);
        var current = GridCode.Parse(found).Path().Where(snapshot.Names.ContainsKey).Select(p => Ref(snapshot, p)).ToList();
        var dedicated = snapshot.Index.LocateDedicated(wx, wy).Select(d => Ref(snapshot, d)).ToList();
        return TypedResults.Ok(new Location(wx, wy, null, current[^1], current, dedicated, "memory"));
    }

    private static GridRef Ref(GridSnapshot s, string code) => new(code, s.Names[code].Name, GridLevels.Name(s.Names[code].Level));

    private static ProblemHttpResult NoGrid(double lon, double lat, DateTimeOffset? at) =>
        Problems.NotFound("outside-grids", $"no grid holds ({lon:0.######}, {lat:0.######})" + (at is null ? "" : $" at {at:O}") + "; the point is outside the service area's grids");

    private static bool TryCoordinate(string? s, out double v) =>
        double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(SpatialGridDb db, string? prefix, string? level, CancellationToken ct)
    {
        var query = Current(db);
        if (prefix is not null)
        {
            if (prefix.Length is 0 or > 15 || !prefix.All(char.IsAsciiDigit)) return Problems.BadRequest("bad-prefix", "prefix must be 1 to 15 digits");
            query = query.Where(g => g.Code.StartsWith(prefix));
        }
        if (level is not null)
        {
            if (!GridLevels.TryParse(level, out var l)) return Problems.BadRequest("bad-level", $"level '{level}' is not one of district, subdistrict, community, grid");
            query = query.Where(g => g.Level == l);
        }
        var grids = await query.OrderBy(g => g.Code).ToListAsync(ct);
        return GeoJsonStream.FeatureCollection(grids, (w, g) => GridGeoJson.WriteFeature(w, g), "grids.geojson");
    }
}
