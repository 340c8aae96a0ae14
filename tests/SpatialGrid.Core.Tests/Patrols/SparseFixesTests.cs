using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>A phone that reports every 10 minutes still shows which grids the worker walked through.</summary>
public sealed class SparseFixesTests
{
    // A device that reports every 10 minutes runs with a gap limit longer than that.
    private static readonly VisitRules EveryTenMinutes = VisitRules.Default with { GapLimit = TimeSpan.FromMinutes(15) };

    [Fact]
    public void Walking_across_three_grids_between_two_fixes_visits_the_middle_one_with_time_split_by_length()
    {
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4705), At(600, 121.4725)], EveryTenMinutes);

        // A quarter of the way in A, half in B, a quarter in C: 150 s, 300 s, 150 s.
        Assert.Equal([A, B], step.Closed.Select(v => v.GridCode));
        var (a, b) = (step.Closed[0], step.Closed[1]);
        Assert.Equal((T0, T0.AddSeconds(150)), (a.EnteredAt, a.LeftAt!.Value));
        Assert.Equal((T0.AddSeconds(150), T0.AddSeconds(450)), (b.EnteredAt, b.LeftAt!.Value));
        Assert.Equal(150, a.Seconds, 6);
        Assert.Equal(300, b.Seconds, 6);
        Assert.Equal(Metres(0.001), b.Metres, 6);

        var open = step.State!.Open!;
        Assert.Equal((C, T0.AddSeconds(450), T0.AddSeconds(600)), (open.GridCode, open.EnteredAt, open.LastAt));
        Assert.Equal(150, open.Seconds, 6);
        Assert.Equal([(A, 150.0), (B, 300.0), (C, 150.0)], step.Pieces.Select(p => (p.GridCode, Math.Round(p.Seconds, 6))));
    }

    [Fact]
    public void The_first_fix_opens_a_visit_of_no_time_yet()
    {
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4715)], VisitRules.Default);
        Assert.Equal(new OpenVisit(B, T0, T0, 0, 0), step.State!.Open);
        Assert.Empty(step.Pieces);
    }

    [Fact]
    public void Walking_outside_every_cell_counts_nothing_and_closes_the_visit_where_the_worker_left()
    {
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4725), At(60, 121.4745)], VisitRules.Default);
        var c = Assert.Single(step.Closed);
        Assert.Equal((C, T0.AddSeconds(15)), (c.GridCode, c.LeftAt!.Value));
        Assert.Null(step.State!.Open);
        Assert.Equal(15, step.Pieces.Sum(p => p.Seconds), 6);
    }
}
