namespace SpatialGrid.Hotspots;

/// <summary>
/// One way of forecasting the events per cell over the <c>horizon</c> days from a day. <see cref="Fit"/> sees only days
/// before <c>origin</c>, <see cref="Predict"/> only days before <c>day</c> (day ≥ origin): nothing of the days judged
/// reaches a forecast, except in the ceiling, which says so.
/// </summary>
public interface IForecaster
{
    string Name { get; }
    string Description { get; }
    /// <summary>True for the ceiling: it looks at the whole period, so it measures what the data allow, not a method.</summary>
    bool Causal => true;
    void Fit(HotspotData data, int origin, int horizon) { }
    void Predict(HotspotData data, int day, int horizon, double[] expected);
}

/// <summary>(a) What happened in each cell the day before, as the forecast for every day ahead.</summary>
public sealed class YesterdayCounts : IForecaster
{
    public string Name => "a_yesterday";
    public string Description => "yesterday's count per cell";

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        for (var c = 0; c < expected.Length; c++) expected[c] = data.Counts.Total.On(day - 1, c) * horizon;
    }
}

/// <summary>(b) the mean daily count over the last N days; (d) with N = 365, over whatever history there is up to a year.</summary>
public sealed class WindowMean(int windowDays, string name) : IForecaster
{
    public string Name => name;
    public string Description => $"mean daily count per cell over the last {windowDays} days";

    /// <summary>What the forecast for <paramref name="day"/> reads: the window, or all the history before the day when that is shorter.</summary>
    public string DescribeAt(int day) => day >= windowDays ? Description : $"mean daily count per cell over the {day} days of history (of the {windowDays} this baseline reads)";

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        var n = Math.Min(windowDays, day);
        for (var c = 0; c < expected.Length; c++) expected[c] = n == 0 ? 0 : data.Counts.Total.Before(day, windowDays, c) / n * horizon;
    }
}

/// <summary>
/// (c) A Gaussian kernel density of the last N days' events, integrated over each cell (the mean of its sample points
/// times its area) and scaled to the mean daily total of the window: an expected count, not only a ranking.
/// </summary>
public sealed class KernelDensity(double bandwidthM, int windowDays, string name) : IForecaster
{
    public string Name => name;
    public string Description => $"Gaussian KDE, {bandwidthM} m bandwidth, last {windowDays} days";

    public void Predict(HotspotData data, int day, int horizon, double[] expected) =>
        Surface.Fill(data, data.Gaussian(bandwidthM), day, windowDays, horizon, expected);
}

/// <summary>
/// (e) A KDE whose bandwidth and window are chosen, before each origin, by PAI at 5 % on the validation days just before
/// it (never on the days judged).
/// </summary>
public sealed class TunedKernelDensity(int validationDays) : IForecaster
{
    public static readonly double[] Bandwidths = [100, 200, 400, 800, 1600];
    public static readonly int[] Windows = [14, 28, 91, 365];

    public string Name => "e_kde_tuned";
    public string Description => $"Gaussian KDE, bandwidth {string.Join("/", Bandwidths)} m and window {string.Join("/", Windows)} days chosen by PAI@5% on the {validationDays} days before each origin";
    public (double Bandwidth, int Window) Chosen { get; private set; } = (400, 28);
    public List<(int Origin, double Bandwidth, int Window)> Choices { get; } = [];

    public void Fit(HotspotData data, int origin, int horizon)
    {
        var days = Enumerable.Range(origin - validationDays - horizon + 1, validationDays).Where(d => d >= 28).ToList();
        if (days.Count == 0) return;
        var best = double.NegativeInfinity;
        var expected = new double[data.Cells.Count];
        foreach (var bw in Bandwidths)
            foreach (var w in Windows)
            {
                var surface = data.Gaussian(bw);
                var score = Metrics.PooledPai(data, days, horizon, 0.05, d => { Surface.Fill(data, surface, d, w, horizon, expected); return expected; });
                if (score > best + 1e-12) { best = score; Chosen = (bw, w); }
            }
        Choices.Add((origin, Chosen.Bandwidth, Chosen.Window));
    }

    public void Predict(HotspotData data, int day, int horizon, double[] expected) =>
        Surface.Fill(data, data.Gaussian(Chosen.Bandwidth), day, Chosen.Window, horizon, expected);
}

/// <summary>
/// (f) Prospective hotspotting (Bowers, Johnson &amp; Pease 2004): every event of the last eight weeks within 400 m adds
/// 1 / (1 + distance bands of 100 m) × 1 / (1 + whole weeks since), scaled to the last 28 days' mean daily total.
/// </summary>
public sealed class ProspectiveHotspots : IForecaster
{
    public const double BandM = 100, RadiusM = 400;
    public const int Weeks = 8;

    public string Name => "f_prospective";
    public string Description => $"prospective hotspotting: {RadiusM} m in {BandM} m bands, {Weeks} weeks, weights 1/(1+band)·1/(1+week)";

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        var surface = data.Prospective(BandM, RadiusM);
        for (var c = 0; c < expected.Length; c++)
        {
            double risk = 0;
            for (var w = 0; w < Weeks; w++) risk += surface.Sum(day - 7 * (w + 1), day - 7 * w, c) / (1 + w);
            expected[c] = risk;
        }
        Surface.ScaleTo(expected, data.MeanDailyTotal(day, 28) * horizon);
    }
}

/// <summary>
/// (z) The intensity ceiling, not causal: cells ranked by their count over the whole period leaving out the days judged.
/// No forecast made from the past can rank cells much better than their long-run intensity does; a method that beats
/// this by far at the daily horizon leaks the answer.
/// </summary>
public sealed class IntensityCeiling : IForecaster
{
    public string Name => "z_intensity_ceiling";
    public string Description => "non-causal: each cell's count over the whole period leaving out the days judged";
    public bool Causal => false;

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        var rest = Math.Max(1, data.Days - horizon);
        for (var c = 0; c < expected.Length; c++)
            expected[c] = (data.Counts.Total.Total(c) - data.Counts.Outcome(day, horizon, c)) / rest * horizon;
    }
}

internal static class Surface
{
    /// <summary>A kernel surface over the window before the day, scaled to the window's mean daily total × horizon.</summary>
    public static void Fill(HotspotData data, DailySeries surface, int day, int windowDays, int horizon, double[] expected)
    {
        for (var c = 0; c < expected.Length; c++) expected[c] = surface.Before(day, windowDays, c);
        ScaleTo(expected, data.MeanDailyTotal(day, windowDays) * horizon);
    }

    public static void ScaleTo(double[] values, double total)
    {
        var sum = values.Sum();
        if (sum <= 0) { Array.Fill(values, values.Length == 0 ? 0 : total / values.Length); return; }
        var k = total / sum;
        for (var i = 0; i < values.Length; i++) values[i] *= k;
    }
}
