using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Ogc;

namespace SpatialGrid.Api.Components;

/// <summary>
/// OGC collection <c>components</c>: every component that is not removed, filterable by class, major class, status and
/// grid; points, lines and polygons mixed. GDAL and QGIS give a layer one geometry type, taken from its first features
/// (a point), and drop the lines: the views <c>components-points</c>, <c>-lines</c> and <c>-polygons</c> hold one type each.
/// </summary>
public sealed class ComponentsOgcCollection : IOgcCollection
{
    /// <summary>The collection of every component and one per geometry type, each with the geometry format its schema states.</summary>
    public static IEnumerable<ComponentsOgcCollection> All() =>
    [
        new("components", "Components (部件)", "Fixed city assets: facilities (points), river courses and roads (lines), green spaces and squares (polygons)", "geometry-any", []),
        new("components-points", "Components: points", "The components that are points: facilities such as hydrants, lamps and manholes", "geometry-point-or-multipoint",
            ["POINT", "MULTIPOINT"]),
        new("components-lines", "Components: lines", "The components that are lines: river courses, roads, pipes", "geometry-linestring-or-multilinestring",
            ["LINESTRING", "MULTILINESTRING"]),
        new("components-polygons", "Components: polygons", "The components that are polygons: green spaces, squares", "geometry-polygon-or-multipolygon",
            ["POLYGON", "MULTIPOLYGON"]),
    ];

    private readonly string[] _types;

    private ComponentsOgcCollection(string id, string title, string description, string geometryFormat, string[] types)
    {
        Id = id;
        Title = title;
        Description = description;
        GeometryFormat = geometryFormat;
        _types = types;
    }

    public string Id { get; }
    public string Title { get; }
    public string Description { get; }
    public string GeometryFormat { get; }
    public bool HasTime => false;
    public IReadOnlyCollection<string> Filters { get; } = ["class", "major", "status", "grid", "code", "name"];

    public IReadOnlyList<OgcProperty> Properties { get; } =
    [
        new("code", "string", "Component code (16 or 17 digits)", Role: "id", Sql: "code", Sort: nameof(Component.Code)),
        new("class", "string", "Class code (major and minor class)", Sql: "class_code", Sort: nameof(Component.ClassCode)),
        new("name", "string", "Name", Sql: "name", Sort: nameof(Component.Name)),
        new("status", "string", "Status", Enum: ComponentStatuses.Names,
            Sql: "(CASE status WHEN 1 THEN 'intact' WHEN 2 THEN 'damaged' WHEN 3 THEN 'lost' WHEN 4 THEN 'abandoned' ELSE 'removed' END)", Sort: nameof(Component.Status)),
        new("dept_in_charge", "string", "Department in charge", Sql: "dept_in_charge", Sort: nameof(Component.DeptInCharge)),
        new("owner", "string", "Owner", Sql: "owner", Sort: nameof(Component.Owner)),
        new("maintainer", "string", "Maintainer", Sql: "maintainer", Sort: nameof(Component.Maintainer)),
        new("install_date", "string", "Installed on", Format: "date", Sql: "install_date", Sort: nameof(Component.InstallDate)),
        new("outside", "boolean", "Lies in no current grid", Sql: "outside"),
        new("generated", "boolean", "Generated geometry (the demo city), not surveyed", Sql: "generated"),
        new("attributes", "object", "Free attributes"),
    ];

    // GeometryType() names, written here, never taken from a request.
    private string TypeCondition => _types.Length == 0 ? "" : $" AND GeometryType(geometry) IN ({string.Join(", ", _types.Select(t => $"'{t}'"))})";

    public async Task<OgcExtent> ExtentAsync(SpatialGridDb db, CallerScope scope, CancellationToken ct)
    {
        var env = await db.Database.SqlQueryRaw<double[]>(
            "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS \"Value\" FROM (SELECT ST_Extent(geometry) AS e FROM components WHERE status <> 5" + TypeCondition
            + ") x WHERE e IS NOT NULL").FirstOrDefaultAsync(ct);
        return new(env is { Length: 4 } && !double.IsNaN(env[0]) ? new Envelope(env[0], env[2], env[1], env[3]) : new Envelope(), null);
    }

    // The filter's SQL holds only the queryables' own SQL and parameters (Cql2Sql).
    private IQueryable<Component> Source(SpatialGridDb db, Cql2Where? where = null) =>
        (_types.Length == 0 && where is null
            ? db.Components
            : db.Components.FromSqlRaw("SELECT * FROM components WHERE true" + TypeCondition + (where is null ? "" : $" AND {where.Sql}"),
                where is null ? [] : OgcFilter.Parameters(where))).AsNoTracking();

    public async Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery q, CancellationToken ct)
    {
        var query = Source(db, q.Where).Where(c => c.Status != ComponentStatus.Removed);
        if (q.Bbox is { } box) query = query.Where(c => c.Geometry.Intersects(box));
        if (q.Filters.TryGetValue("class", out var cls)) query = query.Where(c => c.ClassCode == cls);
        if (q.Filters.TryGetValue("major", out var major)) query = query.Where(c => c.ClassCode.StartsWith(major));
        if (q.Filters.TryGetValue("status", out var status))
        {
            if (!ComponentStatuses.TryParse(status, out var s)) throw new OgcException("bad-status", $"status is one of {string.Join(", ", ComponentStatuses.Names)}");
            query = query.Where(c => c.Status == s);
        }
        if (q.Filters.TryGetValue("grid", out var grid)) query = query.Where(c => db.ComponentGrids.Any(l => l.ComponentId == c.Id && l.GridCode.StartsWith(grid)));
        if (q.Filters.TryGetValue("code", out var code)) query = query.Where(c => c.Code == code);
        if (q.Filters.TryGetValue("name", out var name)) query = query.Where(c => c.Name == name);
        var matched = await query.CountAsync(ct);
        var ordered = OgcFilter.Sort(query, q.SortBy, Properties) is { } sorted ? sorted.ThenBy(c => c.Code) : query.OrderBy(c => c.Code);
        var items = await ordered.Skip(q.Offset).Take(q.Limit).ToListAsync(ct);
        return (matched, items.Select(c => Writer(c, q.Crs)).ToList());
    }

    public async Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CallerScope scope, CancellationToken ct)
    {
        var c = await Source(db).FirstOrDefaultAsync(x => x.Code == id, ct);
        if (c is null) return null;
        if (crs != OgcCrs.Crs84) c.Geometry = OgcCrs.FromWgs84(c.Geometry, crs);
        return (w, links) => ComponentGeoJson.WriteFeature(w, c, links);
    }

    private static Action<Utf8JsonWriter> Writer(Component c, string crs)
    {
        if (crs != OgcCrs.Crs84) c.Geometry = OgcCrs.FromWgs84(c.Geometry, crs);
        return w => ComponentGeoJson.WriteFeature(w, c);
    }
}
