namespace SpatialGrid.Hotspots;

public sealed record BacktestOptions
{
    /// <summary>Days judged, the last ones of the period (at least 60 for a verdict; fewer are allowed for small trials).</summary>
    public int TestDays { get; init; } = 60;
    /// <summary>Days forecast at once: 1 (daily) or 7 (weekly), from features known before the first.</summary>
    public int Horizon { get; init; } = 1;
    /// <summary>The model is refitted, and the tuned KDE retuned, every this many test days, on the days before.</summary>
    public int RefitEveryDays { get; init; } = 7;
    public BoostedOptions Model { get; init; } = new();
    /// <summary>Also run the model without its patrol-effort features, to show how much of the gain is effort.</summary>
    public bool PatrolAblation { get; init; } = true;
    public bool IncludeModel { get; init; } = true;
}

/// <summary>A bootstrap interval of a ratio (2.5 % and 97.5 % quantiles).</summary>
public readonly record struct Interval(double Low, double High);

/// <summary>One method's place in the table.</summary>
public sealed record MethodSummary(string Name, string Description, bool Causal, double[] HitRate, double[] Pai, double[] Pei, double Deviance);

/// <summary>One shift slot's table in a per-shift back-test, with the model's ratios on that slot alone.</summary>
public sealed record ShiftSummary(string Shift, IReadOnlyList<MethodSummary> Methods, string BestBaseline, double? PaiRatioToBest,
    Interval? PaiRatioInterval, double? PaiRatioToCeiling, double? DevianceRatioToBest);

