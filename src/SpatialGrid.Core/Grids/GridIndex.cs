using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;

namespace SpatialGrid.Core.Grids;

/// <summary>A grid as the in-memory index holds it.</summary>
public sealed record IndexedGrid(string Code, GridKind Kind, Geometry Geometry);

/// <summary>
/// The in-memory point → grid index of one grid version: an STRtree over the envelopes and an indexed
/// point-in-area locator per polygon. Immutable once built, so lookups need no lock; a publish builds a new one.
/// <para>
/// Border rule: the deepest level that covers the point (inside or on a border) answers. Within it, a grid that has
/// the point inside beats one that has it only on its border; among equals (a point on a border shared by two or more
/// grids, or inside the sliver where two siblings overlap) the smallest code wins. The answer thus never depends on
/// load order and matches <c>locate_at.sql</c> in PostGIS (ORDER BY level, ST_Contains, code).
/// </para>
/// </summary>
public sealed class GridIndex
{
    // One tree per level, searched from the deepest up: most points are settled by one or two small grid
    // polygons, and the large district outlines are only tested for points outside every grid.
    private readonly STRtree<Entry>[] _levels = [new(), new(), new(), new()];
    private readonly STRtree<Entry> _dedicated = new();

    [ThreadStatic] private static LevelVisitor? _visitor;

    public int Count { get; }

    public static readonly GridIndex Empty = new([]);

    public GridIndex(IEnumerable<IndexedGrid> grids)
    {
        var n = 0;
        foreach (var g in grids)
        {
            var entry = new Entry(g.Code, g.Geometry.EnvelopeInternal, new IndexedPointInAreaLocator(g.Geometry));
            // Build the locator's own index now, not lazily on the first concurrent lookup.
            entry.Locator.Locate(g.Geometry.EnvelopeInternal.Centre);
            var tree = g.Kind == GridKind.Dedicated ? _dedicated : _levels[LevelOf(g.Code)];
            tree.Insert(entry.Envelope, entry);
            n++;
        }
        foreach (var tree in _levels) tree.Build();
        _dedicated.Build();
        Count = n;
    }

    private static int LevelOf(string code) => code.Length switch { 6 => 0, 9 => 1, 12 => 2, _ => 3 };

    /// <summary>The code of the deepest comprehensive grid that holds the point, or null when none does.</summary>
    public string? Locate(double lon, double lat)
    {
        var visitor = _visitor ??= new LevelVisitor();
        visitor.Reset(lon, lat);
        for (var level = _levels.Length - 1; level >= 0; level--)
        {
            _levels[level].Query(visitor.Envelope, visitor);
            if (visitor.Best is not null) return visitor.Best.Code;
        }
        return null;
    }

    /// <summary>The dedicated grids (towers, parks, schools…) that hold the point, by code.</summary>
    public IReadOnlyList<string> LocateDedicated(double lon, double lat)
    {
        var p = new Coordinate(lon, lat);
        var result = new List<string>();
        foreach (var e in _dedicated.Query(new Envelope(lon, lon, lat, lat)))
        {
            if (e.Locator.Locate(p) != Location.Exterior) result.Add(e.Code);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private sealed record Entry(string Code, Envelope Envelope, IndexedPointInAreaLocator Locator);

    /// <summary>Visits the candidates of one level; reused per thread, so a lookup allocates (almost) nothing.</summary>
    private sealed class LevelVisitor : IItemVisitor<Entry>
    {
        public readonly Envelope Envelope = new();
        private readonly Coordinate _point = new();
        public Entry? Best;
        private bool _bestInterior;

        public void Reset(double lon, double lat)
        {
            _point.X = lon;
            _point.Y = lat;
            Envelope.Init(lon, lon, lat, lat);
            Best = null;
            _bestInterior = false;
        }

        // Within a level: an interior hit beats a border hit, and among hits of one kind the smaller code wins. Siblings
        // may overlap in slivers along a shared border (the validator lets those through), so a point can be inside two
        // of them: taking the first interior hit would make the answer depend on the tree's order, and differ from PostGIS.
        public void VisitItem(Entry item)
        {
            if (!item.Envelope.Covers(_point)) return;
            var location = item.Locator.Locate(_point);
            if (location == Location.Exterior) return;
            var interior = location == Location.Interior;
            if (Best is null || (interior && !_bestInterior) || (interior == _bestInterior && string.CompareOrdinal(item.Code, Best.Code) < 0))
            {
                Best = item;
                _bestInterior = interior;
            }
        }
    }
}
