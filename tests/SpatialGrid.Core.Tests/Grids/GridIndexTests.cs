using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Core.Tests.Grids;

public class GridIndexTests
{
    private static readonly WKTReader Wkt = new(GeometryFactories.Wgs84.GeometryServices);

    // One district, one sub-district, one community split into two grids along x = 121.5, and a dedicated grid.
    private static GridIndex City() => new([
        new("310101", GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 122 31, 122 32, 121 32, 121 31))")),
        new("310101002", GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 122 31, 122 31.5, 121 31.5, 121 31))")),
        new("310101002001", GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 122 31, 122 31.5, 121 31.5, 121 31))")),
        new("310101002001002", GridKind.Comprehensive, Wkt.Read("POLYGON((121.5 31, 122 31, 122 31.5, 121.5 31.5, 121.5 31))")),
        new("310101002001001", GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 121.5 31, 121.5 31.5, 121 31.5, 121 31))")),
        new("310101002001901", GridKind.Dedicated, Wkt.Read("POLYGON((121.4 31.1, 121.6 31.1, 121.6 31.2, 121.4 31.2, 121.4 31.1))")),
    ]);

    [Fact]
    public void Point_gets_the_deepest_grid_that_holds_it()
    {
        var index = City();
        Assert.Equal("310101002001001", index.Locate(121.2, 31.2));
        Assert.Equal("310101002001002", index.Locate(121.8, 31.2));
    }

    [Fact]
    public void Point_outside_the_small_nets_falls_to_the_enclosing_authority()
    {
        Assert.Equal("310101", City().Locate(121.5, 31.8));
    }

    [Fact]
    public void Point_on_a_shared_border_goes_to_the_smaller_code_whatever_the_load_order()
    {
        Assert.Equal("310101002001001", City().Locate(121.5, 31.2));
    }

    [Fact]
    public void Point_outside_every_grid_has_none()
    {
        Assert.Null(City().Locate(100, 30));
    }

    [Fact]
    public void Dedicated_grids_are_reported_beside_the_comprehensive_one()
    {
        var index = City();
        Assert.Equal(["310101002001901"], index.LocateDedicated(121.5, 31.15));
        Assert.Equal("310101002001001", index.Locate(121.45, 31.15));
        Assert.Empty(index.LocateDedicated(121.8, 31.4));
    }

    [Fact]
    public void Lookups_agree_with_brute_force_on_random_points()
    {
        var index = City();
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            double x = 120.9 + random.NextDouble() * 1.2, y = 30.9 + random.NextDouble() * 1.2;
            string? expected = x is < 121 or > 122 || y is < 31 or > 32 ? null
                : y > 31.5 ? "310101"
                : x <= 121.5 ? "310101002001001" : "310101002001002";
            Assert.Equal(expected, index.Locate(x, y));
        }
    }

    [Fact]
    public void Point_inside_the_sliver_where_two_siblings_overlap_goes_to_the_smaller_code_whatever_the_load_order()
    {
        // The validator lets slivers of a shared border through: here the two grids overlap between x = 121.5 and 121.5001.
        // The smaller code is on the right, so a lookup that took the first interior hit in the tree's order would miss it.
        IndexedGrid left = new("310101002001002", GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 121.5001 31, 121.5001 31.5, 121 31.5, 121 31))"));
        IndexedGrid right = new("310101002001001", GridKind.Comprehensive, Wkt.Read("POLYGON((121.5 31, 122 31, 122 31.5, 121.5 31.5, 121.5 31))"));
        foreach (var order in new[] { new[] { left, right }, [right, left] })
        {
            var index = new GridIndex(order);
            Assert.Equal("310101002001001", index.Locate(121.50005, 31.2));
            // On the right grid's border and inside the left one: the interior hit wins over the smaller code.
            Assert.Equal("310101002001002", index.Locate(121.5, 31.2));
            // On the left grid's border and inside the right one.
            Assert.Equal("310101002001001", index.Locate(121.5001, 31.2));
        }
    }
}
