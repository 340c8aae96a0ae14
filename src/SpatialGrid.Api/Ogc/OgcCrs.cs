using NetTopologySuite.Geometries;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Api.Ogc;

/// <summary>
/// The CRSs of OGC API – Features Part 2 that SpatialGrid serves, by URI. CRS84 is lon/lat; EPSG:4326 and
/// EPSG:4490 are lat/lon by their EPSG definition, so their coordinates are written swapped; EPSG:4549
/// (CGCS2000 3-degree Gauss-Krüger CM 120°E) is northing/easting in metres.
/// </summary>
public static class OgcCrs
{
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    public const string Epsg4326 = "http://www.opengis.net/def/crs/EPSG/0/4326";
    public const string Epsg4490 = "http://www.opengis.net/def/crs/EPSG/0/4490";
    public const string Epsg4549 = "http://www.opengis.net/def/crs/EPSG/0/4549";

    public static readonly string[] Supported = [Crs84, Epsg4326, Epsg4490, Epsg4549];

    public static bool IsSupported(string uri) => Supported.Contains(uri);

    /// <summary>Converts a WGS 84 lon/lat geometry to the output CRS, in its axis order.</summary>
    public static Geometry FromWgs84(Geometry g, string uri) => uri switch
    {
        Crs84 => g,
        Epsg4326 or Epsg4490 => Reprojection.Apply(g, (x, y) => (y, x)),
        Epsg4549 => Reprojection.Apply(g, (x, y) => { var (e, n) = Gk4549.FromWgs84(x, y); return (n, e); }),
        _ => throw new ArgumentOutOfRangeException(nameof(uri)),
    };

    /// <summary>Converts one coordinate given in the CRS's axis order to WGS 84 lon/lat.</summary>
    public static (double Lon, double Lat) ToWgs84(double a, double b, string uri) => uri switch
    {
        Crs84 => (a, b),
        Epsg4326 or Epsg4490 => (b, a),
        Epsg4549 => Gk4549.ToWgs84(b, a),
        _ => throw new ArgumentOutOfRangeException(nameof(uri)),
    };

    /// <summary>
    /// A bbox given in the CRS's axis order as a WGS 84 polygon (a line or point when it has no width or height in
    /// degrees), or null when a projected box is empty or a point of it has no place on the earth. In
    /// a projected CRS the box's edges are straight in metres but curved in degrees, and the box is turned against the
    /// meridians (by the meridian convergence, ~1° at 121.5°E in the 120°E zone): each edge is densified to a vertex
    /// every 50 m (at most 1,000 per edge) before it is converted, instead of converting two corners.
    /// </summary>
    public static Geometry? BoxToWgs84(double minA, double minB, double maxA, double maxB, string uri)
    {
        var f = GeometryFactories.Wgs84;
        if (uri != Epsg4549)
        {
            var (x1, y1) = ToWgs84(minA, minB, uri);
            var (x2, y2) = ToWgs84(maxA, maxB, uri);
            return f.ToGeometry(new Envelope(x1, x2, y1, y2));
        }
        var corners = new[] { (minA, minB), (maxA, minB), (maxA, maxB), (minA, maxB), (minA, minB) };
        var ring = new List<Coordinate>();
        for (var i = 0; i < 4; i++)
        {
            var (a0, b0) = corners[i];
            var (a1, b1) = corners[i + 1];
            var steps = (int)Math.Clamp(Math.Ceiling(Math.Max(Math.Abs(a1 - a0), Math.Abs(b1 - b0)) / 50), 1, 1000);
            for (var s = 0; s < steps; s++)
            {
                var (lon, lat) = ToWgs84(a0 + (a1 - a0) * s / steps, b0 + (b1 - b0) * s / steps, uri);
                if (!double.IsFinite(lon) || !double.IsFinite(lat) || Math.Abs(lon) > 180 || Math.Abs(lat) > 90) return null;
                ring.Add(new Coordinate(lon, lat));
            }
        }
        ring.Add(ring[0].Copy());
        var polygon = f.CreatePolygon(ring.ToArray());
        return polygon.IsValid ? polygon : null;
    }

    private static readonly Crs Gk4549 = Crs.TryFromEpsg(4549, out var c) ? c : throw new InvalidOperationException();
}
