namespace SpatialGrid.Hotspots;

/// <summary>One dated event with a place and a class: a case, an alert, a crime report. Time of day when known.</summary>
public readonly record struct HotspotEvent(DateOnly Day, double Lon, double Lat, string Class, TimeOnly? Time = null);

/// <summary>
/// Events located in their cells, on a day axis from the first to the last day: every event keeps its place in metres
/// (for kernel surfaces) and its class, folded to the most frequent classes and "other" so that per-class features
/// stay few. Events outside every cell are counted, not kept.
/// </summary>
public sealed class EventTable
{
    public const string OtherClass = "other";

    public DateOnly FirstDay { get; }
    public int Days { get; }
    public IReadOnlyList<string> Classes { get; }
    public int[] Day { get; }
    public int[] Cell { get; }
    public int[] Class { get; }
    public double[] X { get; }
    public double[] Y { get; }
    /// <summary>Local minute of the day of each event (0–1439), −1 when its time is not known.</summary>
    public int[] Minute { get; }
    public int Outside { get; }
    public int Count => Day.Length;
    /// <summary>Events in cells without a time of day: the per-shift back-test cannot place them in a shift.</summary>
    public int Untimed { get; }

    private EventTable(DateOnly first, int days, IReadOnlyList<string> classes, int[] day, int[] cell, int[] cls, double[] x, double[] y, int[] minute, int outside)
    {
        FirstDay = first; Days = days; Classes = classes; Day = day; Cell = cell; Class = cls; X = x; Y = y; Minute = minute; Outside = outside;
        Untimed = minute.Count(m => m < 0);
    }

    public DateOnly DateOf(int day) => FirstDay.AddDays(day);

    /// <summary>
    /// Locates the events. The period runs from <paramref name="first"/> (default: the first event) to
    /// <paramref name="last"/> (default: the last event) so that trailing days without events still count as days.
    /// </summary>
    public static EventTable Locate(CellSet cells, IEnumerable<HotspotEvent> events, int majorClasses = 6, DateOnly? first = null, DateOnly? last = null)
    {
        var list = events.ToList();
        if (list.Count == 0) throw new HotspotInputException("there are no events");
        var firstDay = first ?? list.Min(e => e.Day);
        var lastDay = last ?? list.Max(e => e.Day);
        if (lastDay < firstDay) throw new HotspotInputException($"the period ends ({lastDay:yyyy-MM-dd}) before it starts ({firstDay:yyyy-MM-dd})");
        var days = lastDay.DayNumber - firstDay.DayNumber + 1;

        var counts = list.GroupBy(e => string.IsNullOrWhiteSpace(e.Class) ? OtherClass : e.Class.Trim())
            .Select(g => (Name: g.Key, N: g.Count())).OrderByDescending(g => g.N).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var major = counts.Where(c => c.Name != OtherClass).Take(majorClasses).Select(c => c.Name).ToList();
        var hasOther = counts.Any(c => !major.Contains(c.Name));
        var classes = hasOther ? [.. major, OtherClass] : major;
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);

        var dayL = new List<int>(list.Count); var cellL = new List<int>(list.Count); var clsL = new List<int>(list.Count);
        var xL = new List<double>(list.Count); var yL = new List<double>(list.Count); var minuteL = new List<int>(list.Count);
        var outside = 0;
        foreach (var e in list)
        {
            if (e.Day < firstDay || e.Day > lastDay) continue;
            var (x, y) = cells.Plane.ToMetres(e.Lon, e.Lat);
            var cell = double.IsFinite(x) && double.IsFinite(y) ? cells.Locate(x, y) : -1;
            if (cell < 0) { outside++; continue; }
            var name = string.IsNullOrWhiteSpace(e.Class) ? OtherClass : e.Class.Trim();
            dayL.Add(e.Day.DayNumber - firstDay.DayNumber);
            cellL.Add(cell);
            clsL.Add(classIndex.TryGetValue(name, out var k) ? k : classIndex[OtherClass]);
            xL.Add(x); yL.Add(y);
            minuteL.Add(e.Time is { } t ? t.Hour * 60 + t.Minute : -1);
        }
        if (dayL.Count == 0) throw new HotspotInputException($"none of the {list.Count} events lies inside a cell: are the events and the cells of the same city and in longitude/latitude?");
        return new EventTable(firstDay, days, classes, [.. dayL], [.. cellL], [.. clsL], [.. xL], [.. yL], [.. minuteL], outside);
    }

    /// <summary>Refuses, saying how many, when events lack a time of day or every time is midnight (dates written as date-times).</summary>
    public void RequireTimes()
    {
        if (Untimed > 0)
            throw new HotspotInputException($"{Untimed:N0} of the {Count:N0} events in cells have no time of day: the per-shift back-test needs every event's time (the daily one does not; give the time in the date, e.g. 2019-05-01T22:15:00, or in a time column)");
        if (Minute.All(m => m == 0))
            throw new HotspotInputException($"all {Count:N0} events are at 00:00: the times look like dates only, and the per-shift back-test needs the time of day");
    }

    /// <summary>
    /// The events of one shift slot, on the same day axis, classes and cells: each on the day its shift starts (an event
    /// in the small hours of a shift begun the evening before goes to that evening's day; one before the period is left out).
    /// </summary>
    public EventTable InShift(ShiftSpec shifts, int slot)
    {
        RequireTimes();
        var keep = new List<(int Index, int Day)>();
        for (var i = 0; i < Count; i++)
        {
            var (shift, s) = shifts.Of(Minute[i]);
            if (s == slot && Day[i] + shift >= 0) keep.Add((i, Day[i] + shift));
        }
        return new EventTable(FirstDay, Days, Classes, [.. keep.Select(k => k.Day)], [.. keep.Select(k => Cell[k.Index])], [.. keep.Select(k => Class[k.Index])],
            [.. keep.Select(k => X[k.Index])], [.. keep.Select(k => Y[k.Index])], [.. keep.Select(k => Minute[k.Index])], Outside);
    }
}
