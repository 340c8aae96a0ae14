using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace SpatialGrid.Core.Patrols;

/// <summary>A piece of a straight segment inside one cell (null = outside every cell), as fractions [From, To) of its length.</summary>
public readonly record struct SegmentPiece(string? Code, double From, double To);

/// <summary>
/// The cells visits are counted in (the responsibility grids of the current version, or any polygons): an STRtree of
/// polygons with an indexed point locator each. Immutable once built, so lookups need no lock.
/// <para>
/// Border rule, as <see cref="Grids.GridIndex"/>: a point inside a cell's interior belongs to that cell; a point only
/// on borders belongs to the cell with the smallest code, so a walk along a shared border is credited to one cell
/// whatever the load order. Cells are expected not to overlap (grids of one level tile the area).
/// </para>
/// </summary>
public sealed class PatrolCells
{
    // Breakpoints closer than this (a fraction of the segment: micrometres for a city walk) are one.
    private const double Epsilon = 1e-9;

    private readonly STRtree<Cell> _tree = new();

    public int Count { get; }

    /// <param name="cells">Codes with their lon/lat polygons (Polygon or MultiPolygon).</param>
    public PatrolCells(IEnumerable<(string Code, Geometry Polygon)> cells)
    {
        foreach (var (code, polygon) in cells)
        {
            var cell = new Cell(code, polygon.EnvelopeInternal, new IndexedPointInAreaLocator(polygon), Rings(polygon));
            // Build the locator's own index now, not lazily on the first concurrent lookup.
            cell.Locator.Locate(polygon.EnvelopeInternal.Centre);
            _tree.Insert(cell.Envelope, cell);
            Count++;
        }
        _tree.Build();
    }

    /// <summary>The code of the cell that holds the point, or null when none does (border rule: smallest code).</summary>
    public string? Locate(double lon, double lat) => Find(lon, lat).Cell?.Code;

    /// <summary>
    /// The pieces of the straight segment a→b by cell, in order along it: cell code (null = outside every cell), and
    /// the fractions [From, To) of the segment. The segment is straight in lon/lat, which across a city is the
    /// straight line on the ground to well under a metre.
    /// </summary>
    public IReadOnlyList<SegmentPiece> Split(double lon1, double lat1, double lon2, double lat2)
    {
        var (start, startLocation) = Find(lon1, lat1);
        if (lon1 == lon2 && lat1 == lat2) return [new(start?.Code, 0, 1)];

        var segment = new Segment(lon1, lat1, lon2 - lon1, lat2 - lat1);
        var breaks = new List<double> { 0, 1 };
        // Fast path: both ends inside one cell and the segment never touches its border (most segments of a walk).
        if (start is not null && startLocation == Location.Interior)
        {
            start.AddCrossings(segment, breaks);
            if (breaks.Count == 2 && Find(lon2, lat2) is var (end, endLocation) && end == start && endLocation == Location.Interior)
                return [new(start.Code, 0, 1)];
        }

        var envelope = new Envelope(lon1, lon2, lat1, lat2);
        foreach (var cell in _tree.Query(envelope))
        {
            if (cell != start || startLocation != Location.Interior) cell.AddCrossings(segment, breaks);
        }
        breaks.Sort();

        // Each stretch between breakpoints lies in one cell (or on a border): its midpoint says which.
        var pieces = new List<SegmentPiece>();
        var from = 0.0;
        for (var k = 1; k < breaks.Count; k++)
        {
            var to = breaks[k];
            if (to - from < Epsilon) continue;
            if (1 - to < Epsilon) to = 1;
            var mid = (from + to) / 2;
            var code = Find(lon1 + segment.Dx * mid, lat1 + segment.Dy * mid).Cell?.Code;
            if (pieces.Count > 0 && pieces[^1].Code == code) pieces[^1] = pieces[^1] with { To = to };
            else pieces.Add(new(code, from, to));
            from = to;
        }
        return pieces;
    }

    private (Cell? Cell, Location Location) Find(double lon, double lat)
    {
        var point = new Coordinate(lon, lat);
        Cell? best = null;
        var bestLocation = Location.Exterior;
        foreach (var cell in _tree.Query(new Envelope(point)))
        {
            var location = cell.Locator.Locate(point);
            if (location == Location.Exterior) continue;
            // An interior hit beats a border hit; between equals the smaller code wins.
            var better = best is null
                || (location == Location.Interior && bestLocation != Location.Interior)
                || (location == bestLocation && string.CompareOrdinal(cell.Code, best.Code) < 0);
            if (better) (best, bestLocation) = (cell, location);
        }
        return (best, bestLocation);
    }

    private static Coordinate[][] Rings(Geometry polygonal)
    {
        var rings = new List<Coordinate[]>();
        for (var g = 0; g < polygonal.NumGeometries; g++)
        {
            if (polygonal.GetGeometryN(g) is not Polygon polygon) continue;
            rings.Add(polygon.ExteriorRing.Coordinates);
            foreach (var hole in polygon.InteriorRings) rings.Add(hole.Coordinates);
        }
        return [.. rings];
    }

    private readonly record struct Segment(double X, double Y, double Dx, double Dy);

    private sealed record Cell(string Code, Envelope Envelope, IndexedPointInAreaLocator Locator, Coordinate[][] Rings)
    {
        /// <summary>Adds the fractions in [0, 1] where the segment meets this cell's border (both ends of a stretch along it).</summary>
        public void AddCrossings(Segment s, List<double> breaks)
        {
            double minX = Math.Min(s.X, s.X + s.Dx), maxX = Math.Max(s.X, s.X + s.Dx);
            double minY = Math.Min(s.Y, s.Y + s.Dy), maxY = Math.Max(s.Y, s.Y + s.Dy);
            var lengthSquared = s.Dx * s.Dx + s.Dy * s.Dy;
            foreach (var ring in Rings)
            {
                for (var k = 1; k < ring.Length; k++)
                {
                    Coordinate p = ring[k - 1], q = ring[k];
                    if (Math.Max(p.X, q.X) < minX || Math.Min(p.X, q.X) > maxX || Math.Max(p.Y, q.Y) < minY || Math.Min(p.Y, q.Y) > maxY) continue;
                    double ex = q.X - p.X, ey = q.Y - p.Y, wx = p.X - s.X, wy = p.Y - s.Y;
                    var denominator = s.Dx * ey - s.Dy * ex;
                    if (denominator == 0)
                    {
                        // Parallel: only a stretch along the border (collinear) matters; its ends are the breakpoints.
                        if (wx * s.Dy - wy * s.Dx != 0) continue;
                        AddIfInside(breaks, (wx * s.Dx + wy * s.Dy) / lengthSquared);
                        AddIfInside(breaks, ((q.X - s.X) * s.Dx + (q.Y - s.Y) * s.Dy) / lengthSquared);
                        continue;
                    }
                    var t = (wx * ey - wy * ex) / denominator;
                    var u = (wx * s.Dy - wy * s.Dx) / denominator;
                    if (u is >= 0 and <= 1) AddIfInside(breaks, t);
                }
            }
        }

        private static void AddIfInside(List<double> breaks, double t)
        {
            if (t > 0 && t < 1) breaks.Add(t);
        }
    }
}
