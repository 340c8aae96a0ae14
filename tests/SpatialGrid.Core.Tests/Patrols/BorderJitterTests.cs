using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>A phone's fix wanders a few metres; standing on a border must not make visits to the neighbour.</summary>
public sealed class BorderJitterTests
{
    [Fact]
    public void Fixes_wandering_two_metres_either_side_of_a_border_make_no_visit_to_the_neighbour()
    {
        // Standing at the A|B border (x = 121.471) for two minutes, every fix 2 m to one side or the other.
        var fixes = Enumerable.Range(0, 25).Select(i => At(5 * i, i % 2 == 0 ? 121.47098 : 121.47102)).ToList();

        var step = VisitTracker.Advance(Cells(), null, fixes, VisitRules.Default);

        Assert.Empty(step.Closed);
        Assert.All(step.Pieces, p => Assert.Equal(A, p.GridCode));
        Assert.Equal(120, step.Pieces.Sum(p => p.Seconds), 6);
        Assert.Equal(A, step.State!.Open!.GridCode);
        Assert.Equal(120, step.State.Open.Seconds, 6);
    }

    [Fact]
    public void Staying_across_the_border_longer_than_the_dwell_is_a_visit()
    {
        // Into B by 2 m and standing there for 40 s, then back into A for 40 s.
        var step = VisitTracker.Advance(Cells(), null,
            [At(0, 121.47098), At(5, 121.47102), At(45, 121.47102), At(50, 121.47098), At(90, 121.47098)], VisitRules.Default);

        Assert.Equal([A, B], step.Closed.Select(v => v.GridCode));
        Assert.Equal(T0.AddSeconds(2.5), step.Closed[0].LeftAt);
        Assert.Equal((T0.AddSeconds(2.5), T0.AddSeconds(47.5)), (step.Closed[1].EnteredAt, step.Closed[1].LeftAt!.Value));
        Assert.Equal(45, step.Closed[1].Seconds, 6);
        Assert.Equal(A, step.State!.Open!.GridCode);
    }

    [Fact]
    public void Walking_twenty_metres_into_the_neighbour_is_a_visit_however_brief()
    {
        var twentyOneMetres = 21 / Metres(1);
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4709), At(10, 121.471 + twentyOneMetres)], VisitRules.Default);
        Assert.Equal([A], step.Closed.Select(v => v.GridCode));
        Assert.Equal(B, step.State!.Open!.GridCode);
    }

    [Fact]
    public void Wandering_over_the_outer_edge_of_the_cells_stays_in_the_cell()
    {
        // The street's north edge is y = 31.231: fixes 2 m inside and 2 m outside it, in turn.
        var fixes = Enumerable.Range(0, 13).Select(i => At(5 * i, 121.4705, i % 2 == 0 ? 31.23098 : 31.23102)).ToList();
        var step = VisitTracker.Advance(Cells(), null, fixes, VisitRules.Default);
        Assert.Empty(step.Closed);
        Assert.Equal(60, step.State!.Open!.Seconds, 6);
    }
}
