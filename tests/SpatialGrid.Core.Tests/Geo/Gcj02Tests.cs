using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Tests.Geo;

/// <summary>Published WGS 84 ↔ GCJ-02 pairs (googollee/eviltransform's test table, wandergis/coordtransform's README).</summary>
public class Gcj02Tests
{
    [Theory]
    [InlineData(121.5272106, 31.1774276, 121.531541859215, 31.17530398364597)] // Shanghai
    [InlineData(113.912316, 22.543847, 113.9171764808363, 22.540796131694766)] // Shenzhen
    [InlineData(116.377817, 39.911954, 116.38404722455657, 39.91334545536069)] // Beijing
    [InlineData(116.404, 39.915, 116.41024449916938, 39.91640428150164)]       // coordtransform
    public void Forward_matches_published_pairs(double lon, double lat, double gLon, double gLat)
    {
        var (x, y) = Gcj02.FromWgs84(lon, lat);
        Assert.Equal(gLon, x, 1e-7);
        Assert.Equal(gLat, y, 1e-7);
    }

    [Theory]
    [InlineData(121.5272106, 31.1774276, 121.531541859215, 31.17530398364597)]
    [InlineData(116.377817, 39.911954, 116.38404722455657, 39.91334545536069)]
    public void Inverse_recovers_the_wgs84_point_to_a_millimetre(double lon, double lat, double gLon, double gLat)
    {
        var (x, y) = Gcj02.ToWgs84(gLon, gLat);
        Assert.Equal(lon, x, 1e-8);
        Assert.Equal(lat, y, 1e-8);
    }

    [Fact]
    public void Round_trip_across_china_stays_below_a_millimetre()
    {
        for (var lon = 74.0; lon < 135; lon += 3.7)
        for (var lat = 19.0; lat < 53; lat += 2.9)
        {
            var (gx, gy) = Gcj02.FromWgs84(lon, lat);
            var (x, y) = Gcj02.ToWgs84(gx, gy);
            Assert.True(Math.Abs(x - lon) < 1e-8 && Math.Abs(y - lat) < 1e-8, $"({lon}, {lat}) came back as ({x}, {y})");
        }
    }

    [Fact]
    public void Offset_in_shanghai_is_several_hundred_metres()
    {
        var (x, y) = Gcj02.FromWgs84(121.4737, 31.2304);
        var metres = Math.Sqrt(Math.Pow((x - 121.4737) * 95_200, 2) + Math.Pow((y - 31.2304) * 110_574, 2));
        Assert.InRange(metres, 400, 700);
    }

    [Fact]
    public void Outside_china_nothing_moves()
    {
        Assert.Equal((2.35, 48.85), Gcj02.FromWgs84(2.35, 48.85));
        Assert.Equal((2.35, 48.85), Gcj02.ToWgs84(2.35, 48.85));
    }
}
