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
    /// <summary>The table in Markdown, coverage levels as columns.</summary>
    public string ToMarkdown()
    {
        var w = new System.Text.StringBuilder();
        w.AppendLine("| method | hit 1% | hit 5% | hit 10% | PAI 1% | PAI 5% | PAI 10% | PEI 1% | PEI 5% | PEI 10% | deviance/cell-day |");
        w.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var m in Methods)
            w.AppendLine($"| {m.Name} | {string.Join(" | ", m.HitRate.Select(v => v.ToString("0.000")))} | {string.Join(" | ", m.Pai.Select(v => v.ToString("0.00")))} | {string.Join(" | ", m.Pei.Select(v => v.ToString("0.000")))} | {m.Deviance:0.0000} |");
        return w.ToString();
    }
}

/// <summary>
/// The rolling-origin back-test: for each test day D (the last <see cref="BacktestOptions.TestDays"/> of the period),
/// every method forecasts the events per cell over [D, D + horizon) from what was known before D; refits happen every
/// few days on the days before. The same days and the same cells for every method; the measures are those of
/// <see cref="Metrics"/>.
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

    public static BacktestReport Run(HotspotData data, BacktestOptions o, IProgress<(int Done, int Total, string What)>? progress = null)
    {
        if (o.Horizon is < 1 or > 28) throw new HotspotInputException($"the horizon must be 1 to 28 days, not {o.Horizon}");
        if (o.TestDays < 1) throw new HotspotInputException("at least one test day is needed");
        if (o.RefitEveryDays is < 1 or > 365) throw new HotspotInputException($"refit every 1 to 365 days, not {o.RefitEveryDays}");
        if (o.Model.ValidationDays is < 1 or > 180) throw new HotspotInputException($"the validation days must be 1 to 180, not {o.Model.ValidationDays}");
        var methods = Baselines(o).ToList();
        BoostedForecaster? model = null;
        if (o.IncludeModel)
        {
            model = new BoostedForecaster(o.Model);
            methods.Add(model);
            if (o.PatrolAblation && data.HasPatrolEffort)
                methods.Add(new BoostedForecaster(o.Model with { PatrolEffort = false }, PatrolEffortShare.WithoutPatrolName));
        }
        var lastStart = data.Days - o.Horizon;
        var first = lastStart - o.TestDays + 1;
        var needed = model?.MinimumOrigin(o.Horizon) ?? 29;
        if (first < needed)
            throw new HotspotInputException($"too little history: {data.Days} days from {data.Events.FirstDay:yyyy-MM-dd}; {o.TestDays} test days at a {o.Horizon}-day horizon need {needed + o.TestDays + o.Horizon - 1} days (at least {needed} before the first test day)");

        var scores = methods.ToDictionary(m => m.Name, _ => new List<DayScore>());
        // Every forecast and outcome of the test cell-days, for the calibration tables (floats: a lattice of 10,000 cells
        // over 60 days is 2.4 MB a method).
        var cellDays = o.TestDays * data.Cells.Count;
        var forecasts = methods.ToDictionary(m => m.Name, _ => new float[cellDays]);
        var observed = new float[cellDays];
        var expected = new double[data.Cells.Count];
        var outcome = new double[data.Cells.Count];
        var total = o.TestDays;
        for (var day = first; day <= lastStart; day++)
        {
            var done = day - first;
            if (done % Math.Max(1, o.RefitEveryDays) == 0)
                foreach (var m in methods)
                {
                    progress?.Report((done, total, $"fitting {m.Name} at {data.Events.DateOf(day):yyyy-MM-dd}"));
                    m.Fit(data, day, o.Horizon);
                }
            for (var c = 0; c < outcome.Length; c++) outcome[c] = data.Counts.Outcome(day, o.Horizon, c);
            var at = done * outcome.Length;
            for (var c = 0; c < outcome.Length; c++) observed[at + c] = (float)outcome[c];
            foreach (var m in methods)
            {
                Array.Clear(expected);
                m.Predict(data, day, o.Horizon, expected);
                scores[m.Name].Add(Metrics.Score(data, day, o.Horizon, expected, outcome));
                var into = forecasts[m.Name];
                for (var c = 0; c < expected.Length; c++) into[at + c] = (float)expected[c];
            }
            progress?.Report((done + 1, total, $"scored {data.Events.DateOf(day):yyyy-MM-dd}"));
        }

        var k5 = Array.IndexOf(Metrics.Coverages, 0.05);
        var summaries = methods.Select(m =>
        {
            var s = scores[m.Name];
            var pooled = Metrics.Coverages.Select((_, k) => Metrics.Pooled(s, k)).ToArray();
            return new MethodSummary(m.Name, m.Description, m.Causal, pooled.Select(p => p.HitRate).ToArray(), pooled.Select(p => p.Pai).ToArray(),
                pooled.Select(p => p.Pei).ToArray(), Metrics.MeanDeviance(s));
        }).ToList();
        var baselines = summaries.Where(s => s.Causal && methods.First(m => m.Name == s.Name) is not BoostedForecaster).ToList();
        var best = baselines.MaxBy(s => s.Pai[k5])!;
        var bestDev = baselines.MinBy(s => s.Deviance)!;
        var notes = new List<string>();
        var patrol = PatrolEffortShare.NoData(!data.HasPatrolEffort
            ? data.PatrolMinutes is null ? "no patrol data given: the share of the gain that comes from patrol effort cannot be measured"
                : "no patrol minutes recorded in the period: the share of the gain that comes from patrol effort cannot be measured"
            : !o.IncludeModel ? "baselines only: no model whose gain could be shared out" : "the patrol ablation was switched off");
        double? ratio = null, ceilingRatio = null, devRatio = null;
        Interval? interval = null;
        if (model is not null)
        {
            var m = summaries.First(s => s.Name == model.Name);
            var ceiling = summaries.First(s => !s.Causal);
            ratio = best.Pai[k5] > 0 ? m.Pai[k5] / best.Pai[k5] : null;
            var (low, high) = Metrics.BootstrapRatio(scores[model.Name], scores[best.Name], k5);
            interval = new Interval(low, high);
            ceilingRatio = ceiling.Pai[k5] > 0 ? m.Pai[k5] / ceiling.Pai[k5] : null;
            devRatio = bestDev.Deviance > 0 ? m.Deviance / bestDev.Deviance : null;
            if (summaries.FirstOrDefault(s => s.Name == PatrolEffortShare.WithoutPatrolName) is { } without)
            {
                patrol = PatrolEffortShare.Of(m, without, best, bestDev, k5);
                notes.Add("model without patrol features chose: " + string.Join("; ", methods.OfType<BoostedForecaster>().Single(f => f.Name == without.Name).Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Setting}")));
            }
            notes.Add("model settings chosen: " + string.Join("; ", model.Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Setting} (validation deviance {string.Join("/", c.ValidationDeviance.Select(v => v.ToString("0.0000")))})")));
        }
        if (methods.OfType<TunedKernelDensity>().FirstOrDefault() is { } tuned)
            notes.Add("tuned KDE chose: " + string.Join("; ", tuned.Choices.Select(c => $"{data.Events.DateOf(c.Origin):yyyy-MM-dd} {c.Bandwidth} m/{c.Window} d")));
        var testDays = Enumerable.Range(first, o.TestDays).Select(data.Events.DateOf).ToList();
        // Calibration of the model (with and without patrol features) and of the best baselines by PAI and by deviance.
        var calibrated = methods.OfType<BoostedForecaster>().Select(f => f.Name).Append(best.Name).Append(bestDev.Name).Distinct()
            .Select(name => Calibration.Of(name, forecasts[name], observed)).ToList();
        return new BacktestReport(summaries, testDays, o.Horizon, data.Cells.Count, data.Events.Count, data.Events.Outside,
            best.Name, bestDev.Name, ratio, interval, ceilingRatio, devRatio, notes, patrol, calibrated);
    }
}
