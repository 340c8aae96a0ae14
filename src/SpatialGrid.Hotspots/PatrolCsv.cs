namespace SpatialGrid.Hotspots;

/// <summary>
/// Patrol minutes per cell and day from a table (a CSV's header and rows with their line numbers): the cell's id as the
/// cells name it (a grid code, a beat number; on a lattice the column_row id counted from the south-west corner), the
/// day (yyyy-MM-dd or a date-time, read at the date it names) and the minutes walked there. Rows of the same cell and
/// day add up (one row per worker or visit is fine). Rows before or after the events' period are counted and left
/// out; a row naming no known cell, a bad day or minutes that are not a number of 0 or more is named by its line.
/// </summary>
public static class PatrolCsv
{
    public static readonly string[] CellNames = ["cell", "cell_id", "grid", "grid_code", "code", "beat", "beat_num", "id"];
    public static readonly string[] DayNames = ["date", "day"];
    public static readonly string[] MinuteNames = ["minutes", "patrol_minutes", "min"];

    public sealed record Result(DailySeries? Minutes, List<string> Problems, int BadRows, int OutsidePeriod, double TotalMinutes);

    private const string Hint = "a patrol file has the columns cell, date and minutes";

    public static Result Parse(string[] header, IEnumerable<(int Line, string[] Cells)> rows, CellSet cells, EventTable events)
    {
        var problems = new List<string>();
        var cell = EventsCsv.Find(header, null, CellNames, "cell", problems, Hint);
        var date = EventsCsv.Find(header, null, DayNames, "date", problems, Hint);
        var minutes = EventsCsv.Find(header, null, MinuteNames, "minutes", problems, Hint);
        if (problems.Count > 0) return new Result(null, problems, 0, 0, 0);

        var daily = new double[events.Days * cells.Count];
        int bad = 0, outside = 0;
        double total = 0;
        foreach (var (line, values) in rows)
        {
            string? Value(int i) => i < values.Length && values[i].Trim() is { Length: > 0 } v ? v : null;
            var why = new List<string>();
            var id = Value(cell);
            var index = id is null ? -1 : cells.IndexOf(id);
            if (id is null) why.Add("no cell");
            else if (index < 0) why.Add($"cell '{EventsCsv.Clip(id)}' is not one of the {cells.Count:N0} cells");
            var day = EventsCsv.ParseDay(Value(date), out _);
            if (day is null) why.Add(Value(date) is { } d ? $"date '{EventsCsv.Clip(d)}' is not a date (yyyy-MM-dd or an RFC 3339 date-time)" : "no date");
            var m = EventsCsv.ParseNumber(Value(minutes));
            if (m is null or < 0) why.Add(Value(minutes) is { } t ? $"minutes '{EventsCsv.Clip(t)}' are not a number of 0 or more" : "no minutes");
            if (why.Count > 0)
            {
                bad++;
                if (problems.Count < EventsCsv.MaxProblems) problems.Add($"line {line}: {string.Join("; ", why)}");
                continue;
            }
            var at = day!.Value.DayNumber - events.FirstDay.DayNumber;
            if (at < 0 || at >= events.Days) { outside++; continue; }
            daily[at * cells.Count + index] += m!.Value;
            total += m.Value;
        }
        if (bad > EventsCsv.MaxProblems) problems.Add($"… and {bad - EventsCsv.MaxProblems:N0} more bad rows");
        return new Result(DailySeries.FromDaily(events.Days, cells.Count, daily), problems, bad, outside, total);
    }
}
