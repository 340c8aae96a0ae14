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
    public int Outside { get; }
    public int Count => Day.Length;

    private EventTable(DateOnly first, int days, IReadOnlyList<string> classes, int[] day, int[] cell, int[] cls, double[] x, double[] y, int outside)
    {
        FirstDay = first; Days = days; Classes = classes; Day = day; Cell = cell; Class = cls; X = x; Y = y; Outside = outside;
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
        var xL = new List<double>(list.Count); var yL = new List<double>(list.Count);
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
        }
        if (dayL.Count == 0) throw new HotspotInputException($"none of the {list.Count} events lies inside a cell: are the events and the cells of the same city and in longitude/latitude?");
        return new EventTable(firstDay, days, classes, [.. dayL], [.. cellL], [.. clsL], [.. xL], [.. yL], outside);
    }
}
