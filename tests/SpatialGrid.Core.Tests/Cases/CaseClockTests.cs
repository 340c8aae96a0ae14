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

/// <summary>
/// Deadlines are counted on the city's clock (Cases:UtcOffsetHours), whatever offset the instants arrive in: the
/// service stores and passes UTC, so a case opened late on a local Friday is a Saturday, or still a Friday, in UTC.
/// </summary>
public class CaseClockOffsetTests
{
    private static WorkCalendar City(double hours) => new([], [], WorkCalendar.DefaultPeriods, TimeSpan.FromHours(hours));

    private static DateTimeOffset Local(double hours, int day, int hour, int minute = 0) =>
        new(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(hours));

    [Theory]
    [InlineData(8)]
    [InlineData(-5)]
    [InlineData(5.5)]
    public void One_working_day_from_23_30_local_on_friday_ends_at_17_30_local_on_monday(double offset)
    {
        var calendar = City(offset);
        // Friday 27 November, 23:30 local: in UTC a Friday afternoon (+8, +5:30) or already Saturday morning (-5).
        var start = Local(offset, 27, 23, 30).ToUniversalTime();
        var stage = new StageLimit(Stage.Feedback, start, new TimeLimit(1, ClockKind.WorkingDays));
        var due = CaseClock.DueAt(stage, calendar);
        Assert.Equal(Local(offset, 30, 17, 30), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
        // Nothing of the weekend counts; 80 % of the 7.5 h day is used at 16:00 local on Monday.
        Assert.Equal(0, CaseClock.Used(stage, Local(offset, 29, 12).ToUniversalTime(), calendar));
        Assert.Equal(Local(offset, 30, 16, 0), CaseClock.YellowAtInstant(stage, calendar));
        Assert.Equal(Colour.Red, CaseClock.ColourOf(CaseClock.Used(stage, Local(offset, 30, 17, 30).ToUniversalTime(), calendar)));
    }

    [Fact]
    public void Working_hours_from_01_00_local_on_saturday_start_on_monday_not_in_the_utc_friday_afternoon()
    {
        var calendar = City(8);
        // Saturday 01:00 in the city is Friday 17:00 UTC: within Friday's office hours if they were read in UTC.
        var start = Local(8, 28, 1).ToUniversalTime();
        Assert.Equal(DayOfWeek.Friday, start.DayOfWeek);
        var stage = new StageLimit(Stage.Arrival, start, new TimeLimit(2, ClockKind.WorkingHours));
        Assert.Equal(Local(8, 30, 10, 30), CaseClock.DueAt(stage, calendar));
    }

    [Fact]
    public void Calendar_days_keep_the_local_time_of_day()
    {
        var stage = new StageLimit(Stage.Closing, Local(8, 27, 23, 30).ToUniversalTime(), new TimeLimit(3, ClockKind.CalendarDays));
        Assert.Equal(Local(8, 30, 23, 30), CaseClock.DueAt(stage, City(8)));
    }
}
