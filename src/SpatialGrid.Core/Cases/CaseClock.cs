using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Cases;

/// <summary>The timed stages of a case.</summary>
public enum Stage
{
    Dispatch = 1,
    Arrival = 2,
    Feedback = 3,
    Closing = 4,
}

/// <summary>Warning colour of a stage or a case.</summary>
public enum Colour
{
    Green = 1,
    Yellow = 2,
    Red = 3,
}

/// <summary>A stage's limit as it applies to one case: when it started, on which clock, how long.</summary>
public sealed record StageLimit(Stage Stage, DateTimeOffset Start, TimeLimit Limit)
{
    public static StageLimit Minutes(Stage stage, DateTimeOffset start, int minutes) => new(stage, start, new TimeLimit(minutes, ClockKind.Minutes));
}

/// <summary>
/// Deadlines and colours. Green until 80% of the stage's time is used (the seeds' "yellow light" leaves a fifth of
/// the time to act), yellow until 100%, red after; the fraction is measured on the stage's own clock, so a
/// working-day limit does not turn yellow over a weekend.
/// </summary>
public static class CaseClock
{
    public const double YellowAt = 0.8;

    public static DateTimeOffset DueAt(StageLimit s, WorkCalendar calendar) => s.Limit.Clock switch
    {
        ClockKind.Minutes => s.Start + TimeSpan.FromMinutes(s.Limit.Value),
        ClockKind.RoundTheClockHours => s.Start + TimeSpan.FromHours(s.Limit.Value),
        ClockKind.WorkingHours => calendar.AddWorkingTime(s.Start, TimeSpan.FromHours(s.Limit.Value)),
        ClockKind.WorkingDays => calendar.AddWorkingTime(s.Start, calendar.DayLength * s.Limit.Value),
        _ => calendar.AddCalendarDays(s.Start, s.Limit.Value),
    };

    /// <summary>The share of the stage's time used at <paramref name="now"/> (may exceed 1).</summary>
    public static double Used(StageLimit s, DateTimeOffset now, WorkCalendar calendar)
    {
        if (now <= s.Start) return 0;
        switch (s.Limit.Clock)
        {
            case ClockKind.WorkingHours:
                return calendar.WorkingTimeBetween(s.Start, now) / TimeSpan.FromHours(s.Limit.Value);
            case ClockKind.WorkingDays:
                return calendar.WorkingTimeBetween(s.Start, now) / (calendar.DayLength * s.Limit.Value);
            default:
                var due = DueAt(s, calendar);
                return (now - s.Start) / (due - s.Start);
        }
    }

    public static Colour ColourOf(double used) => used >= 1 ? Colour.Red : used >= YellowAt ? Colour.Yellow : Colour.Green;

    /// <summary>The instant the stage turns yellow (80% used).</summary>
    public static DateTimeOffset YellowAtInstant(StageLimit s, WorkCalendar calendar) => s.Limit.Clock switch
    {
        ClockKind.WorkingHours => calendar.AddWorkingTime(s.Start, TimeSpan.FromHours(s.Limit.Value) * YellowAt),
        ClockKind.WorkingDays => calendar.AddWorkingTime(s.Start, calendar.DayLength * s.Limit.Value * YellowAt),
        _ => s.Start + (DueAt(s, calendar) - s.Start) * YellowAt,
    };
}
