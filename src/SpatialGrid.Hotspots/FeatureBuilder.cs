namespace SpatialGrid.Hotspots;

/// <summary>One input of the model: its name, a sentence for explanations, and its group (for ablation: "patrol" is effort, not risk).</summary>
public sealed record FeatureInfo(string Name, string Sentence, string Group);

/// <summary>A feature that raises a cell's forecast: its value in the cell and its weight in the trees' score.</summary>
public sealed record Contribution(FeatureInfo Feature, double Value, double Weight)
{
    /// <summary>
    /// "28-day count of litter is high (0.43 a day; 0.05 in the median cell)". A rate at or below the median cell's that
    /// still raises the forecast (the trees read it beside the other inputs: a quiet surrounding with a busy cell) says so,
    /// so that a planner does not read "is low" as a reason for high risk by itself.
    /// </summary>
    public string Describe(double median)
    {
        if (Feature.Group is not ("history" or "neighbours" or "alerts" or "patrol")) return $"{Feature.Sentence}: {Value:0.###}";
        var rate = $"{Value:0.###} a day; {median:0.###} in the median cell";
        return Value > median ? $"{Feature.Sentence} is high ({rate})"
            : Value < median ? $"{Feature.Sentence} is low ({rate}), and with the rest still raises the forecast"
            : $"{Feature.Sentence} is the median cell's ({rate}), and with the rest raises the forecast";
    }
}

/// <summary>
/// The model's inputs for a cell on a day, every one known before that day: counts by class over the last 1, 7, 14, 28,
/// 91 and 365 days (as daily rates over the history there is, so a short history is not read as a quiet cell), the whole
/// history's rate, the same weekday over the past four weeks, the neighbours' rates, a kernel surface, area, fixed
/// attributes, device alerts, patrol minutes and the calendar (weekday, working day, holiday, make-up working day, month).
/// For one shift's data (<see cref="HotspotData.Whole"/> set) the counts are the shift's own (same shift yesterday, over
/// the last 7, 28 … days), and the whole days' counts and the shift's share of the cell's year are added.
/// </summary>
public sealed class FeatureBuilder
{
    public static readonly int[] Lags = [1, 7, 14, 28, 91, 365];
    public static readonly int[] NeighbourWindows = [7, 28, 365];
    public static readonly int[] EffortWindows = [1, 7, 28];
    public const double KernelBandwidthM = 400;

    private readonly HotspotData data;
    private readonly bool patrolEffort;
    private readonly DailySeries kernel;
    private readonly string[] attributeNames;
    public IReadOnlyList<FeatureInfo> Features { get; }

    public FeatureBuilder(HotspotData data, bool patrolEffort = true)
    {
        this.data = data;
        this.patrolEffort = patrolEffort && data.HasPatrolEffort;
        kernel = data.Gaussian(KernelBandwidthM);
        attributeNames = data.Attributes.Keys.Order(StringComparer.Ordinal).ToArray();
        var list = new List<FeatureInfo>();
        var scope = data.Shift is { } shift ? $" in the {shift} shift" : "";
        foreach (var lag in Lags) list.Add(new($"n{lag}d_all", $"{Span(lag)} count of all events{scope}", "history"));
        for (var k = 0; k < data.Events.Classes.Count; k++)
            foreach (var lag in Lags) list.Add(new($"n{lag}d_{Slug(data.Events.Classes[k])}", $"{Span(lag)} count of {data.Events.Classes[k]}{scope}", "history"));
        list.Add(new("history_rate_all", $"long-run count of all events{scope}", "history"));
        list.Add(new("same_weekday_4w", $"count on the same weekday over the past four weeks{scope}", "history"));
        if (data.Whole is not null)
        {
            foreach (var lag in Lags) list.Add(new($"day_n{lag}d_all", $"{Span(lag)} count of all events over whole days", "history"));
            list.Add(new("shift_share_365d", $"share of the cell's events of the past year that fell{scope}", "shift"));
        }
        foreach (var w in NeighbourWindows) list.Add(new($"neighbours_{w}d", $"{Span(w)} count in the neighbouring cells", "neighbours"));
        list.Add(new("kde_28d", $"28-day density of events within about {KernelBandwidthM} m", "neighbours"));
        list.Add(new("kde_365d", $"long-run density of events within about {KernelBandwidthM} m", "neighbours"));
        list.Add(new("area_km2", "the cell's area", "place"));
        foreach (var a in attributeNames) list.Add(new($"attr_{Slug(a)}", a, "place"));
        if (data.Alerts is not null)
            foreach (var w in EffortWindows) list.Add(new($"alerts_{w}d", $"{Span(w)} count of device alerts", "alerts"));
        if (this.patrolEffort)
            foreach (var w in EffortWindows) list.Add(new($"patrol_min_{w}d", $"{Span(w)} patrol minutes", "patrol"));
        list.Add(new("weekday", "the day of the week", "calendar"));
        list.Add(new("working_day", "whether it is a working day", "calendar"));
        list.Add(new("holiday", "a public holiday on a weekday", "calendar"));
        list.Add(new("makeup_workday", "a make-up working day at a weekend", "calendar"));
        list.Add(new("month", "the month", "calendar"));
        Features = list;
    }

