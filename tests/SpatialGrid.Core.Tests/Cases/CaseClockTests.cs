using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Tests.Cases;

public class CaseClockTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    // The 2026 National Day week: 1–7 October off, Saturday 10 October a make-up working day.
    private static readonly WorkCalendar Calendar = new(
        Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)), [new DateOnly(2026, 10, 10)], WorkCalendar.DefaultPeriods, Cst);

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Cst);

    [Fact]
    public void Dispatch_is_due_ten_minutes_after_the_report_round_the_clock()
    {
        var stage = StageLimit.Minutes(Stage.Dispatch, At(11, 28, 23, 55), 10); // Saturday night
        Assert.Equal(At(11, 29, 0, 5), CaseClock.DueAt(stage, Calendar));
    }

    [Fact]
    public void Case_dispatched_after_10_minutes_turns_red_on_dispatch_stage()
    {
        var stage = StageLimit.Minutes(Stage.Dispatch, At(11, 24, 10, 0), 10);
        Assert.Equal(Colour.Green, CaseClock.ColourOf(CaseClock.Used(stage, At(11, 24, 10, 7), Calendar)));
        Assert.Equal(Colour.Yellow, CaseClock.ColourOf(CaseClock.Used(stage, At(11, 24, 10, 8), Calendar)));
        Assert.Equal(Colour.Red, CaseClock.ColourOf(CaseClock.Used(stage, At(11, 24, 10, 10), Calendar)));
    }

    [Fact]
    public void One_working_day_from_friday_afternoon_ends_on_monday_afternoon()
    {
        var stage = new StageLimit(Stage.Feedback, At(11, 27, 16, 0), new TimeLimit(1, ClockKind.WorkingDays)); // Friday
        Assert.Equal(At(11, 30, 16, 0), CaseClock.DueAt(stage, Calendar));
        // Over the weekend no working time passes: still green on Sunday night.
        Assert.Equal(Colour.Green, CaseClock.ColourOf(CaseClock.Used(stage, At(11, 29, 23, 0), Calendar)));
    }

    [Fact]
    public void A_report_on_a_holiday_counts_from_the_next_working_morning_and_the_make_up_saturday_works()
    {
        // Reported on 3 October (holiday): 1 working day = 7.5 h of office time from Thursday 8 October 08:30.
        var stage = new StageLimit(Stage.Feedback, At(10, 3, 11, 0), new TimeLimit(1, ClockKind.WorkingDays));
        Assert.Equal(At(10, 8, 17, 30), CaseClock.DueAt(stage, Calendar));
        // Two working days from Friday 9 October 17:30 reach over the make-up Saturday 10 October, not to Monday.
        var two = new StageLimit(Stage.Closing, At(10, 9, 17, 30), new TimeLimit(2, ClockKind.WorkingDays));
        Assert.Equal(At(10, 12, 17, 30), CaseClock.DueAt(two, Calendar));
    }

    [Fact]
    public void Working_hours_skip_the_lunch_break_and_the_night()
    {
        var stage = new StageLimit(Stage.Closing, At(11, 24, 11, 0), new TimeLimit(4, ClockKind.WorkingHours));
        // 11:00–12:00 (1 h) + 13:30–16:30 (3 h).
        Assert.Equal(At(11, 24, 16, 30), CaseClock.DueAt(stage, Calendar));
        var late = new StageLimit(Stage.Closing, At(11, 24, 17, 0), new TimeLimit(4, ClockKind.WorkingHours));
        Assert.Equal(At(11, 25, 12, 0), CaseClock.DueAt(late, Calendar));
    }

    [Fact]
    public void Calendar_days_keep_the_local_time()
    {
        var stage = new StageLimit(Stage.Closing, At(9, 30, 9, 15), new TimeLimit(3, ClockKind.CalendarDays));
        Assert.Equal(At(10, 3, 9, 15), CaseClock.DueAt(stage, Calendar));
    }

    [Theory]
    [InlineData(0.0, Colour.Green)]
    [InlineData(0.79, Colour.Green)]
    [InlineData(0.8, Colour.Yellow)]
    [InlineData(0.99, Colour.Yellow)]
    [InlineData(1.0, Colour.Red)]
    [InlineData(3.5, Colour.Red)]
    public void Green_until_80_percent_yellow_until_100_red_after(double used, Colour colour) =>
        Assert.Equal(colour, CaseClock.ColourOf(used));

    [Fact]
    public void Yellow_instant_is_where_the_colour_changes()
    {
        var stage = new StageLimit(Stage.Feedback, At(11, 27, 16, 0), new TimeLimit(1, ClockKind.WorkingDays));
        var yellow = CaseClock.YellowAtInstant(stage, Calendar);
        Assert.Equal(Colour.Green, CaseClock.ColourOf(CaseClock.Used(stage, yellow.AddMinutes(-1), Calendar)));
        Assert.Equal(Colour.Yellow, CaseClock.ColourOf(CaseClock.Used(stage, yellow.AddMinutes(1), Calendar)));
    }
}

public class CaseTimelineTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly SpatialGrid.Core.Calendar.WorkCalendar Calendar = SpatialGrid.Core.Calendar.WorkCalendar.WeekendsOnly();

    [Fact]
    public void Each_stage_runs_on_its_own_clock()
    {
        // A class whose arrival counts working hours: dispatched at 17:00, 2 h = 17:00–17:30 and 08:30–10:00 next morning.
        var limits = new CaseLimits(new TimeLimit(10, ClockKind.Minutes), new TimeLimit(2, ClockKind.WorkingHours),
            new TimeLimit(4, ClockKind.RoundTheClockHours), new TimeLimit(3, ClockKind.CalendarDays));
        var reported = new DateTimeOffset(2026, 11, 24, 16, 50, 0, Cst);
        var times = new CaseTimes(CaseState.Dispatched, reported, reported.AddMinutes(10), null, null, null);
        var stages = CaseTimeline.Stages(times, limits, reported.AddMinutes(30), Calendar);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, Cst), stages.Single(s => s.Stage == Stage.Arrival).Due);
        Assert.Equal(reported.AddMinutes(10).AddHours(4), stages.Single(s => s.Stage == Stage.Feedback).Due);
        Assert.Equal(reported.AddDays(3), stages.Single(s => s.Stage == Stage.Closing).Due);
        Assert.False(stages.Single(s => s.Stage == Stage.Dispatch).Running);
        Assert.True(stages.Single(s => s.Stage == Stage.Dispatch).OnTime);
    }

    [Fact]
    public void A_carried_over_case_runs_no_clock_and_is_green()
    {
        var limits = new CaseLimits(new TimeLimit(10, ClockKind.Minutes), new TimeLimit(60, ClockKind.Minutes), new TimeLimit(1, ClockKind.WorkingDays), new TimeLimit(1, ClockKind.CalendarDays));
        var reported = new DateTimeOffset(2026, 11, 1, 10, 0, 0, Cst);
        var times = new CaseTimes(CaseState.CarriedOver, reported, reported.AddMinutes(5), null, null, null);
        var stages = CaseTimeline.Stages(times, limits, reported.AddDays(20), Calendar);
        Assert.Equal(Colour.Green, CaseTimeline.ColourOf(stages));
        Assert.Equal((null, null), CaseTimeline.Crossings(stages));
    }
}
