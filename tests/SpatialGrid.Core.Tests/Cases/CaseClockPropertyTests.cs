using CsCheck;
using SpatialGrid.Core.Calendar;
using SpatialGrid.Core.Cases;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Core.Tests.Cases;

/// <summary>
/// Properties of the deadline clock over random calendars (random holidays and make-up working days, one to three
/// working periods a day), random start instants and random limits: deadlines move forward with the start and with
/// the limit, a working-time deadline lies inside working time, adding a then b is adding a + b, and the working time
/// counted back between the start and the deadline is the limit.
/// </summary>
public class CaseClockPropertyTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly DateOnly First = new(2026, 1, 1);

    /// <summary>Holidays and make-up days within two years; periods cut from a day at random quarter-hour marks.</summary>
    private static readonly Gen<WorkCalendar> Calendars = Gen.Select(
        Gen.Int[0, 729].Array[0, 60], Gen.Int[0, 729].Array[0, 12], Gen.Int[1, 95].Array[2, 6],
        (holidays, makeUps, marks) =>
        {
            var cuts = marks.Distinct().Order().Select(m => new TimeOnly(0, 0).AddMinutes(15 * m)).ToList();
            if (cuts.Count % 2 == 1) cuts.RemoveAt(cuts.Count - 1);
            var periods = cuts.Count < 2 ? WorkCalendar.DefaultPeriods.ToList()
                : Enumerable.Range(0, cuts.Count / 2).Select(i => new WorkPeriod(cuts[2 * i], cuts[2 * i + 1])).ToList();
            return new WorkCalendar(holidays.Select(First.AddDays), makeUps.Select(First.AddDays), periods, Cst);
        });

    /// <summary>An instant within the two years, to the second, in any offset (the calendar works in its own).</summary>
    private static readonly Gen<DateTimeOffset> Instants = Gen.Select(Gen.Long[0, 700L * 86400], Gen.Int[-12, 14],
        (seconds, offset) => new DateTimeOffset(First.ToDateTime(TimeOnly.MinValue), Cst).AddSeconds(seconds).ToOffset(TimeSpan.FromHours(offset)));

    // Up to 60 hours of working time: with the shortest generated day (15 minutes) that is 240 working days, within
    // the ten years AddWorkingTime searches before it gives up on a calendar.
    private static readonly Gen<TimeSpan> Amounts = Gen.Int[0, 60 * 60].Select(m => TimeSpan.FromMinutes(m));

    private static readonly Gen<TimeLimit> Limits = Gen.Select(Gen.Int[1, 30], Gen.Enum<ClockKind>(), (v, k) => new TimeLimit(v, k));

    private static bool InWorkingTime(WorkCalendar c, DateTimeOffset t)
    {
        var local = t.ToOffset(c.UtcOffset).DateTime;
        var time = TimeOnly.FromDateTime(local);
        // A deadline is the end of the last working moment: (start, end] of a period, on a working day.
        return c.IsWorkingDay(DateOnly.FromDateTime(local)) && c.Periods.Any(p => time > p.Start && time <= p.End);
    }

    [Fact]
    public void A_working_time_deadline_lies_inside_working_time_and_counts_back_to_its_amount()
    {
        Gen.Select(Calendars, Instants, Amounts).Sample((c, t, d) =>
        {
            var due = c.AddWorkingTime(t, d);
            Assert.Equal(TimeSpan.Zero, due.Offset);
            Assert.Equal(d, c.WorkingTimeBetween(t, due));
            if (d > TimeSpan.Zero) Assert.True(InWorkingTime(c, due), $"{due.ToOffset(Cst):O} is not working time");
            else Assert.Equal(t, due);
            // No working time to add still answers in UTC, as every other result (PostgreSQL takes timestamptz in UTC only).
            Assert.Equal(TimeSpan.Zero, c.AddWorkingTime(t, TimeSpan.Zero).Offset);
        }, iter: 3000);
    }

    [Fact]
    public void Adding_a_then_b_is_adding_a_plus_b()
    {
        Gen.Select(Calendars, Instants, Amounts, Amounts).Sample((c, t, a, b) =>
            Assert.Equal(c.AddWorkingTime(t, a + b), c.AddWorkingTime(c.AddWorkingTime(t, a), b)), iter: 3000);
    }

    [Fact]
    public void Working_time_between_instants_adds_up_over_a_point_between_them()
    {
        Gen.Select(Calendars, Instants, Instants, Instants).Sample((c, x, y, z) =>
        {
            var (a, b, m) = Sorted(x, y, z);
            Assert.Equal(c.WorkingTimeBetween(a, b), c.WorkingTimeBetween(a, m) + c.WorkingTimeBetween(m, b));
            Assert.Equal(TimeSpan.Zero, c.WorkingTimeBetween(b, a));
        }, iter: 2000);
    }

    private static (DateTimeOffset A, DateTimeOffset B, DateTimeOffset Middle) Sorted(params DateTimeOffset[] t)
    {
        var s = t.Order().ToArray();
        return (s[0], s[2], s[1]);
    }

    [Fact]
    public void Deadlines_are_monotonic_in_the_start_and_in_the_limit_on_every_clock()
    {
        Gen.Select(Calendars, Instants, Instants, Limits, Gen.Int[0, 10]).Sample((c, x, y, limit, more) =>
        {
            var (early, late) = x <= y ? (x, y) : (y, x);
            var longer = limit with { Value = limit.Value + more };
            Assert.True(CaseClock.DueAt(new(Stage.Feedback, early, limit), c) <= CaseClock.DueAt(new(Stage.Feedback, late, limit), c));
            Assert.True(CaseClock.DueAt(new(Stage.Feedback, early, limit), c) <= CaseClock.DueAt(new(Stage.Feedback, early, longer), c));
        }, iter: 3000);
    }

    [Fact]
    public void Time_used_grows_with_now_is_all_used_at_the_deadline_and_the_colours_follow()
    {
        Gen.Select(Calendars, Instants, Limits, Gen.Int[0, 60 * 24 * 40], Gen.Int[0, 60 * 24 * 40]).Sample((c, start, limit, m1, m2) =>
        {
            var s = new StageLimit(Stage.Closing, start, limit);
            var due = CaseClock.DueAt(s, c);
            var yellow = CaseClock.YellowAtInstant(s, c);
            Assert.True(start < due, $"{limit} from {start:O} is due at {due:O}");
            Assert.InRange(yellow, start, due);
            Assert.Equal(1.0, CaseClock.Used(s, due, c));
            Assert.Equal(Colour.Red, CaseClock.ColourOf(CaseClock.Used(s, due, c)));
            var (a, b) = (start.AddMinutes(Math.Min(m1, m2)), start.AddMinutes(Math.Max(m1, m2)));
            Assert.True(CaseClock.Used(s, a, c) <= CaseClock.Used(s, b, c));
            if (b < yellow) Assert.Equal(Colour.Green, CaseClock.ColourOf(CaseClock.Used(s, b, c)));
            if (b > due) Assert.Equal(Colour.Red, CaseClock.ColourOf(CaseClock.Used(s, b, c)));
        }, iter: 3000);
    }

    [Fact]
    public void A_day_is_a_working_day_by_the_weekend_holiday_and_make_up_rules_and_then_holds_a_day_of_working_time()
    {
        Gen.Select(Gen.Int[0, 729].Array[0, 60], Gen.Int[0, 729].Array[0, 12], Gen.Int[0, 729]).Sample((holidays, makeUps, n) =>
        {
            var c = new WorkCalendar(holidays.Select(First.AddDays), makeUps.Select(First.AddDays), WorkCalendar.DefaultPeriods, Cst);
            var day = First.AddDays(n);
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            // A make-up day works even on a weekend (or a day also listed as a holiday); else weekdays that are no holiday.
            Assert.Equal(makeUps.Contains(n) || (!weekend && !holidays.Contains(n)), c.IsWorkingDay(day));
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Cst);
            Assert.Equal(c.IsWorkingDay(day) ? c.DayLength : TimeSpan.Zero, c.WorkingTimeBetween(midnight, midnight.AddDays(1)));
        }, iter: 3000);
    }

    [Fact]
    public void The_2026_national_calendar_is_kept_holidays_off_make_up_days_on_and_a_working_day_skips_them()
    {
        var csv = CalendarCsv.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "calendar", "cn-2026.csv")));
        Assert.Empty(csv.Errors);
        var c = new WorkCalendar(csv.Holidays, csv.Workdays, WorkCalendar.DefaultPeriods, Cst);
        foreach (var day in csv.Holidays) Assert.False(c.IsWorkingDay(day), $"{day} is a holiday");
        foreach (var day in csv.Workdays) Assert.True(c.IsWorkingDay(day), $"{day} is a make-up working day");
        Gen.Select(Gen.Int[0, 364], Gen.Int[0, 24 * 60 - 1], Gen.Int[1, 10]).Sample((n, minute, days) =>
        {
            var start = new DateTimeOffset(new DateOnly(2026, 1, 1).AddDays(n).ToDateTime(TimeOnly.MinValue), Cst).AddMinutes(minute);
            var due = CaseClock.DueAt(new StageLimit(Stage.Closing, start, new TimeLimit(days, ClockKind.WorkingDays)), c);
            // The deadline is as many working days on as the limit: the days between that are working days are
            // counted whole, and no holiday in between shortens the time.
            var local = due.ToOffset(Cst);
            Assert.True(c.IsWorkingDay(DateOnly.FromDateTime(local.DateTime)), $"{local:O} is not a working day");
            Assert.Equal(c.DayLength * days, c.WorkingTimeBetween(start, due));
            // Counted inclusively from the start's day to the deadline's, the working days are the limit, or one more
            // when the start's day was already partly worked or over: no holiday in between shortens the time.
            var from = DateOnly.FromDateTime(start.ToOffset(Cst).DateTime);
            var to = DateOnly.FromDateTime(local.DateTime);
            var workingDays = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Count(i => c.IsWorkingDay(from.AddDays(i)));
            Assert.InRange(workingDays, days, days + 1);
        }, iter: 2000);
    }
}