    public int Count => Features.Count;

    private static string Span(int days) => days == 1 ? "yesterday's" : days == 365 ? "one-year" : $"{days}-day";

    private static string Slug(string s) => new(s.ToLowerInvariant().Select(ch => char.IsLetterOrDigit(ch) ? ch : '_').ToArray());

    public void Fill(int day, int cell, Span<float> into)
    {
        var i = 0;
        var counts = data.Counts;
        foreach (var lag in Lags) into[i++] = Rate(counts.Total, day, lag, cell);
        foreach (var s in counts.ByClass)
            foreach (var lag in Lags) into[i++] = Rate(s, day, lag, cell);
        into[i++] = day == 0 ? 0 : (float)(counts.Total.Sum(0, day, cell) / day);
        double sw = 0; var nw = 0;
        for (var k = 1; k <= 4; k++) if (day - 7 * k >= 0) { sw += counts.Total.On(day - 7 * k, cell); nw++; }
        into[i++] = nw == 0 ? 0 : (float)(sw / nw);
        if (data.Whole is { } whole)
        {
            foreach (var lag in Lags) into[i++] = Rate(whole.Counts.Total, day, lag, cell);
            var year = whole.Counts.Total.Before(day, 365, cell);
            into[i++] = year > 0 ? (float)(counts.Total.Before(day, 365, cell) / year) : 0;
        }
        var nb = data.Cells.Neighbours[cell];
        foreach (var w in NeighbourWindows)
        {
            double s = 0;
            foreach (var n in nb) s += Rate(counts.Total, day, w, n);
            into[i++] = nb.Length == 0 ? 0 : (float)(s / nb.Length);
        }
        into[i++] = Rate(kernel, day, 28, cell);
        into[i++] = Rate(kernel, day, 365, cell);
        into[i++] = (float)(data.Cells.AreaM2[cell] / 1e6);
        foreach (var a in attributeNames) into[i++] = (float)data.Attributes[a][cell];
        if (data.Alerts is { } alerts)
            foreach (var w in EffortWindows) into[i++] = Rate(alerts, day, w, cell);
        if (patrolEffort)
            foreach (var w in EffortWindows) into[i++] = Rate(data.PatrolMinutes!, day, w, cell);
        var date = data.Events.DateOf(day);
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var working = data.Calendar.IsWorkingDay(date);
        into[i++] = (int)date.DayOfWeek;
        into[i++] = working ? 1 : 0;
        into[i++] = !weekend && !working ? 1 : 0;
        into[i++] = weekend && working ? 1 : 0;
        into[i++] = date.Month;
    }

    private static float Rate(DailySeries s, int day, int window, int cell)
    {
        var n = Math.Min(window, day);
        return n <= 0 ? 0 : (float)(s.Before(day, window, cell) / n);
    }
}
