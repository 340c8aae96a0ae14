using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>
/// A street of three grids side by side, each 0.001° of longitude wide (about 95 m at 31.23° N) and 0.001° of latitude
/// high (111 m): A west, B middle, C east, sharing borders at x = 121.471 and x = 121.472.
/// </summary>
internal static class Street
{
    private static readonly WKTReader Wkt = new(GeometryFactories.Wgs84.GeometryServices);

    public const string A = "310101001001", B = "310101001002", C = "310101001003";
    public const double Y = 31.2305;
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    public static PatrolCells Cells() => new([
        (C, Wkt.Read("POLYGON((121.472 31.230, 121.473 31.230, 121.473 31.231, 121.472 31.231, 121.472 31.230))")),
        (A, Wkt.Read("POLYGON((121.470 31.230, 121.471 31.230, 121.471 31.231, 121.470 31.231, 121.470 31.230))")),
        (B, Wkt.Read("POLYGON((121.471 31.230, 121.472 31.230, 121.472 31.231, 121.471 31.231, 121.471 31.230))")),
    ]);

    /// <summary>A point of the walk: seconds after T0 and longitude along the street's middle.</summary>
    public static TrackPoint At(double seconds, double lon, double lat = Y) => new(T0.AddSeconds(seconds), lon, lat);

    public static double Metres(double degreesLon) => degreesLon * Measure.MetresPerDegree(Y).Lon;
}
