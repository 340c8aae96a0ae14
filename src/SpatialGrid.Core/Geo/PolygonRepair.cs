using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Polygonize;
using NetTopologySuite.Operation.Union;

namespace SpatialGrid.Core.Geo;

/// <summary>What a repair of an invalid polygonal geometry kept and changed, in m², against the area its rings enclose.</summary>
public sealed record PolygonRepairResult(Geometry? Repaired, double EnclosedM2, double RemovedM2, double AddedM2)
{
    public double ChangedM2 => RemovedM2 + AddedM2;
}

/// <summary>
/// Repairs an invalid polygonal geometry (NTS GeometryFixer) and measures the repair. The reference is the area the
/// rings enclose by the even-odd rule: a point belongs to a polygon when a ray from it crosses the polygon's rings an
/// odd number of times, which is the area a valid polygon has and the one any renderer fills. For a bow tie that is
/// both lobes, whatever their orientation; a loop of a ring that runs over its own area twice, or a hole reaching out
/// of its shell, makes the repair differ from it, and that difference is what the report and the tolerance are about.
/// </summary>
public static class PolygonRepair
{
    public static PolygonRepairResult Repair(Geometry invalid)
    {
        var repaired = GeometryGuard.PolygonalPart(GeometryFixer.Fix(invalid));
        var enclosed = Enclosed(invalid);
        var enclosedM2 = Measure.AreaM2(enclosed);
        if (repaired is null) return new(null, enclosedM2, enclosedM2, 0);
        return new(repaired, enclosedM2, Measure.AreaM2(enclosed.Difference(repaired)), Measure.AreaM2(repaired.Difference(enclosed)));
    }

    /// <summary>The area the rings of each polygon enclose by the even-odd rule, the polygons taken together.</summary>
    public static Geometry Enclosed(Geometry polygonal)
    {
        var pieces = PolygonExtracter.GetPolygons(polygonal).Cast<Polygon>().Where(p => !p.IsEmpty).Select(EnclosedByRings).ToList();
        return pieces.Count == 0 ? GeometryFactories.Wgs84.CreateMultiPolygon() : UnaryUnionOp.Union(pieces);
    }

    private static Geometry EnclosedByRings(Polygon polygon)
    {
        var rings = new[] { polygon.Shell }.Concat(polygon.Holes).ToArray();
        // The rings' lines noded where they cross; the faces between them are the candidates.
        var noded = UnaryUnionOp.Union((Geometry)GeometryFactories.Wgs84.CreateMultiLineString(
            rings.Select(r => GeometryFactories.Wgs84.CreateLineString(r.Coordinates)).ToArray()));
        var polygonizer = new Polygonizer();
        polygonizer.Add(noded);
        var inside = polygonizer.GetPolygons().Where(face =>
        {
            var at = face.InteriorPoint.Coordinate;
            return rings.Count(r => RayCrossingCounter.LocatePointInRing(at, r.Coordinates) == Location.Interior) % 2 == 1;
        }).ToList();
        return inside.Count == 0 ? GeometryFactories.Wgs84.CreateMultiPolygon() : UnaryUnionOp.Union(inside);
    }
}
