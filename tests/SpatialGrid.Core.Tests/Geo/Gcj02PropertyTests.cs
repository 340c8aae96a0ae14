using CsCheck;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Tests.Geo;

/// <summary>
/// Properties of the GCJ-02 conversion over random points. Stated tolerance: the round trip WGS 84 → GCJ-02 → WGS 84
/// (and GCJ-02 → WGS 84 → GCJ-02) comes back within 1e-9° (about 0.1 mm) everywhere inside the box, kept 0.05° (several
/// times the largest offset) away from the box's edges where a point and its image can fall on different sides of it.
/// Outside the box both directions are the identity, to the bit.
/// </summary>
public class Gcj02PropertyTests
{
    private const double Tolerance = 1e-9;
    private const double Margin = 0.05;

    private static readonly Gen<(double Lon, double Lat)> InChina =
        Gen.Select(Gen.Double[72.004 + Margin, 137.8347 - Margin], Gen.Double[0.8293 + Margin, 55.8271 - Margin]);

    private static readonly Gen<(double Lon, double Lat)> OutsideChina =
        Gen.Select(Gen.Double[-180, 180], Gen.Double[-90, 90]).Where(p => Gcj02.IsOutOfChina(p.Item1, p.Item2));

    [Fact]
    public void Wgs84_to_gcj02_and_back_returns_the_point_within_a_tenth_of_a_millimetre() => RoundTrip(Gcj02.FromWgs84, Gcj02.ToWgs84);

    [Fact]
    public void Gcj02_to_wgs84_and_back_returns_the_point_within_a_tenth_of_a_millimetre() => RoundTrip(Gcj02.ToWgs84, Gcj02.FromWgs84);

    private static void RoundTrip(Func<double, double, (double, double)> there, Func<double, double, (double, double)> back)
    {
        InChina.Sample((lon, lat) =>
        {
            var (x, y) = there(lon, lat);
            var (bLon, bLat) = back(x, y);
            Assert.True(Math.Abs(bLon - lon) < Tolerance && Math.Abs(bLat - lat) < Tolerance, $"({lon}, {lat}) came back as ({bLon}, {bLat})");
        }, iter: 20000);
    }

    [Fact]
    public void The_offset_inside_china_is_under_1200_metres_and_never_zero()
    {
        InChina.Sample((lon, lat) =>
        {
            var (gLon, gLat) = Gcj02.FromWgs84(lon, lat);
            var metres = Measure(lon, lat, gLon, gLat);
            Assert.InRange(metres, 1e-3, 1200);
        }, iter: 20000);
    }

    [Fact]
    public void Outside_china_both_directions_are_the_identity()
    {
        OutsideChina.Sample((lon, lat) =>
        {
            Assert.Equal((lon, lat), Gcj02.FromWgs84(lon, lat));
            Assert.Equal((lon, lat), Gcj02.ToWgs84(lon, lat));
        }, iter: 20000);
    }

    /// <summary>Equirectangular distance: plenty for offsets of a kilometre.</summary>
    private static double Measure(double lon1, double lat1, double lon2, double lat2)
    {
        const double metresPerDegree = 111_320;
        var dx = (lon2 - lon1) * Math.Cos(lat1 * Math.PI / 180) * metresPerDegree;
        var dy = (lat2 - lat1) * metresPerDegree;
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
