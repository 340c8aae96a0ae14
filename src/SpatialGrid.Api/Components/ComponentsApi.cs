using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using NetTopologySuite.Geometries;
using Npgsql;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Security;
using SpatialGrid.Api.ServiceDefaults;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Components;

/// <summary>The component inventory over HTTP: import, query, read with history, change, remove, export, and a grid's inventory.</summary>
public static class ComponentsApi
{
    public sealed record GridLink(string Grid, double? Measure);
    public sealed record ComponentView(string Code, string ClassCode, string Name, string Status, string? DeptInCharge, string? Owner, string? Maintainer,
        DateOnly? InstallDate, JsonElement Attributes, bool Outside, bool Generated, IReadOnlyList<GridLink> Grids, Geometry Geometry, DateTimeOffset UpdatedAt);
    public sealed record ComponentChange(string? Name, string? Status, string? DeptInCharge, string? Owner, string? Maintainer, string? InstallDate,
        JsonElement? Attributes, Geometry? Geometry);
    public sealed record HistoryView(DateTimeOffset At, string By, string Change, JsonElement? Before, JsonElement? After);
    public sealed record InventoryRow(string ClassCode, string NameZh, string NameEn, string Geometry, long Count, double? Measure, string? Unit);

    public static IEndpointRouteBuilder MapComponents(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/components").WithTags("Components").RequireAuthorization(SecuritySetup.ReadPolicy);
        read.MapGet("/", List).WithSummary("Components by bbox, class (4 digits, or 2 for a major class), grid (a code: that grid and all below; none: outside every grid), status, name; paged");
        read.MapGet("/export", Export).WithSummary("Components as a GeoJSON FeatureCollection (same filters as the list)");
        read.MapGet("/{code}", Get).WithSummary("One component with its grid links");
        read.MapGet("/{code}/history", History).WithSummary("Every change of a component: who, when, before, after");
        app.MapGet("/api/grids/{code}/inventory", Inventory).WithTags("Components").RequireAuthorization(SecuritySetup.ReadPolicy)
            .WithSummary("Components of a grid and every grid below it, counted by class, with the length (m) or area (m²) inside");

        var write = app.MapGroup("/api/components").WithTags("Components").RequireAuthorization(SecuritySetup.GisEditorPolicy);
        write.MapPost("/imports", ComponentImportEndpoint.Import).DisableAntiforgery().AcceptsFileUpload()
            .WithSummary("Import components from GeoJSON, a zipped Shapefile or a GeoPackage")
            .WithDescription("multipart/form-data: file (in field 'file'; a file in any other field is 400), and optional class (4-digit class for every feature; otherwise each feature's 'class'), crs, fix, repairToleranceM2. Any error writes nothing (422 with every error).")
            .AcceptsForm(["multipart/form-data"],
                new("file", JsonSchemaType.String, "GeoJSON, a zipped Shapefile or a GeoPackage", Required: true, Binary: true),
                new("class", JsonSchemaType.String, "the 4-digit component class of every feature (otherwise each feature's 'class')"),
                new("crs", JsonSchemaType.String, "the file's CRS when it declares none"),
                new("fix", JsonSchemaType.Boolean, "true: repair invalid geometries and drop Z/M"),
                new("repairToleranceM2", JsonSchemaType.Number,
                    "area in m² a polygon's repair may remove or add (default Grids:RepairToleranceM2, 10); a larger change is an error"),
                new("layer", JsonSchemaType.String, "a GeoPackage's layer to import when it holds several (the answer names them otherwise)"));
        write.MapPost("/", ComponentImportEndpoint.CreateOne)
            .WithSummary("Create one component from a GeoJSON Feature (properties: class, code, name, status, dept_in_charge, owner, maintainer, install_date, attributes)")
            .DocumentsQuery("crs", JsonSchemaType.String, "the Feature's CRS when it declares none (default EPSG:4326)")
            .AcceptsJson("application/geo+json", "a GeoJSON Feature: geometry in WGS 84 (or the crs query value) and properties class (required), code, name, status, dept_in_charge, owner, maintainer, install_date, attributes (an object)");
        write.MapPatch("/{code}", Change).WithSummary("Change a component's name, status, departments, install date, attributes or geometry (kept in its history)");
        write.MapDelete("/{code}", Remove).WithSummary("Mark a component removed (kept, with its history)");
        return app;
    }

