namespace SpatialGrid.Core.Calendar;

/// <summary>A period of working time within a working day, in local time.</summary>
public readonly record struct WorkPeriod(TimeOnly Start, TimeOnly End);

/// <summary>
/// Working days and hours in the city's time zone: weekends and public holidays are off, make-up working days
/// (调休) are on. All arithmetic is on local wall-clock time at a fixed UTC offset (China: +8, no daylight saving).
/// </summary>
public sealed class WorkCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workdays;

    public TimeSpan UtcOffset { get; }
    public IReadOnlyList<WorkPeriod> Periods { get; }

    /// <summary>The working time of one working day.</summary>
    public TimeSpan DayLength { get; }

    public WorkCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeUpWorkdays, IReadOnlyList<WorkPeriod> periods, TimeSpan utcOffset)
    {
        if (periods.Count == 0 || periods.Any(p => p.End <= p.Start)) throw new ArgumentException("working periods must be non-empty and each end after it starts");
        _holidays = holidays.ToHashSet();
        _workdays = makeUpWorkdays.ToHashSet();
        Periods = periods.OrderBy(p => p.Start).ToList();
        UtcOffset = utcOffset;
        DayLength = TimeSpan.FromTicks(Periods.Sum(p => (p.End - p.Start).Ticks));
    }

    /// <summary>The default office hours 08:30–12:00 and 13:30–17:30 (7.5 h), UTC+8, no holidays.</summary>
    public static WorkCalendar WeekendsOnly() => new([], [], DefaultPeriods, TimeSpan.FromHours(8));

    public static readonly WorkPeriod[] DefaultPeriods = [new(new(8, 30), new(12, 0)), new(new(13, 30), new(17, 30))];

    public bool IsWorkingDay(DateOnly day) =>
        _workdays.Contains(day) || (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day));

    private DateTime Local(DateTimeOffset t) => t.ToOffset(UtcOffset).DateTime;

    // Results are UTC instants: PostgreSQL stores timestamptz from UTC only.
    private DateTimeOffset FromLocal(DateTime local) => new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), UtcOffset).ToUniversalTime();

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return TimeSpan.Zero;
        DateTime a = Local(from), b = Local(to);
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(a); day <= DateOnly.FromDateTime(b); day = day.AddDays(1))
        {
            if (!IsWorkingDay(day)) continue;
            foreach (var p in Periods)
            {
                var start = day.ToDateTime(p.Start);
                var end = day.ToDateTime(p.End);
                var s = start > a ? start : a;
                var e = end < b ? end : b;
                if (e > s) total += e - s;
            }
        }
        return total;
    }

    /// <summary>The instant at which <paramref name="amount"/> of working time has passed after <paramref name="from"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero) return from.ToUniversalTime();
        var a = Local(from);
        var left = amount;
        for (var day = DateOnly.FromDateTime(a); ; day = day.AddDays(1))
        {
            if (day > DateOnly.FromDateTime(a).AddDays(3660)) throw new InvalidOperationException("no working time in ten years: check the calendar");
            if (!IsWorkingDay(day)) continue;
            foreach (var p in Periods)
            {
                var start = day.ToDateTime(p.Start);
                var end = day.ToDateTime(p.End);
                var s = start > a ? start : a;
                if (end <= s) continue;
                var available = end - s;
                if (available >= left) return FromLocal(s + left);
                left -= available;
            }
        }
    }

    /// <summary>Local midnight-to-midnight calendar days later, at the same local time.</summary>
    public DateTimeOffset AddCalendarDays(DateTimeOffset from, int days) => FromLocal(Local(from).AddDays(days));
}

/// <summary>Reads the yearly calendar files (gis-data/calendar/cn-YYYY.csv: date,kind,name).</summary>
public static class CalendarCsv
{
    public static (List<DateOnly> Holidays, List<DateOnly> Workdays, List<string> Errors) Parse(string text)
    {
        var holidays = new List<DateOnly>();
        var workdays = new List<DateOnly>();
        var errors = new List<string>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var f = line.Split(',');
            if (f.Length < 2 || !DateOnly.TryParseExact(f[0], "yyyy-MM-dd", out var date)) { errors.Add($"line {i + 1}: expected yyyy-MM-dd,holiday|workday,name"); continue; }
            switch (f[1])
            {
                case "holiday": holidays.Add(date); break;
                case "workday": workdays.Add(date); break;
                default: errors.Add($"line {i + 1}: kind '{f[1]}' is neither holiday nor workday"); break;
            }
        }
        return (holidays, workdays, errors);
    }
}
