using SpatialGrid.Core.Calendar;

namespace SpatialGrid.Hotspots;

/// <summary>
/// Everything a forecast may draw on, for one set of cells and one period: the located events and their counts, optional
/// daily series per cell (device alerts, patrol minutes), optional fixed attributes per cell (component density by
/// class) and the working-day calendar. Kernel surfaces are built on first use and kept.
/// </summary>
public sealed class HotspotData
{
    public CellSet Cells { get; }
    public EventTable Events { get; }
    public CountCube Counts { get; }
    public WorkCalendar Calendar { get; }
    /// <summary>Device alerts per cell and day, when known.</summary>
    public DailySeries? Alerts { get; init; }
    /// <summary>Patrol minutes per cell and day (from grid visits), when known: the effort that finds problems.</summary>
    public DailySeries? PatrolMinutes { get; init; }

    /// <summary>Patrol minutes are known and some were walked: a series of zeros (no visit ever recorded) says nothing about effort.</summary>
    public bool HasPatrolEffort => PatrolMinutes is { } p && Enumerable.Range(0, p.Cells).Any(c => p.Total(c) > 0);
    /// <summary>Fixed values per cell by name (e.g. "manhole covers per km²"), when known.</summary>
    public IReadOnlyDictionary<string, double[]> Attributes { get; init; } = new Dictionary<string, double[]>();

    /// <summary>For one shift's data: the whole days' data it was cut from (its counts are the model's daily features).</summary>
    public HotspotData? Whole { get; private init; }
    /// <summary>For one shift's data: the shift, e.g. "16:00–24:00".</summary>
    public string? Shift { get; private init; }

    private readonly Dictionary<string, DailySeries> kernels = [];
    private readonly Lock gate = new();

    public HotspotData(CellSet cells, EventTable events, WorkCalendar? calendar = null)
    {
        Cells = cells;
        Events = events;
        Counts = new CountCube(events, cells.Count);
        Calendar = calendar ?? WorkCalendar.WeekendsOnly();
    }

    public int Days => Events.Days;

    /// <summary>
    /// One data set per shift slot: the events of that shift only, on the same cells and days; the daily series (alerts,
    /// patrol minutes) and attributes as they are. Refused, saying how many, when events lack a time of day.
    /// </summary>
    public IReadOnlyList<HotspotData> ByShift(ShiftSpec shifts)
    {
        Events.RequireTimes();
        return Enumerable.Range(0, shifts.Count).Select(s => new HotspotData(Cells, Events.InShift(shifts, s), Calendar)
        {
            Alerts = Alerts, PatrolMinutes = PatrolMinutes, Attributes = Attributes, Whole = this, Shift = shifts.Label(s),
        }).ToList();
    }

    public DailySeries Gaussian(double bandwidthM) => Kernel($"g{bandwidthM}", () => KernelSurface.Gaussian(Cells, Events, bandwidthM));

    public DailySeries Prospective(double bandM, double radiusM) => Kernel($"p{bandM}/{radiusM}", () => KernelSurface.Prospective(Cells, Events, bandM, radiusM));

    private DailySeries Kernel(string key, Func<DailySeries> build)
    {
        lock (gate)
        {
            if (!kernels.TryGetValue(key, out var s)) kernels[key] = s = build();
            return s;
        }
    }

    /// <summary>Events per day over all cells in the <paramref name="window"/> days before <paramref name="day"/> (0 with no history).</summary>
    public double MeanDailyTotal(int day, int window)
    {
        var from = Math.Max(0, day - window);
        if (day <= from) return 0;
        double sum = 0;
        for (var c = 0; c < Cells.Count; c++) sum += Counts.Total.Sum(from, day, c);
        return sum / (day - from);
    }
}
