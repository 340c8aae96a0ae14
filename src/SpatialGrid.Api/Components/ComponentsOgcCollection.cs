using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Components;

/// <summary>OGC collection <c>components</c>: every component that is not removed, filterable by class, major class, status and grid.</summary>
public sealed class ComponentsOgcCollection : IOgcCollection
{
    public string Id => "components";
    public string Title => "Components (部件)";
    public string Description => "Fixed city assets: facilities (points), river courses and roads (lines), green spaces and squares (polygons)";
    public IReadOnlyCollection<string> Filters { get; } = ["class", "major", "status", "grid", "code", "name"];

    public async Task<Envelope> ExtentAsync(SpatialGridDb db, CancellationToken ct)
    {
        var env = await db.Database.SqlQueryRaw<double[]>(
            "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS \"Value\" FROM (SELECT ST_Extent(geometry) AS e FROM components WHERE status <> 5) x WHERE e IS NOT NULL").FirstOrDefaultAsync(ct);
        return env is { Length: 4 } && !double.IsNaN(env[0]) ? new Envelope(env[0], env[2], env[1], env[3]) : new Envelope();
    }

    public async Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery q, CancellationToken ct)
    {
        var query = db.Components.AsNoTracking().Where(c => c.Status != ComponentStatus.Removed);
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
        var items = await query.OrderBy(c => c.Code).Skip(q.Offset).Take(q.Limit).ToListAsync(ct);
        return (matched, items.Select(c => Writer(c, q.Crs)).ToList());
    }

    public async Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CancellationToken ct)
    {
        var c = await db.Components.AsNoTracking().FirstOrDefaultAsync(x => x.Code == id, ct);
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
