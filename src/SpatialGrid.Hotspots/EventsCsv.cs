using System.Globalization;

namespace SpatialGrid.Hotspots;

/// <summary>Which columns of an events table hold the date, the place, the class and the time of day; null = found by its usual names.</summary>
public sealed record EventColumns(string? Date = null, string? Lon = null, string? Lat = null, string? Class = null, string? Time = null)
{
    /// <summary>A time-of-day column, read when the date itself carries no time (a file with "date,time,…").</summary>
    public static readonly string[] TimeNames = ["time", "time_of_day", "reported_time", "occurred_time"];
    public static readonly string[] DateNames = ["date", "day", "datetime", "created", "created_at", "createddate", "reported_at", "occurred_at", "time", "t"];
    public static readonly string[] LonNames = ["lon", "longitude", "lng", "long", "x"];
    public static readonly string[] LatNames = ["lat", "latitude", "y"];
    public static readonly string[] ClassNames = ["class", "category", "primary_type", "type", "major_class", "event_class", "requesttype"];
}

/// <summary>
/// Events from a table (a CSV's header and rows, each with its line number): the date as a day (yyyy-MM-dd, an RFC 3339
/// date-time read at the date it names, or the US portal form MM/dd/yyyy hh:mm:ss tt), longitude and latitude in WGS 84,
/// a class. Every bad row is named with its line and why; nothing is guessed. The time of day comes from the date when it
/// has one, else from a time column; a time that cannot be read leaves the event without one (the daily back-test does
/// not need it), counted in <see cref="Result.BadTimes"/> with the first such line, and the per-shift back-test refuses.
/// </summary>
public static class EventsCsv
{
    public sealed record Result(List<HotspotEvent> Events, List<string> Problems, int BadRows)
    {
        /// <summary>Rows whose time of day could not be read: kept, without a time.</summary>
        public int BadTimes { get; init; }
        /// <summary>The first of them, "line 12: time '25:61' is not a time of day (HH:mm or HH:mm:ss)".</summary>
        public string? FirstBadTime { get; init; }
    }

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "MM/dd/yyyy", "MM/dd/yyyy hh:mm:ss tt", "MM/dd/yyyy HH:mm",
    ];

    /// <summary>Problems listed at most; the rest are counted.</summary>
    public const int MaxProblems = 50;

    public static Result Parse(string[] header, IEnumerable<(int Line, string[] Cells)> rows, EventColumns? columns = null)
    {
        columns ??= new EventColumns();
        var problems = new List<string>();
        var date = Find(header, columns.Date, EventColumns.DateNames, "date", problems);
        var lon = Find(header, columns.Lon, EventColumns.LonNames, "longitude", problems);
        var lat = Find(header, columns.Lat, EventColumns.LatNames, "latitude", problems);
        var cls = columns.Class is null ? FindOptional(header, EventColumns.ClassNames) : Find(header, columns.Class, [], "class", problems);
        var timeColumn = columns.Time is null
            ? EventColumns.TimeNames.Select(n => Array.FindIndex(header, h => h.Trim().Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0 && i != date, -1)
            : Find(header, columns.Time, [], "time", problems);
        var events = new List<HotspotEvent>();
        if (problems.Count > 0) return new Result(events, problems, 0);

        var bad = 0; var badTimes = 0; string? firstBadTime = null;
        foreach (var (line, cells) in rows)
        {
            string? Cell(int i) => i >= 0 && i < cells.Length && cells[i].Trim() is { Length: > 0 } v ? v : null;
            var why = new List<string>();
            var dateText = Cell(date);
            var day = ParseDay(dateText, out var time);
            if (day is null) why.Add(dateText is null ? "no date" : $"date '{Clip(dateText)}' is not a date (yyyy-MM-dd or an RFC 3339 date-time)");
            var x = ParseNumber(Cell(lon)); var y = ParseNumber(Cell(lat));
            if (Cell(lon) is null && Cell(lat) is null) why.Add("no longitude/latitude");
            else if (x is null || y is null) why.Add($"longitude/latitude '{Clip(Cell(lon) ?? "")}', '{Clip(Cell(lat) ?? "")}' are not numbers");
            else if (x is < -180 or > 180 || y is < -90 or > 90) why.Add($"({x}, {y}) is not a longitude/latitude in WGS 84");
            if (why.Count > 0)
            {
                bad++;
                if (problems.Count < MaxProblems) problems.Add($"line {line}: {string.Join("; ", why)}");
                continue;
            }
            if (time is null && Cell(timeColumn) is { } timeText)
            {
                time = ParseTime(timeText);
                if (time is null && badTimes++ == 0) firstBadTime = $"line {line}: time '{Clip(timeText)}' is not a time of day (HH:mm or HH:mm:ss)";
            }
            events.Add(new HotspotEvent(day!.Value, x!.Value, y!.Value, Cell(cls) ?? EventTable.OtherClass, time));
        }
        if (bad > MaxProblems) problems.Add($"… and {bad - MaxProblems:N0} more bad rows");
        return new Result(events, problems, bad) { BadTimes = badTimes, FirstBadTime = firstBadTime };
    }

    public static DateOnly? ParseDay(string? text, out TimeOnly? time)
    {
        time = null;
        if (text is null) return null;
        // A date-time with an offset is read at the date and time it names: the city's own clock, as recorded.
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)
            && text.Length > 10)
        {
            time = TimeOnly.FromTimeSpan(dto.TimeOfDay);
            return DateOnly.FromDateTime(dto.DateTime);
        }
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
        {
            if (text.Length > 10) time = TimeOnly.FromDateTime(dt);
            return DateOnly.FromDateTime(dt);
        }
        return null;
    }

    public static TimeOnly? ParseTime(string? text) =>
        text is not null && TimeOnly.TryParseExact(text.Trim(), ["HH:mm", "HH:mm:ss", "H:mm", "H:mm:ss", "HH:mm:ss.FFFFFFF", "hh:mm:ss tt", "h:mm tt"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    internal static double? ParseNumber(string? s) =>
        s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    internal static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>The column for <paramref name="what"/>: the one given, else the first of its usual names; a problem naming the header if none.</summary>
    internal static int Find(string[] header, string? given, string[] usual, string what, List<string> problems, string? hint = null)
    {
        if (given is not null)
        {
            var i = Array.FindIndex(header, h => h.Trim().Equals(given, StringComparison.OrdinalIgnoreCase));
            if (i < 0) problems.Add($"there is no column '{given}' for the {what}; the header has: {string.Join(", ", header)}");
            return i;
        }
        var found = FindOptional(header, usual);
        hint ??= $"name it with --{what switch { "longitude" => "lon", "latitude" => "lat", _ => what }}-column";
        if (found < 0) problems.Add($"no {what} column (looked for {string.Join(", ", usual)}); {hint}; the header has: {string.Join(", ", header)}");
        return found;
    }

    private static int FindOptional(string[] header, string[] usual)
    {
        foreach (var name in usual)
        {
            var i = Array.FindIndex(header, h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i;
        }
        return -1;
    }
}