    private static IQueryable<Component> Filter(SpatialGridDb db, string? bbox, string? @class, string? grid, string? status, string? q, out ProblemHttpResult? problem)
    {
        problem = null;
        var query = db.Components.AsNoTracking();
        if (bbox is not null)
        {
            var v = bbox.Split(',').Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : double.NaN).ToArray();
            if (v.Length != 4 || v.Any(double.IsNaN) || v[0] > v[2] || v[1] > v[3])
            {
                problem = Problems.BadRequest("bad-bbox", "bbox must be minLon,minLat,maxLon,maxLat");
                return query;
            }
            var box = GeometryFactories.Wgs84.ToGeometry(new Envelope(v[0], v[2], v[1], v[3]));
            query = query.Where(c => c.Geometry.Intersects(box));
        }
        if (@class is not null)
        {
            if (@class.Length is not (2 or 4) || !@class.All(char.IsAsciiDigit)) { problem = Problems.BadRequest("bad-class", "class is a 4-digit class or a 2-digit major class"); return query; }
            query = query.Where(c => c.ClassCode.StartsWith(@class));
        }
        if (grid is not null)
        {
            if (grid == "none") query = query.Where(c => c.Outside);
            else if (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit)) { problem = Problems.BadRequest("bad-grid", "grid is a grid code (all grids below it count) or 'none'"); return query; }
            else query = query.Where(c => db.ComponentGrids.Any(l => l.ComponentId == c.Id && l.GridCode.StartsWith(grid)));
        }
        if (status is not null)
        {
            if (!ComponentStatuses.TryParse(status, out var s)) { problem = Problems.BadRequest("bad-status", $"status is one of {string.Join(", ", ComponentStatuses.Names)}"); return query; }
            query = query.Where(c => c.Status == s);
        }
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(c => c.Name.Contains(q));
        return query;
    }

    private static async Task<Results<Ok<PagedList<ComponentView>>, ProblemHttpResult>> List(SpatialGridDb db,
        string? bbox, string? @class, string? grid, string? status, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } pagingError) return Problems.BadRequest("bad-paging", pagingError);
        var query = Filter(db, bbox, @class, grid, status, q, out var problem);
        if (problem is not null) return problem;
        int p = page ?? 1, size = pageSize ?? Paging.DefaultPageSize;
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(c => c.Code).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var views = await Views(db, items, ct);
        return TypedResults.Ok(new PagedList<ComponentView>(views, p, size, total));
    }

    private static async Task<List<ComponentView>> Views(SpatialGridDb db, List<Component> items, CancellationToken ct)
    {
        var ids = items.Select(c => c.Id).ToList();
        var links = await db.ComponentGrids.AsNoTracking().Where(l => ids.Contains(l.ComponentId)).OrderBy(l => l.GridCode).ToListAsync(ct);
        return items.Select(c => View(c, links.Where(l => l.ComponentId == c.Id))).ToList();
    }

    private static ComponentView View(Component c, IEnumerable<ComponentGrid> links) => new(c.Code, c.ClassCode, c.Name, ComponentStatuses.Name(c.Status),
        c.DeptInCharge, c.Owner, c.Maintainer, c.InstallDate, JsonDocument.Parse(c.Attributes).RootElement.Clone(), c.Outside, c.Generated,
        links.Select(l => new GridLink(l.GridCode, l.Measure)).ToList(), c.Geometry, c.UpdatedAt);

    private static async Task<Results<Ok<ComponentView>, ProblemHttpResult>> Get(string code, SpatialGridDb db, CancellationToken ct)
    {
        var c = await db.Components.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return Problems.NotFound("component-not-found", $"no component '{Clip(code)}'");
        return TypedResults.Ok((await Views(db, [c], ct))[0]);
    }

    private static async Task<Results<Ok<List<HistoryView>>, ProblemHttpResult>> History(string code, SpatialGridDb db, CancellationToken ct)
    {
        var rows = await db.ComponentHistory.AsNoTracking().Where(h => h.ComponentCode == code).OrderBy(h => h.Id).ToListAsync(ct);
        if (rows.Count == 0) return Problems.NotFound("component-not-found", $"no component '{Clip(code)}'");
        return TypedResults.Ok(rows.Select(h => new HistoryView(h.At, h.By, h.Change, Json(h.Before), Json(h.After))).ToList());
    }

    private static JsonElement? Json(string? s) => s is null ? null : JsonDocument.Parse(s).RootElement.Clone();

    private static object Snapshot(Component c) => new
    {
        c.Name, Status = ComponentStatuses.Name(c.Status), c.ClassCode, c.DeptInCharge, c.Owner, c.Maintainer, c.InstallDate,
        Attributes = JsonDocument.Parse(c.Attributes).RootElement, Geometry = c.Geometry.AsText(),
    };

    private static async Task<Results<Ok<ComponentView>, ProblemHttpResult>> Change(string code, ComponentChange change, SpatialGridDb db,
        IOptions<GridsOptions> options, ClaimsPrincipal user, TimeProvider clock, Maps.TileCache tiles, CancellationToken ct)
    {
        var c = await db.Components.FirstOrDefaultAsync(x => x.Code == code, ct);
        if (c is null) return Problems.NotFound("component-not-found", $"no component '{Clip(code)}'");
        var before = JsonSerializer.Serialize(Snapshot(c));
        var touched = c.Geometry.EnvelopeInternal.Copy();
        if (change.Name is not null)
        {
            if (change.Name.Trim().Length is 0 or > 200) return Problems.BadRequest("bad-name", "name has 1 to 200 characters");
            c.Name = change.Name.Trim();
        }
        if (change.Status is not null)
        {
            if (!ComponentStatuses.TryParse(change.Status, out var s)) return Problems.BadRequest("bad-status", $"status is one of {string.Join(", ", ComponentStatuses.Names)}");
            c.Status = s;
        }
        if (change.InstallDate is not null)
        {
            if (!DateOnly.TryParse(change.InstallDate, CultureInfo.InvariantCulture, out var d)) return Problems.BadRequest("bad-date", "installDate is a date (yyyy-MM-dd)");
            c.InstallDate = d;
        }
        if (change.Attributes is { } attributes)
        {
            if (attributes.ValueKind != JsonValueKind.Object) return Problems.BadRequest("bad-attributes", $"attributes must be a JSON object, not {attributes.ValueKind.ToString().ToLowerInvariant()}");
            c.Attributes = attributes.GetRawText();
        }
        c.DeptInCharge = change.DeptInCharge ?? c.DeptInCharge;
        c.Owner = change.Owner ?? c.Owner;
        c.Maintainer = change.Maintainer ?? c.Maintainer;
        var moved = false;
        if (change.Geometry is not null)
        {
            var cls = await db.Taxonomy.AsNoTracking().FirstAsync(t => t.Code == c.ClassCode, ct);
            var problems = new List<GridProblem>();
            var g = GeometryGuard.ToWgs84(change.Geometry, cls.Geometry, $"a {ClockNames.Name(cls.Geometry)} component", Crs.Wgs84, options.Value.Limits(), false, 0, code, problems);
            if (g is null) return Problems.BadRequest(problems[0].Kind, problems[0].Message);
            c.Geometry = g is MultiPoint { NumGeometries: 1 } mp ? mp.GetGeometryN(0) : g;
            moved = true;
        }
        c.UpdatedAt = clock.GetUtcNow().ToUniversalTime();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ComponentHistory.Add(new ComponentHistory
        {
            ComponentId = c.Id, ComponentCode = c.Code, At = c.UpdatedAt, By = user.Identity?.Name ?? "anonymous",
            Change = moved ? "moved" : "changed", Before = before, After = JsonSerializer.Serialize(Snapshot(c)),
        });
        await db.SaveChangesAsync(ct);
        if (moved)
        {
            await ComponentStore.AssignAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction(), [c.Id], ct);
        }
        await tx.CommitAsync(ct);
        // Only the tiles that held the component before or hold it now.
        touched.ExpandToInclude(c.Geometry.EnvelopeInternal);
        await tiles.InvalidateAsync(c.ClassCode == "0201" ? "roads" : "components", touched, ct);
        var fresh = await db.Components.AsNoTracking().FirstAsync(x => x.Id == c.Id, ct);
        return TypedResults.Ok((await Views(db, [fresh], ct))[0]);
    }

    private static async Task<Results<Ok<ComponentView>, ProblemHttpResult>> Remove(string code, SpatialGridDb db, IOptions<GridsOptions> options,
        ClaimsPrincipal user, TimeProvider clock, Maps.TileCache tiles, CancellationToken ct) =>
        await Change(code, new ComponentChange(null, "removed", null, null, null, null, null, null), db, options, user, clock, tiles, ct);

    private static async Task<Results<Ok<List<InventoryRow>>, ProblemHttpResult>> Inventory(string code, NpgsqlDataSource dataSource, SpatialGridDb db, CancellationToken ct)
    {
        if (!GridCode.TryParse(code, out var gc, out var error)) return Problems.BadRequest("bad-code", error!);
        if (!await db.Grids.AnyAsync(g => g.Code == gc.Value && g.ValidFrom != null && g.ValidTo == null, ct))
            return Problems.NotFound("grid-not-found", $"no current grid {gc}");
        await using var cmd = dataSource.CreateCommand(SqlFiles.Get("Components/Sql/inventory.sql"));
        cmd.Parameters.AddWithValue("code", gc.Value);
        var rows = new List<InventoryRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var kind = (GeometryKind)r.GetInt32(3);
            rows.Add(new InventoryRow(r.GetString(0), r.GetString(1), r.GetString(2), ClockNames.Name(kind), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), kind switch { GeometryKind.Line => "m", GeometryKind.Polygon => "m²", _ => null }));
        }
        return TypedResults.Ok(rows);
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(SpatialGridDb db, string? bbox, string? @class, string? grid, string? status, string? q, CancellationToken ct)
    {
        var query = Filter(db, bbox, @class, grid, status, q, out var problem);
        if (problem is not null) return problem;
        var items = await query.OrderBy(c => c.Code).ToListAsync(ct);
        return GeoJsonStream.FeatureCollection(items, (w, c) => ComponentGeoJson.WriteFeature(w, c), "components.geojson");
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}

