using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>The road share rule: roads as stretches of 10 m credited to cells, walked within a buffer of the segments walked.</summary>
public sealed class RoadSamplesTests
{
    private static readonly WKTReader Wkt = new(GeometryFactories.Wgs84.GeometryServices);

    // Along the street's middle from the middle of A to the middle of C (about 190 m), and across B from south to north (111 m).
    private static readonly (string, Geometry) Along = ("R-along", Wkt.Read("LINESTRING(121.4705 31.2305, 121.4725 31.2305)"));
    private static readonly (string, Geometry) Across = ("R-across", Wkt.Read("LINESTRING(121.4715 31.2300, 121.4715 31.2310)"));

    [Fact]
    public void A_road_is_cut_into_stretches_credited_to_the_cell_each_middle_lies_in()
    {
        var roads = new RoadSamples([Along], Street.Cells(), 10);
        // Half of A, all of B, half of C: 47.5 m, 95 m, 47.5 m.
        Assert.InRange(roads.PerCell[Street.A], 4, 5);
        Assert.InRange(roads.PerCell[Street.B], 9, 10);
        Assert.InRange(roads.PerCell[Street.C], 4, 5);
        Assert.Equal((int)Math.Floor(Street.Metres(0.002) / 10), roads.Count);
        // Indices run along the road: 0 at its start, each stretch once.
        Assert.Equal(Enumerable.Range(0, roads.Count), Enumerable.Range(0, roads.Count).Select(i => roads[i].Index).Order());
    }

    [Fact]
    public void Stretches_outside_every_cell_are_dropped_but_keep_their_place_along_the_road()
    {
        // Starts 0.001° west of A (outside every cell): the first ~95 m are dropped, the indices after them unchanged.
        var longer = ("R-long", Wkt.Read("LINESTRING(121.4690 31.2305, 121.4725 31.2305)"));
        var roads = new RoadSamples([longer], Street.Cells(), 10);
        var first = Enumerable.Range(0, roads.Count).Select(i => roads[i]).MinBy(s => s.Index);
        Assert.Equal(Street.A, first.Cell);
        Assert.InRange(first.Index, 9, 10);
    }

    [Fact]
    public void Walking_along_a_road_walks_its_stretches_within_the_buffer_and_no_others()
    {
        var roads = new RoadSamples([Along], Street.Cells(), 10);
        var walked = new HashSet<int>();
        // 5 m north of the centre line, from B's west border to its east border.
        var y = Street.Y + 5 / Measure.MetresPerDegree(Street.Y).Lat;
        roads.Near(121.471, y, 121.472, y, 25, walked);
        var byCell = walked.Select(i => roads[i]).GroupBy(s => s.Cell).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(roads.PerCell[Street.B], byCell[Street.B]);   // all of B's road
        // The buffer reaches ~24 m past each end (25 m at 5 m aside): two or three stretches of A and of C.
        Assert.InRange(byCell[Street.A], 2, 3);
        Assert.InRange(byCell[Street.C], 2, 3);
    }

    [Fact]
    public void Crossing_a_road_walks_about_twice_the_buffer_of_it()
    {
        var roads = new RoadSamples([Along], Street.Cells(), 10);
        var walked = new HashSet<int>();
        roads.Near(121.4715, 31.2300, 121.4715, 31.2310, 25, walked);
        Assert.InRange(walked.Count * 10, 40, 60);
        Assert.All(walked, i => Assert.Equal(Street.B, roads[i].Cell));
        // Far from every road: nothing.
        walked.Clear();
        roads.Near(121.4701, 31.2301, 121.4709, 31.2301, 25, walked);
        Assert.Empty(walked);
    }

    [Fact]
    public void Samples_are_named_by_road_and_place_whatever_order_the_roads_come_in()
    {
        var cells = Street.Cells();
        static HashSet<RoadSample> All(RoadSamples r) => Enumerable.Range(0, r.Count).Select(i => r[i]).ToHashSet();
        Assert.Equal(All(new RoadSamples([Along, Across], cells, 10)), All(new RoadSamples([Across, Along], cells, 10)));
    }

    [Fact]
    public void A_multi_line_road_counts_its_parts_as_one_road()
    {
        var parts = ("R-parts", Wkt.Read("MULTILINESTRING((121.4705 31.2305, 121.4715 31.2305), (121.4715 31.2305, 121.4725 31.2305))"));
        var whole = new RoadSamples([Along], Street.Cells(), 10);
        var split = new RoadSamples([parts], Street.Cells(), 10);
        Assert.Equal(whole.Count, split.Count);
        Assert.Equal(whole.PerCell, split.PerCell);
    }

    [Fact]
    public void Only_the_segments_walked_are_handed_on_a_gap_is_not()
    {
        var step = VisitTracker.Advance(Street.Cells(), null,
            [Street.At(0, 121.4705), Street.At(30, 121.4708), Street.At(30 + 600, 121.4722), Street.At(660, 121.4724)], VisitRules.Default);
        Assert.Equal(2, step.Segments.Count);
        Assert.Equal(Street.At(0, 121.4705), step.Segments[0].From);
        Assert.Equal(Street.At(660, 121.4724), step.Segments[1].To);
    }
}
