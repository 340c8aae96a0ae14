using NetTopologySuite;
using NetTopologySuite.Geometries;

namespace SpatialGrid.Core.Geo;

/// <summary>Moves whole geometries between coordinate systems, dropping Z and M (SpatialGrid stores 2-D WGS 84).</summary>
public static class Reprojection
{
    public static Geometry ToWgs84(Geometry geometry, Crs from) =>
        Apply(geometry, (x, y) => from.ToWgs84(x, y));

    public static Geometry FromWgs84(Geometry geometry, Crs to) =>
        Apply(geometry, (x, y) => to.FromWgs84(x, y));

    /// <summary>Copies the geometry with every coordinate mapped, as plain 2-D coordinates.</summary>
    public static Geometry Apply(Geometry geometry, Func<double, double, (double, double)> map)
    {
        var factory = GeometryFactories.Wgs84;
        return geometry switch
        {
            Point p => factory.CreatePoint(Map(p.CoordinateSequence, map)),
            LineString l and not LinearRing => factory.CreateLineString(Map(l.CoordinateSequence, map)),
            LinearRing r => factory.CreateLinearRing(Map(r.CoordinateSequence, map)),
            Polygon poly => MapPolygon(poly, map, factory),
            MultiPolygon mp => factory.CreateMultiPolygon(Enumerable.Range(0, mp.NumGeometries).Select(i => MapPolygon((Polygon)mp.GetGeometryN(i), map, factory)).ToArray()),
            MultiLineString ml => factory.CreateMultiLineString(Enumerable.Range(0, ml.NumGeometries).Select(i => (LineString)Apply(ml.GetGeometryN(i), map)).ToArray()),
            MultiPoint mpt => factory.CreateMultiPoint(Enumerable.Range(0, mpt.NumGeometries).Select(i => (Point)Apply(mpt.GetGeometryN(i), map)).ToArray()),
            GeometryCollection gc => factory.CreateGeometryCollection(Enumerable.Range(0, gc.NumGeometries).Select(i => Apply(gc.GetGeometryN(i), map)).ToArray()),
            _ => throw new ArgumentException($"unsupported geometry type {geometry.GeometryType}"),
        };
    }

    private static Polygon MapPolygon(Polygon polygon, Func<double, double, (double, double)> map, GeometryFactory factory) =>
        factory.CreatePolygon(
            factory.CreateLinearRing(Map(polygon.Shell.CoordinateSequence, map)),
            polygon.Holes.Select(h => factory.CreateLinearRing(Map(h.CoordinateSequence, map))).ToArray());

    private static CoordinateSequence Map(CoordinateSequence sequence, Func<double, double, (double, double)> map)
    {
        var result = new Coordinate[sequence.Count];
        for (var i = 0; i < sequence.Count; i++)
        {
            var (x, y) = map(sequence.GetX(i), sequence.GetY(i));
            result[i] = new Coordinate(x, y);
        }
        return GeometryFactories.Wgs84.CoordinateSequenceFactory.Create(result);
    }
}

/// <summary>
/// The geometry factories SpatialGrid uses: SRID 4326, floating precision, and the robust overlay (OverlayNG),
/// which does not fail with "non-noded intersection" on the near-coincident borders that real grid files have.
/// </summary>
public static class GeometryFactories
{
    public static readonly NtsGeometryServices Services = new(GeometryOverlay.NG);
    public static readonly GeometryFactory Wgs84 = Services.CreateGeometryFactory(new PrecisionModel(), 4326);
    public static readonly GeometryFactory Planar = Services.CreateGeometryFactory(new PrecisionModel(), 0);

    /// <summary>Makes the robust overlay the process default too (for geometries read by other libraries). Call once at start.</summary>
    public static void UseEverywhere() => NtsGeometryServices.Instance = Services;
}
