using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>Minutes without a fix are no data: the visit ends where the worker was last seen and the gap is not walked.</summary>
public sealed class GapLimitTests
{
    [Fact]
    public void A_gap_beyond_the_limit_closes_the_visit_at_the_last_fix_and_is_not_walked()
    {
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4702), At(20, 121.4704), At(20 + 301, 121.4725)], VisitRules.Default);

        var a = Assert.Single(step.Closed);
        Assert.Equal((A, T0, T0.AddSeconds(20), 20.0), (a.GridCode, a.EnteredAt, a.LeftAt!.Value, a.Seconds));
        // B lies on the straight line but was never seen: no visit, no piece.
        Assert.DoesNotContain(step.Pieces, p => p.GridCode == B);
        Assert.Equal(new OpenVisit(C, T0.AddSeconds(321), T0.AddSeconds(321), 0, 0), step.State!.Open);
    }

    [Fact]
    public void A_gap_just_within_the_limit_is_walked()
    {
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4705), At(300, 121.4725)], VisitRules.Default);
        Assert.Equal([A, B], step.Closed.Select(v => v.GridCode));
    }

    [Fact]
    public void A_restarted_track_is_not_walked_across_the_jump()
    {
        var jump = At(30, 121.4725) with { Restart = true };
        var step = VisitTracker.Advance(Cells(), null, [At(0, 121.4705), At(10, 121.4706), jump], VisitRules.Default);
        Assert.Equal([A], step.Closed.Select(v => v.GridCode));
        Assert.Equal(T0.AddSeconds(10), step.Closed[0].LeftAt);
        Assert.Equal(C, step.State!.Open!.GridCode);
    }
}
