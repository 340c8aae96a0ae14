using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

public sealed class PatrolCellsTests
{
    private readonly PatrolCells _cells = Cells();

    [Fact]
    public void A_point_gets_the_cell_that_holds_it_and_a_border_point_the_smallest_code()
    {
        Assert.Equal(3, _cells.Count);
        Assert.Equal(B, _cells.Locate(121.4715, Y));
        Assert.Equal(A, _cells.Locate(121.471, Y));
        Assert.Equal(B, _cells.Locate(121.472, Y));
        Assert.Null(_cells.Locate(121.48, Y));
    }

    [Fact]
    public void A_segment_inside_one_cell_is_one_piece()
    {
        Assert.Equal([new SegmentPiece(B, 0, 1)], _cells.Split(121.4712, Y, 121.4718, Y + 0.0002));
    }

    [Fact]
    public void A_segment_across_the_street_is_cut_where_it_crosses_each_border()
    {
        var pieces = _cells.Split(121.4705, Y, 121.4735, Y);
        Assert.Equal([A, B, C, null], pieces.Select(p => p.Code));
        Assert.Equal([0, 1 / 6.0, 0.5, 5 / 6.0], pieces.Select(p => p.From), new Tolerance(1e-9));
        Assert.Equal([1 / 6.0, 0.5, 5 / 6.0, 1], pieces.Select(p => p.To), new Tolerance(1e-9));
    }

    [Fact]
    public void A_segment_along_a_shared_border_goes_to_the_smaller_code()
    {
        Assert.Equal([new SegmentPiece(A, 0, 1)], _cells.Split(121.471, 31.2302, 121.471, 31.2308));
        var pieces = _cells.Split(121.4705, 31.2302, 121.471, 31.2302);
        Assert.Equal([A], pieces.Select(p => p.Code));
    }

    [Fact]
    public void A_segment_that_leaves_and_comes_back_through_a_hole_is_three_pieces()
    {
        var wkt = new WKTReader(GeometryFactories.Wgs84.GeometryServices);
        var ring = new PatrolCells([("1", wkt.Read("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))"))]);
        Assert.Equal([new SegmentPiece("1", 0, 0.4), new SegmentPiece(null, 0.4, 0.6), new SegmentPiece("1", 0.6, 1)],
            ring.Split(0, 5, 10, 5).Select(p => p with { From = Math.Round(p.From, 9), To = Math.Round(p.To, 9) }));
    }

    [Fact]
    public void A_standing_worker_is_one_piece_in_the_cell_they_stand_in()
    {
        Assert.Equal([new SegmentPiece(C, 0, 1)], _cells.Split(121.4725, Y, 121.4725, Y));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }
}
