namespace SpatialGrid.Hotspots;

/// <summary>
/// A quantity per cell and day (counts, kernel mass, patrol minutes) kept as running sums over days, so that any
/// window's total is two reads: the sum over days [from, to) of cell c is Sum(to, c) − Sum(from, c).
/// </summary>
public sealed class DailySeries
{
    public int Days { get; }
    public int Cells { get; }
    private readonly double[] cum; // (Days + 1) × Cells; row d holds the sum over days before d.

    private DailySeries(int days, int cells, double[] cum) { Days = days; Cells = cells; this.cum = cum; }

    /// <summary>From daily values laid out day-major (value of day d, cell c at d × cells + c).</summary>
    public static DailySeries FromDaily(int days, int cells, double[] daily)
    {
        if (daily.Length != days * cells) throw new ArgumentException("daily values must be days × cells", nameof(daily));
        var cum = new double[(days + 1) * cells];
        for (var d = 0; d < days; d++)
        {
            var row = d * cells; var next = (d + 1) * cells;
            for (var c = 0; c < cells; c++) cum[next + c] = cum[row + c] + daily[row + c];
        }
        return new DailySeries(days, cells, cum);
    }

    /// <summary>The sum over days [from, to), clamped to the series.</summary>
    public double Sum(int from, int to, int cell)
    {
        from = Math.Clamp(from, 0, Days); to = Math.Clamp(to, 0, Days);
        return to <= from ? 0 : cum[to * Cells + cell] - cum[from * Cells + cell];
    }

    /// <summary>The value of one day.</summary>
    public double On(int day, int cell) => Sum(day, day + 1, cell);

    /// <summary>The sum over the <paramref name="window"/> days before <paramref name="day"/>.</summary>
    public double Before(int day, int window, int cell) => Sum(day - window, day, cell);

    /// <summary>The sum over the whole period.</summary>
    public double Total(int cell) => cum[Days * Cells + cell];
}

/// <summary>Event counts per cell and day: the total and one series per class.</summary>
public sealed class CountCube
{
    public DailySeries Total { get; }
    public IReadOnlyList<DailySeries> ByClass { get; }
    public int Days => Total.Days;
    public int Cells => Total.Cells;

    public CountCube(EventTable events, int cells)
    {
        var total = new double[events.Days * cells];
        var byClass = events.Classes.Select(_ => new double[events.Days * cells]).ToArray();
        for (var i = 0; i < events.Count; i++)
        {
            var at = events.Day[i] * cells + events.Cell[i];
            total[at]++;
            byClass[events.Class[i]][at]++;
        }
        Total = DailySeries.FromDaily(events.Days, cells, total);
        ByClass = byClass.Select(a => DailySeries.FromDaily(events.Days, cells, a)).ToArray();
    }

    /// <summary>Events in cell c over the <paramref name="horizon"/> days from <paramref name="day"/>: what a forecast for that day is judged on.</summary>
    public double Outcome(int day, int horizon, int cell) => Total.Sum(day, day + horizon, cell);
}