public sealed record BacktestReport(
    IReadOnlyList<MethodSummary> Methods,
    IReadOnlyList<DateOnly> TestDays,
    int Horizon,
    int Cells,
    int EventsInCells,
    int EventsOutside,
    string BestBaseline,
    string BestDevianceBaseline,
    double? PaiRatioToBest,
    Interval? PaiRatioInterval,
    double? PaiRatioToCeiling,
    double? DevianceRatioToBest,
    IReadOnlyList<string> Notes,
    PatrolEffortShare PatrolEffort,
    IReadOnlyList<CalibrationTable> Calibration)
{
    /// <summary>The shifts judged ("00:00–08:00, …"); null for the daily back-test. With shifts the figures above pool every cell × shift.</summary>
    public string? Shifts { get; init; }
    /// <summary>With shifts: each shift slot's own table and ratios.</summary>
    public IReadOnlyList<ShiftSummary> PerShift { get; init; } = [];

    /// <summary>The table in Markdown, coverage levels as columns.</summary>
    public string ToMarkdown() => Table(Methods.Select(m => ((string?)null, m)));

    /// <summary>The per-shift tables in one, the shift as the first column (empty for the daily back-test).</summary>
    public string ShiftsToMarkdown() => PerShift.Count == 0 ? "" : Table(PerShift.SelectMany(s => s.Methods.Select(m => ((string?)s.Shift, m))));

    private static string Table(IEnumerable<(string? Shift, MethodSummary Method)> rows)
    {
        var list = rows.ToList();
        var shift = list.Any(r => r.Shift is not null);
        var w = new System.Text.StringBuilder();
        w.AppendLine($"| {(shift ? "shift | " : "")}method | hit 1% | hit 5% | hit 10% | PAI 1% | PAI 5% | PAI 10% | PEI 1% | PEI 5% | PEI 10% | deviance/cell-day |");
        w.AppendLine($"|{(shift ? "---|" : "")}---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (s, m) in list)
            w.AppendLine($"| {(shift ? s + " | " : "")}{m.Name} | {string.Join(" | ", m.HitRate.Select(v => v.ToString("0.000")))} | {string.Join(" | ", m.Pai.Select(v => v.ToString("0.00")))} | {string.Join(" | ", m.Pei.Select(v => v.ToString("0.000")))} | {m.Deviance:0.0000} |");
        return w.ToString();
    }
}

/// <summary>
/// The rolling-origin back-test: for each test day D (the last <see cref="BacktestOptions.TestDays"/> of the period),
/// every method forecasts the events per cell over [D, D + horizon) from what was known before D; refits happen every
/// few days on the days before. The same days and the same cells for every method; the measures are those of
/// <see cref="Metrics"/>. Per shift, the unit is cell × shift: every method forecasts each shift of day D from its own
/// copy fitted on that shift's events (and the model also on the whole days' counts), cells are ranked within each
/// shift, and the day's shifts are pooled into the day (the bootstrap draws blocks of whole days).
/// </summary>
public static class Backtest
{
    public static IReadOnlyList<IForecaster> Baselines(BacktestOptions o) =>
    [
        new YesterdayCounts(),
        new WindowMean(28, "b_mean_28d"),
        new KernelDensity(FeatureBuilder.KernelBandwidthM, 28, "c_kde_28d"),
        new WindowMean(365, "d_counts_365d"),
        new TunedKernelDensity(o.Model.ValidationDays),
        new ProspectiveHotspots(),
        new IntensityCeiling(),
    ];

    public static BacktestReport Run(HotspotData data, BacktestOptions o, IProgress<(int Done, int Total, string What)>? progress = null) =>
        Run(data, null, o, progress);

    /// <summary>The back-test at the cell × day unit (<paramref name="shifts"/> null) or at the cell × shift unit.</summary>
    public static BacktestReport Run(HotspotData data, ShiftSpec? shifts, BacktestOptions o, IProgress<(int Done, int Total, string What)>? progress = null)
    {
        if (o.Horizon is < 1 or > 28) throw new HotspotInputException($"the horizon must be 1 to 28 days, not {o.Horizon}");
        if (o.TestDays < 1) throw new HotspotInputException("at least one test day is needed");
        if (o.RefitEveryDays is < 1 or > 365) throw new HotspotInputException($"refit every 1 to 365 days, not {o.RefitEveryDays}");
        if (o.Model.ValidationDays is < 1 or > 180) throw new HotspotInputException($"the validation days must be 1 to 180, not {o.Model.ValidationDays}");
        IReadOnlyList<HotspotData> slots = shifts is null ? [data] : data.ByShift(shifts);
        var methods = slots.Select(slot => Methods(slot, o)).ToArray();
        var model = methods[0].OfType<BoostedForecaster>().FirstOrDefault();
        var lastStart = data.Days - o.Horizon;
        var first = lastStart - o.TestDays + 1;
        var needed = model?.MinimumOrigin(o.Horizon) ?? 29;
        if (first < needed)
            throw new HotspotInputException($"too little history: {data.Days} days from {data.Events.FirstDay:yyyy-MM-dd}; {o.TestDays} test days at a {o.Horizon}-day horizon need {needed + o.TestDays + o.Horizon - 1} days (at least {needed} before the first test day)");

        var cells = data.Cells.Count;
        var scores = methods.Select(ms => ms.ToDictionary(m => m.Name, _ => new List<DayScore>())).ToArray();
        // Every forecast and outcome of the test cell-days (cell-shift-days), for the calibration tables (floats: a lattice
        // of 10,000 cells over 60 days is 2.4 MB a method).
        var cellDays = o.TestDays * slots.Count * cells;
        var forecasts = methods[0].ToDictionary(m => m.Name, _ => new float[cellDays]);
        var observed = new float[cellDays];
        var expected = new double[cells];
        var outcome = new double[cells];
        var total = o.TestDays;
        for (var day = first; day <= lastStart; day++)
        {
            var done = day - first;
            if (done % Math.Max(1, o.RefitEveryDays) == 0)
                for (var s = 0; s < slots.Count; s++)
                    foreach (var m in methods[s])
                    {
                        progress?.Report((done, total, $"fitting {m.Name}{(slots[s].Shift is { } shift ? $" for {shift}" : "")} at {data.Events.DateOf(day):yyyy-MM-dd}"));
                        m.Fit(slots[s], day, o.Horizon);
                    }
            for (var s = 0; s < slots.Count; s++)
            {
                var slot = slots[s];
                for (var c = 0; c < cells; c++) outcome[c] = slot.Counts.Outcome(day, o.Horizon, c);
                var at = (done * slots.Count + s) * cells;
                for (var c = 0; c < cells; c++) observed[at + c] = (float)outcome[c];
                foreach (var m in methods[s])
                {
                    Array.Clear(expected);
                    m.Predict(slot, day, o.Horizon, expected);
                    scores[s][m.Name].Add(Metrics.Score(slot, day, o.Horizon, expected, outcome));
                    var into = forecasts[m.Name];
                    for (var c = 0; c < cells; c++) into[at + c] = (float)expected[c];
                }
            }
            progress?.Report((done + 1, total, $"scored {data.Events.DateOf(day):yyyy-MM-dd}"));
        }

        var k5 = Array.IndexOf(Metrics.Coverages, 0.05);
        var pooled = methods[0].ToDictionary(m => m.Name, m => Enumerable.Range(0, o.TestDays).Select(i => Metrics.Merge(scores.Select(sc => sc[m.Name][i]).ToList())).ToList());
        var summaries = Summarise(methods[0], pooled);
        var verdict = Judge(summaries, methods[0], pooled, model?.Name, k5);
        var (best, bestDev) = (verdict.Best, verdict.BestDeviance);
        var notes = new List<string>();
        if (EmptyDays(data) is { } gaps) notes.Add(gaps);
        var patrol = PatrolEffortShare.NoData(!data.HasPatrolEffort
            ? data.PatrolMinutes is null ? "no patrol data given: the share of the gain that comes from patrol effort cannot be measured"
                : "no patrol minutes recorded in the period: the share of the gain that comes from patrol effort cannot be measured"
            : !o.IncludeModel ? "baselines only: no model whose gain could be shared out" : "the patrol ablation was switched off");
        string Prefix(int s) => slots[s].Shift is { } shift ? $"{shift}: " : "";
        if (model is not null)
        {
            var m = summaries.First(s => s.Name == model.Name);
            if (summaries.FirstOrDefault(s => s.Name == PatrolEffortShare.WithoutPatrolName) is { } without)
            {
                patrol = PatrolEffortShare.Of(m, without, best, bestDev, k5);
                for (var s = 0; s < slots.Count; s++)
                    notes.Add($"{Prefix(s)}model without patrol features chose: " + string.Join("; ", methods[s].OfType<BoostedForecaster>().Single(f => f.Name == without.Name).Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Setting}")));
            }
            for (var s = 0; s < slots.Count; s++)
                notes.Add($"{Prefix(s)}model settings chosen: " + string.Join("; ", methods[s].OfType<BoostedForecaster>().First().Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Setting} (validation deviance {string.Join("/", c.ValidationDeviance.Select(v => v.ToString("0.0000")))})")));
        }
        for (var s = 0; s < slots.Count; s++)
            if (methods[s].OfType<TunedKernelDensity>().FirstOrDefault() is { } tuned)
                notes.Add($"{Prefix(s)}tuned KDE chose: " + string.Join("; ", tuned.Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Bandwidth} m/{c.Window} d")));
        var testDays = Enumerable.Range(first, o.TestDays).Select(data.Events.DateOf).ToList();
        // Calibration of the model (with and without patrol features) and of the best baselines by PAI and by deviance.
        var calibrated = methods[0].OfType<BoostedForecaster>().Select(f => f.Name).Append(best.Name).Append(bestDev.Name).Distinct()
            .Select(name => Calibration.Of(name, forecasts[name], observed)).ToList();
        IReadOnlyList<ShiftSummary> perShift = shifts is null ? [] : Enumerable.Range(0, slots.Count).Select(s =>
        {
            var own = Summarise(methods[s], scores[s]);
            var v = Judge(own, methods[s], scores[s], model?.Name, k5);
            return new ShiftSummary(slots[s].Shift!, own, v.Best.Name, v.Ratio, v.Interval, v.CeilingRatio, v.DevianceRatio);
        }).ToList();
        return new BacktestReport(summaries, testDays, o.Horizon, cells, data.Events.Count, data.Events.Outside,
            best.Name, bestDev.Name, verdict.Ratio, verdict.Interval, verdict.CeilingRatio, verdict.DevianceRatio, notes, patrol, calibrated)
        {
            Shifts = shifts?.ToString(),
            PerShift = perShift,
        };
    }

    /// <summary>The baselines and the ceiling, then the model (and the model without patrol features when there is effort to leave out).</summary>
    private static List<IForecaster> Methods(HotspotData data, BacktestOptions o)
    {
        var methods = Baselines(o).ToList();
        if (!o.IncludeModel) return methods;
        methods.Add(new BoostedForecaster(o.Model));
        if (o.PatrolAblation && data.HasPatrolEffort)
            methods.Add(new BoostedForecaster(o.Model with { PatrolEffort = false }, PatrolEffortShare.WithoutPatrolName));
        return methods;
    }

    private static List<MethodSummary> Summarise(IReadOnlyList<IForecaster> methods, Dictionary<string, List<DayScore>> scores) =>
        methods.Select(m =>
        {
            var s = scores[m.Name];
            var pooled = Metrics.Coverages.Select((_, k) => Metrics.Pooled(s, k)).ToArray();
            return new MethodSummary(m.Name, m.Description, m.Causal, pooled.Select(p => p.HitRate).ToArray(), pooled.Select(p => p.Pai).ToArray(),
                pooled.Select(p => p.Pei).ToArray(), Metrics.MeanDeviance(s));
        }).ToList();

    private sealed record Verdict(MethodSummary Best, MethodSummary BestDeviance, double? Ratio, Interval? Interval, double? CeilingRatio, double? DevianceRatio);

    /// <summary>The best causal baselines (by PAI@5% and by deviance) and the model's ratios to them and to the ceiling.</summary>
    private static Verdict Judge(List<MethodSummary> summaries, IReadOnlyList<IForecaster> methods, Dictionary<string, List<DayScore>> scores, string? model, int k5)
    {
        var baselines = summaries.Where(s => s.Causal && methods.First(m => m.Name == s.Name) is not BoostedForecaster).ToList();
        var best = baselines.MaxBy(s => s.Pai[k5])!;
        var bestDev = baselines.MinBy(s => s.Deviance)!;
        if (model is null) return new Verdict(best, bestDev, null, null, null, null);
        var m = summaries.First(s => s.Name == model);
        var ceiling = summaries.First(s => !s.Causal);
        var (low, high) = Metrics.BootstrapRatio(scores[model], scores[best.Name], k5);
        return new Verdict(best, bestDev, best.Pai[k5] > 0 ? m.Pai[k5] / best.Pai[k5] : null, new Interval(low, high),
            ceiling.Pai[k5] > 0 ? m.Pai[k5] / ceiling.Pai[k5] : null, bestDev.Deviance > 0 ? m.Deviance / bestDev.Deviance : null);
    }

    /// <summary>
    /// Days without a single event in any cell, said once: a day missing from the data (an outage, a cut file) is judged
    /// as a day on which nothing happened, which no forecast can see coming. Null when every day has events.
    /// </summary>
    public static string? EmptyDays(HotspotData data)
    {
        var empty = Enumerable.Range(0, data.Days).Where(d => Enumerable.Range(0, data.Cells.Count).All(c => data.Counts.Total.On(d, c) == 0)).ToList();
        if (empty.Count == 0) return null;
        var (runStart, runLength, start, length) = (empty[0], 1, empty[0], 1);
        for (var i = 1; i < empty.Count; i++)
        {
            length = empty[i] == empty[i - 1] + 1 ? length + 1 : 1;
            if (length == 1) start = empty[i];
            if (length > runLength) (runStart, runLength) = (start, length);
        }
        var run = runLength == 1 ? $"the longest run 1 day ({data.Events.DateOf(runStart):yyyy-MM-dd})"
            : $"the longest run {runLength} days, {data.Events.DateOf(runStart):yyyy-MM-dd} … {data.Events.DateOf(runStart + runLength - 1):yyyy-MM-dd}";
        return $"{empty.Count} of the {data.Days} days have no event in any cell ({run}): a day missing from the data is judged as a day without events; if these are gaps, cut the period or fill them";
    }
}
