using NetTopologySuite.Geometries;

namespace SpatialGrid.Core.Geo;

/// <summary>Areas and lengths in metres, computed in the CGCS2000 Gauss-Krüger zone of the geometry's centre.</summary>
public static class Measure
{
    public static double AreaM2(Geometry wgs84)
    {
        if (wgs84.IsEmpty) return 0;
        return Projected(wgs84).Area;
    }

    public static double LengthM(Geometry wgs84)
    {
        if (wgs84.IsEmpty) return 0;
        return Projected(wgs84).Length;
    }

    /// <summary>The geometry in the Gauss-Krüger zone of its centre (planar, SRID 0).</summary>
    public static Geometry Projected(Geometry wgs84)
    {
        var zone = Crs.GaussKrugerFor(wgs84.EnvelopeInternal.Centre.X);
        return Reprojection.FromWgs84(wgs84, zone);
    }

    /// <summary>Approximate metres per degree of longitude and latitude at a latitude, for tolerances.</summary>
    public static (double Lon, double Lat) MetresPerDegree(double lat)
    {
        // The usual series for the WGS 84 ellipsoid, good to a centimetre per degree.
        var phi = lat * Math.PI / 180.0;
        return (111_412.84 * Math.Cos(phi) - 93.5 * Math.Cos(3 * phi) + 0.118 * Math.Cos(5 * phi),
                111_132.92 - 559.82 * Math.Cos(2 * phi) + 1.175 * Math.Cos(4 * phi));
    }

    /// <summary>
    /// Area in m² from the area in square degrees scaled at the centre's latitude: within 0.1% for shapes a few
    /// kilometres across, and a hundred times faster than reprojecting. Used for tolerances, not for reported areas.
    /// </summary>
    public static double ApproxAreaM2(Geometry wgs84)
    {
        if (wgs84.IsEmpty) return 0;
        var (mx, my) = MetresPerDegree(wgs84.EnvelopeInternal.Centre.Y);
        return wgs84.Area * mx * my;
    }

    /// <summary>
    /// The mean width of a polygonal shape in metres (2 × area / perimeter): a sliver left by digitising or
    /// rounding along a long shared border is millimetres wide however long the border is.
    /// </summary>
    public static double ApproxWidthM(Geometry wgs84)
    {
        if (wgs84.IsEmpty) return 0;
        var (mx, my) = MetresPerDegree(wgs84.EnvelopeInternal.Centre.Y);
        var perimeter = wgs84.Boundary.Length * Math.Sqrt(mx * my);
        return perimeter == 0 ? 0 : 2 * ApproxAreaM2(wgs84) / perimeter;
    }
}
