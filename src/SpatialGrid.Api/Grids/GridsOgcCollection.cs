using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Ogc;
using SpatialGrid.Api.Security;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>OGC collection <c>grids</c>: the current version, or the grids valid during <c>datetime</c>.</summary>
public sealed class GridsOgcCollection(GridRegistry registry) : IOgcCollection
{
    public string Id => "grids";
    public string Title => "Management grids";
    public string Description => "Districts, sub-districts, communities and responsibility grids (comprehensive and dedicated) of the current version";
    public IReadOnlyCollection<string> Filters { get; } = ["level", "kind", "parent", "code", "name"];
    public string GeometryFormat => "geometry-multipolygon";
    public bool HasTime => true;

    public IReadOnlyList<OgcProperty> Properties { get; } =
    [
        new("code", "string", "Grid code (6 to 15 digits)", Role: "id", Sql: "code", Sort: nameof(Grid.Code)),
        new("name", "string", "Name", Sql: "name", Sort: nameof(Grid.Name)),
        new("level", "string", "Tier of the net", Enum: ["district", "subdistrict", "community", "grid"],
            Sql: "(CASE level WHEN 1 THEN 'district' WHEN 2 THEN 'subdistrict' WHEN 3 THEN 'community' ELSE 'grid' END)", Sort: nameof(Grid.Level)),
        new("kind", "string", "Comprehensive or dedicated", Enum: ["comprehensive", "dedicated"],
            Sql: "(CASE kind WHEN 2 THEN 'dedicated' ELSE 'comprehensive' END)", Sort: nameof(Grid.Kind)),
        new("parent", "string", "Code of the grid one tier up", Sql: "parent_code", Sort: nameof(Grid.ParentCode)),
        new("leader", "string", "Grid leader", Sql: "leader", Sort: nameof(Grid.Leader)),
        new("area_m2", "number", "Area in square metres", Sql: "area_m2", Sort: nameof(Grid.AreaM2)),
        new("generated", "boolean", "Generated geometry (the demo city), not surveyed", Sql: "generated"),
        new("version", "integer", "Grid version (import) the polygon belongs to", Sql: "version_id", Sort: nameof(Grid.VersionId)),
        new("valid_from", "string", "Valid since (the version's publication)", Format: "date-time", Sql: "valid_from", Sort: nameof(Grid.ValidFrom)),
    ];

    // The current grids' extent is kept by the registry (reloaded on every publish), as for the tiles' TileJSON; the
    // time extent begins with the oldest version still on record, as datetime reaches back to it.
    public async Task<OgcExtent> ExtentAsync(SpatialGridDb db, CallerScope scope, CancellationToken ct) =>
        new(new Envelope(registry.Current.Extent), await db.Grids.Where(g => g.ValidFrom != null).MinAsync(g => g.ValidFrom, ct));

    public async Task<(int Matched, IReadOnlyList<Action<Utf8JsonWriter>> Features)> ItemsAsync(SpatialGridDb db, OgcQuery q, CancellationToken ct)
    {
        var query = (q.Where is { } where
            ? db.Grids.FromSqlRaw("SELECT * FROM grids WHERE " + where.Sql, OgcFilter.Parameters(where))
            : db.Grids).AsNoTracking();
        query = q.HasDatetime
            ? query.Where(g => g.ValidFrom != null && (q.To == null || g.ValidFrom <= q.To) && (g.ValidTo == null || q.From == null || g.ValidTo > q.From))
            : query.Where(g => g.ValidFrom != null && g.ValidTo == null);
        if (q.Bbox is { } box) query = query.Where(g => g.Geometry.Intersects(box));
        if (q.Filters.TryGetValue("level", out var level))
        {
            if (!GridLevels.TryParse(level, out var l)) throw new OgcException("bad-level", $"level '{level}' is not one of district, subdistrict, community, grid");
            query = query.Where(g => g.Level == l);
        }
        if (q.Filters.TryGetValue("kind", out var kind))
        {
            if (!GridLevels.TryParseKind(kind, out var k)) throw new OgcException("bad-kind", $"kind '{kind}' is not comprehensive or dedicated");
            query = query.Where(g => g.Kind == k);
        }
        if (q.Filters.TryGetValue("parent", out var parent)) query = query.Where(g => g.ParentCode == parent);
        if (q.Filters.TryGetValue("code", out var code)) query = query.Where(g => g.Code == code);
        if (q.Filters.TryGetValue("name", out var name)) query = query.Where(g => g.Name == name);
        var matched = await query.CountAsync(ct);
        var ordered = OgcFilter.Sort(query, q.SortBy, Properties) is { } sorted ? sorted.ThenBy(g => g.Code) : query.OrderBy(g => g.Code);
        var grids = await ordered.ThenBy(g => g.VersionId).Skip(q.Offset).Take(q.Limit).ToListAsync(ct);
        return (matched, grids.Select(g => Writer(g, q.Crs)).ToList());
    }

    public async Task<Action<Utf8JsonWriter, Action<Utf8JsonWriter>>?> ItemAsync(SpatialGridDb db, string id, string crs, CallerScope scope, CancellationToken ct)
    {
        var g = await db.Grids.AsNoTracking().FirstOrDefaultAsync(x => x.Code == id && x.ValidFrom != null && x.ValidTo == null, ct);
        if (g is null) return null;
        if (crs != OgcCrs.Crs84) g.Geometry = (MultiPolygon)OgcCrs.FromWgs84(g.Geometry, crs);
        return (w, links) => GridGeoJson.WriteFeature(w, g, links);
    }

    private static Action<Utf8JsonWriter> Writer(Grid g, string crs)
    {
        if (crs != OgcCrs.Crs84) g.Geometry = (MultiPolygon)OgcCrs.FromWgs84(g.Geometry, crs);
        return w => GridGeoJson.WriteFeature(w, g);
    }
}
