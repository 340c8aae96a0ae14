using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Tests.Geo;

public class CrsTests
{
    [Theory]
    [InlineData("EPSG:4549")]
    [InlineData("4549")]
    [InlineData("urn:ogc:def:crs:EPSG::4549")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/4549")]
    public void Gauss_Kruger_zone_is_found_by_any_spelling(string text)
    {
        Assert.True(Crs.TryParse(text, out var crs, out _));
        Assert.Equal("EPSG:4549", crs.Name);
    }

    [Fact]
    public void Central_meridian_maps_to_false_easting_500km()
    {
        Assert.True(Crs.TryParse("EPSG:4549", out var crs, out _));
        var (x, y) = crs.FromWgs84(120.0, 31.0);
        Assert.Equal(500_000, x, 1e-3);
        // Meridian arc length to 31°N on GRS 80 / WGS 84.
        Assert.Equal(3_430_974.3, y, 0.5);
    }

    [Fact]
    public void Zone_with_prefix_adds_the_zone_number_to_the_easting()
    {
        Assert.True(Crs.TryParse("EPSG:4528", out var crs, out _)); // zone 40, CM 120
        var (x, _) = crs.FromWgs84(120.0, 31.0);
        Assert.Equal(40_500_000, x, 1e-3);
    }

    [Fact]
    public void Projected_round_trip_is_exact_to_a_millimetre()
    {
        Assert.True(Crs.TryParse("EPSG:4549", out var crs, out _));
        var (x, y) = crs.FromWgs84(121.4737, 31.2304);
        var (lon, lat) = crs.ToWgs84(x, y);
        Assert.Equal(121.4737, lon, 1e-8);
        Assert.Equal(31.2304, lat, 1e-8);
    }

    [Theory]
    [InlineData("EPSG:2385")]
    [InlineData("BD-09")]
    [InlineData("EPSG:")]
    public void Unknown_systems_are_refused_with_the_list_of_known_ones(string text)
    {
        Assert.False(Crs.TryParse(text, out _, out var error));
        Assert.Contains("EPSG:4326", error);
    }

    [Fact]
    public void Area_of_a_one_hectare_square_is_measured_in_square_metres()
    {
        // 100 m × 100 m at 31°N, built in the zone and brought back to WGS 84.
        Assert.True(Crs.TryParse("EPSG:4549", out var zone, out _));
        var (x0, y0) = zone.FromWgs84(121.47, 31.23);
        var square = new WKTReader().Read(FormattableString.Invariant($"POLYGON(({x0} {y0}, {x0 + 100} {y0}, {x0 + 100} {y0 + 100}, {x0} {y0 + 100}, {x0} {y0}))"));
        var wgs = Reprojection.ToWgs84(square, zone);
        Assert.Equal(10_000, Measure.AreaM2(wgs), 1.0);
        Assert.Equal(10_000, Measure.ApproxAreaM2(wgs), 10.0);
    }
}
