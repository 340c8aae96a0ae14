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

    private static readonly Crs Gk4549 = Crs.TryFromEpsg(4549, out var c) ? c : throw new InvalidOperationException();
}