/// <summary>Writes components as GeoJSON features (export and OGC API share it).</summary>
public static class ComponentGeoJson
{
    public static void WriteFeature(Utf8JsonWriter w, Component c, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", c.Code);
        w.WritePropertyName("geometry");
        JsonSerializer.Serialize(w, c.Geometry, GridGeoJson.Options);
        w.WriteStartObject("properties");
        w.WriteString("code", c.Code);
        w.WriteString("class", c.ClassCode);
        w.WriteString("name", c.Name);
        w.WriteString("status", ComponentStatuses.Name(c.Status));
        if (c.DeptInCharge is null) w.WriteNull("dept_in_charge"); else w.WriteString("dept_in_charge", c.DeptInCharge);
        if (c.Owner is null) w.WriteNull("owner"); else w.WriteString("owner", c.Owner);
        if (c.Maintainer is null) w.WriteNull("maintainer"); else w.WriteString("maintainer", c.Maintainer);
        if (c.InstallDate is { } d) w.WriteString("install_date", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); else w.WriteNull("install_date");
        w.WriteBoolean("outside", c.Outside);
        w.WriteBoolean("generated", c.Generated);
        w.WritePropertyName("attributes");
        w.WriteRawValue(c.Attributes);
        w.WriteEndObject();
        extra?.Invoke(w);
        w.WriteEndObject();
    }
}
