using NetTopologySuite.Geometries;

namespace SpatialGrid.Core.Ogc;

/// <summary>The geometry literals of a filter as WKT (for CQL2 text and for PostGIS) and as NTS geometries (to check them).</summary>
public static class Cql2Wkt
{
    public static string Write(Cql2Geometry g) => g switch
    {
        Cql2Point p => $"POINT({Pos((p.X, p.Y))})",
        Cql2LineString l => $"LINESTRING({Positions(l.Points)})",
        Cql2Polygon p => $"POLYGON({string.Join(", ", p.Rings.Select(r => $"({Positions(r)})"))})",
        Cql2Bbox b => Write(new Cql2Polygon([[(b.MinX, b.MinY), (b.MaxX, b.MinY), (b.MaxX, b.MaxY), (b.MinX, b.MaxY), (b.MinX, b.MinY)]])),
        _ => throw new ArgumentOutOfRangeException(nameof(g)),
    };

    private static string Positions(IEnumerable<(double X, double Y)> points) => string.Join(", ", points.Select(Pos));

    private static string Pos((double X, double Y) p) => $"{Cql2Text.Number(p.X)} {Cql2Text.Number(p.Y)}";

    /// <summary>
    /// Null when the geometry is fit to query with in CRS84: coordinates on the earth, lines of two points or more,
    /// closed rings of four or more, a valid polygon; otherwise why not.
    /// </summary>
    public static string? Problem(Cql2Geometry g)
    {
        IEnumerable<(double X, double Y)> all = g switch
        {
            Cql2Point p => [(p.X, p.Y)],
            Cql2LineString l => l.Points,
            Cql2Polygon p => p.Rings.SelectMany(r => r),
            Cql2Bbox b => [(b.MinX, b.MinY), (b.MaxX, b.MaxY)],
            _ => [],
        };
        if (all.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y) || Math.Abs(p.X) > 180 || Math.Abs(p.Y) > 90))
            return "coordinates must be longitude -180..180 and latitude -90..90 (CRS84)";
        switch (g)
        {
            case Cql2Bbox b when b.MinX > b.MaxX || b.MinY > b.MaxY:
                return "a BBOX is minx, miny, maxx, maxy with min <= max";
            case Cql2LineString l when l.Points.Count < 2:
                return "a LINESTRING has two points or more";
            case Cql2Polygon p:
                if (p.Rings.Any(r => r.Count < 4 || r[0] != r[^1])) return "each ring of a POLYGON is closed (its last point is its first) and has four points or more";
                var f = new GeometryFactory();
                LinearRing Ring(IReadOnlyList<(double X, double Y)> r) => f.CreateLinearRing(r.Select(c => new Coordinate(c.X, c.Y)).ToArray());
                var polygon = f.CreatePolygon(Ring(p.Rings[0]), p.Rings.Skip(1).Select(Ring).ToArray());
                var check = new NetTopologySuite.Operation.Valid.IsValidOp(polygon);
                return check.IsValid ? null : $"the POLYGON is not valid: {check.ValidationError.Message} at {check.ValidationError.Coordinate}";
        }
        return null;
    }
}
