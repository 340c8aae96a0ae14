using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Core.Tests.Patrols;

public sealed class ShiftPresenceTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);
    private static readonly RosteredShift Day = new("day", new DateOnly(2026, 11, 24), new TimeOnly(8, 0), new TimeOnly(17, 0), ["A", "B"]);
    private static readonly RosteredShift Night = new("night", new DateOnly(2026, 11, 24), new TimeOnly(17, 0), new TimeOnly(1, 0), ["C"]);

    private static DateTimeOffset At(int day, int hour, int minute) => new(2026, 11, day, hour, minute, 0, Cst);

    [Fact]
    public void A_worker_outside_the_shift_grids_past_the_threshold_is_announced_once()
    {
        var s = new PresenceState(null, false);
        var first = ShiftPresence.Step(s, [Day], "X", At(24, 10, 0), Quarter, Cst);
        Assert.Null(first.Announce);
        var later = ShiftPresence.Step(first.State, [Day], "X", At(24, 10, 14), Quarter, Cst);
        Assert.Null(later.Announce);
        var crossed = ShiftPresence.Step(later.State, [Day], null, At(24, 10, 15), Quarter, Cst);
        Assert.Equal("day", crossed.Announce?.Code);
        Assert.Null(ShiftPresence.Step(crossed.State, [Day], "X", At(24, 11, 0), Quarter, Cst).Announce);
    }

    [Fact]
    public void Back_inside_the_watch_starts_over()
    {
        var outside = ShiftPresence.Step(new PresenceState(null, false), [Day], "X", At(24, 10, 0), Quarter, Cst);
        var back = ShiftPresence.Step(outside.State, [Day], "B", At(24, 10, 10), Quarter, Cst);
        Assert.Null(back.State.OutsideSince);
        var again = ShiftPresence.Step(back.State, [Day], "X", At(24, 10, 20), Quarter, Cst);
        Assert.Null(again.Announce);
        Assert.Equal(At(24, 10, 20), again.State.OutsideSince);
    }

    [Fact]
    public void Off_shift_a_worker_may_be_anywhere()
    {
        var step = ShiftPresence.Step(new PresenceState(At(24, 6, 0), false), [Day], "X", At(24, 7, 59), Quarter, Cst);
        Assert.Null(step.Announce);
        Assert.Null(step.State.OutsideSince);
    }

    [Fact]
    public void A_night_shift_runs_past_midnight_into_the_next_day()
    {
        Assert.True(Night.Covers(At(25, 0, 30), Cst));
        Assert.False(Night.Covers(At(25, 1, 0), Cst));
        var s = ShiftPresence.Step(new PresenceState(At(25, 0, 10), false), [Night], "A", At(25, 0, 30), Quarter, Cst);
        Assert.Equal("night", s.Announce?.Code);
    }
}
