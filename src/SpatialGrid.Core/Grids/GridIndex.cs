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
/// Border rule: a point inside a grid's interior belongs to that grid. A point that lies only on borders
/// (shared by two or more grids of the deepest level that holds it) belongs to the one with the smallest code,
/// so the answer never depends on load order and matches <c>locate.sql</c> in PostGIS.
/// </para>
/// </summary>
public sealed class GridIndex
{
    private readonly STRtree<Entry> _comprehensive = new();
    private readonly STRtree<Entry> _dedicated = new();

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
            (g.Kind == GridKind.Dedicated ? _dedicated : _comprehensive).Insert(entry.Envelope, entry);
            n++;
        }
        _comprehensive.Build();
        _dedicated.Build();
        Count = n;
    }

    /// <summary>The code of the deepest comprehensive grid that holds the point, or null when none does.</summary>
    public string? Locate(double lon, double lat)
    {
        var visitor = new DeepestVisitor(new Coordinate(lon, lat));
        _comprehensive.Query(new Envelope(lon, lon, lat, lat), visitor);
        return visitor.Best?.Code;
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

    private sealed class DeepestVisitor(Coordinate point) : IItemVisitor<Entry>
    {
        public Entry? Best;
        private bool _bestInterior;

        // Deeper wins; at one depth an interior hit beats a border hit; among border hits the smaller code wins.
        public void VisitItem(Entry item)
        {
            if (!item.Envelope.Covers(point)) return;
            if (Best is not null && item.Code.Length < Best.Code.Length) return;
            var location = item.Locator.Locate(point);
            if (location == Location.Exterior) return;
            var interior = location == Location.Interior;
            if (Best is null || item.Code.Length > Best.Code.Length ||
                (interior && !_bestInterior) ||
                (!interior && !_bestInterior && string.CompareOrdinal(item.Code, Best.Code) < 0))
            {
                Best = item;
                _bestInterior = interior;
            }
        }
    }
}
