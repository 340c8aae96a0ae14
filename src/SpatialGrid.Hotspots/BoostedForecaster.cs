using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace SpatialGrid.Hotspots;

/// <summary>One trainer with its settings, as tried on validation days.</summary>
public sealed record TrainerSetting(string Name, string Family, int Leaves, int Trees, double LearningRate, int MinLeaf)
{
    public override string ToString() => $"{Family} {Leaves} leaves × {Trees} trees, rate {LearningRate}, ≥{MinLeaf} per leaf";
}

/// <summary>How the weight w of the trees in w × trees + (1 − w) × best baseline is chosen on the validation days.</summary>
public enum BlendRule
{
    /// <summary>The weight with the lowest mean Poisson deviance.</summary>
    LowestDeviance,
    /// <summary>The smallest weight whose deviance is within one standard error (paired, per day) of the lowest.</summary>
    DevianceOneStandardError,
    /// <summary>The weight with the highest pooled PAI at 5 % of area; among weights within 0.1 % of it, the lowest deviance.</summary>
    HighestPai,
}

public sealed record BoostedOptions
{
    /// <summary>Days just before each origin on which the trainer and settings are chosen (never the days judged).</summary>
    public int ValidationDays { get; init; } = 28;
    /// <summary>Choose among the settings again every this many refits (1 = every origin); the blend weight and its baseline are chosen at every refit.</summary>
    public int SelectEvery { get; init; } = 4;
    /// <summary>Days of rows trained on, the most recent before the origin.</summary>
    public int MaxTrainDays { get; init; } = 365;
    /// <summary>Days of history a row needs before it is trained on: earlier rows have nearly empty windows.</summary>
    public int WarmUpDays { get; init; } = 28;
    /// <summary>Cell-days without events kept per cell-day with events (the rest dropped, the kept ones weighted up): sparse lattices stay trainable.</summary>
    public double ZerosPerEvent { get; init; } = 6;
    public bool PatrolEffort { get; init; } = true;
    /// <summary>
    /// With patrol minutes: whenever the trainer is chosen, also try the chosen trainer without the patrol-effort features
    /// on the same validation days and keep them only if they lower the deviance (recorded problems follow patrols, and
    /// features that merely restate past counts cost the model); one training more per choice.
    /// </summary>
    public bool ChoosePatrolEffort { get; init; } = true;
    /// <summary>How the blend weight of the trees against the best baseline is chosen on the validation days.</summary>
    public BlendRule Blend { get; init; } = BlendRule.HighestPai;
    public int Seed { get; init; } = 2019;
    public IReadOnlyList<TrainerSetting> Settings { get; init; } = DefaultSettings;

    /// <summary>Poisson boosting (FastTree's Tweedie objective at index 1 is the Poisson log-likelihood) and LightGBM (squared error).</summary>
    public static readonly TrainerSetting[] DefaultSettings =
    [
        new("poisson-small", "FastTreeTweedie", 8, 150, 0.05, 100),
        new("poisson-large", "FastTreeTweedie", 24, 300, 0.03, 200),
        new("lightgbm", "LightGbm", 16, 200, 0.05, 100),
    ];
}

/// <summary>
/// The model: gradient-boosted trees (ML.NET) on the expected count per cell over the horizon, refitted at each origin on
/// the rows before it, with the trainer, its settings and a blend weight with the best baseline chosen on the validation
/// days before the origin (forecast combination: the forecast is w × trees + (1 − w) × the baseline with the lowest
/// deviance on those days, w of 0, ¼, ½, ¾ or 1 chosen by <see cref="BoostedOptions.Blend"/>; the trainer by Poisson
/// deviance; a baseline such as the long-run rate is a strong forecast of a cell's intensity, the trees add what the
/// recent days, the neighbours and the calendar tell beyond it). Rows are cell-days whose outcome window ends before the origin:
/// nothing judged is trained on.
/// </summary>
public sealed class BoostedForecaster : IForecaster
{
    private readonly BoostedOptions options;
    private readonly MLContext ml;
    /// <summary>The inputs in use: with the patrol-effort features, or without them when the validation days chose so.</summary>
    private FeatureBuilder? features;
    private FeatureBuilder? withPatrol, withoutPatrol;
    private ITransformer? model;
    private DataViewSchema? schema;
    private int fits;

    public BoostedForecaster(BoostedOptions? options = null, string name = "model")
    {
        this.options = options ?? new BoostedOptions();
        Name = name;
        ml = new MLContext(this.options.Seed);
    }

    public string Name { get; }
    public string Description => $"ML.NET boosted trees, chosen on {options.ValidationDays} validation days before each origin{(options.PatrolEffort ? "" : ", without patrol-effort features")}";
    public TrainerSetting Chosen { get; private set; } = BoostedOptions.DefaultSettings[0];
    public List<(int Origin, string Setting, double[] ValidationDeviance)> Choices { get; } = [];
    public IReadOnlyList<FeatureInfo> Features => features?.Features ?? [];
    /// <summary>Whether the fitted model uses the patrol-effort features (false without patrol data or when the validation days dropped them).</summary>
    public bool UsesPatrolEffort => features is { } f && f.Features.Any(x => x.Group == "patrol");
    public ITransformer? Model => model;
    /// <summary>Where the last <see cref="Fit"/> spent its time, phase by phase (the training benchmark prints it).</summary>
    public List<(string Phase, TimeSpan Time)> FitTimings { get; } = [];

    /// <summary>The first origin the model can be fitted at: warm-up, a week of rows at least, validation and the horizon.</summary>
    public int MinimumOrigin(int horizon) => options.WarmUpDays + 7 + options.ValidationDays + 2 * horizon;

    public void Fit(HotspotData data, int origin, int horizon)
    {
        withPatrol ??= new FeatureBuilder(data, options.PatrolEffort);
        if (withoutPatrol is null && options.ChoosePatrolEffort && withPatrol.Features.Any(f => f.Group == "patrol"))
            withoutPatrol = new FeatureBuilder(data, patrolEffort: false);
        features ??= withPatrol;
        if (origin < MinimumOrigin(horizon))
            throw new HotspotInputException($"too little history to train on: {origin} days before the first forecast, the model needs at least {MinimumOrigin(horizon)} ({options.WarmUpDays} of warm-up, 7 to learn from, {options.ValidationDays} to validate on)");
        // Trainer and settings (and whether the patrol features help) every few refits; the baseline blended with and its
        // weight at every refit (one extra training). All chosen on the validation days before the origin, with models trained on the
        // rows before those days.
        FitTimings.Clear();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Lap(string phase) { FitTimings.Add((phase, clock.Elapsed)); clock.Restart(); }
        var selecting = fits++ % Math.Max(1, options.SelectEvery) == 0;
        var candidates = selecting ? options.Settings : [Chosen];
        if (selecting) features = withPatrol;
        var validationFirst = origin - horizon - options.ValidationDays + 1;
        var days = Enumerable.Range(validationFirst, options.ValidationDays).ToArray();
        var outcome = days.Select(d => Enumerable.Range(0, data.Cells.Count).Select(c => data.Counts.Outcome(d, horizon, c)).ToArray()).ToArray();
        // The baseline to blend with: the one with the lowest deviance on these validation days, on its own (the first of
        // equals, in the list's order). The baselines need no fitting and read only the data: computed side by side.
        var tried = new (IForecaster Method, double[][] Forecast, double Deviance)[BlendBaselines.Count];
        Parallel.For(0, tried.Length, b =>
        {
            var forecast = Forecasts(BlendBaselines[b], data, days, horizon);
            tried[b] = (BlendBaselines[b], forecast, MeanDeviance(outcome, forecast));
        });
        var (baseline, baselineForecast, _) = tried.MinBy(p => p.Deviance);
        Lap("validation outcomes and baselines");
        List<Row>? train = Rows(data, validationFirst - horizon + 1, horizon);
        Lap("validation rows");
        var devs = new double[candidates.Count];
        var best = (Setting: 0, Blend: default(BlendChoice));
        for (var s = 0; s < candidates.Count; s++)
        {
            ITransformer? trained = Train(train, candidates[s]);
            Lap($"train {candidates[s].Name}");
            var blend = Validate(trained, data, days, horizon, outcome, baselineForecast, Lap);
            devs[s] = blend.BestDeviance;
            if (s == 0 || blend.BestDeviance < best.Blend.BestDeviance - 1e-12) best = (s, blend);
            trained = null;
            if (s < candidates.Count - 1 && ReleaseBetweenTrainings(train.Count)) Lap("collecting garbage");
        }
        var trainRows = train.Count;
        train = null; // the validation rows are done with: let them go before the final rows are made (peak memory)
        if (ReleaseBetweenTrainings(trainRows)) Lap("collecting garbage");
        Chosen = candidates[best.Setting];
        var chosenBlend = best.Blend;
        var patrolNote = "";
        if (selecting && withoutPatrol is not null)
        {
            features = withoutPatrol;
            var blend = Validate(Train(Rows(data, validationFirst - horizon + 1, horizon), Chosen), data, days, horizon, outcome, baselineForecast);
            Lap("without patrol features");
            if (ReleaseBetweenTrainings(trainRows)) Lap("collecting garbage");
            if (blend.BestDeviance < chosenBlend.BestDeviance - 1e-12) { patrolNote = $", without patrol features ({blend.BestDeviance:0.0000} < {chosenBlend.BestDeviance:0.0000})"; chosenBlend = blend; }
            else { features = withPatrol; patrolNote = $", with patrol features ({chosenBlend.BestDeviance:0.0000} ≤ {blend.BestDeviance:0.0000} without)"; }
        }
        Alpha = chosenBlend.Weight;
        Baseline = baseline;
        Choices.Add((origin, $"{Chosen.Name} w={Alpha:0.00} with {baseline.Name}{patrolNote}", devs));
        var rows = Rows(data, origin - horizon + 1, horizon);
        Lap("final rows");
        model = Train(rows, Chosen);
        Lap($"final train {Chosen.Name}");
    }

    /// <summary>Rows from which a fit collects its garbage between trainings (<see cref="ReleaseBetweenTrainings"/>).</summary>
    private const int LargeFit = 100_000;

    /// <summary>
    /// A training at a city's size leaves hundreds of MB of the trainer's large arrays (and LightGBM's native data, which
    /// finalizers free) that the collector lets pile up over the four or five trainings of one fit: collected between them,
    /// so that a fit's peak memory is nearer one training's than all of them together. A blocking full collection, once per
    /// training and only for large fits (the nightly job and the back-tests of big lattices); nothing it does changes a result.
    /// </summary>
    private static bool ReleaseBetweenTrainings(int rows)
    {
        if (rows < LargeFit) return false;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return true;
    }

    /// <summary>A blend weight chosen on the validation days: the weight, the deviance there, and the lowest deviance of any weight.</summary>
    private readonly record struct BlendChoice(double Weight, double Deviance, double BestDeviance);

    private static double[][] Forecasts(IForecaster f, HotspotData data, int[] days, int horizon) =>
        days.Select(d => { var e = new double[data.Cells.Count]; f.Predict(data, d, horizon, e); return e; }).ToArray();

    private static double MeanDeviance(double[][] outcome, double[][] expected)
    {
        double dev = 0; var n = 0;
        for (var i = 0; i < outcome.Length; i++)
            for (var c = 0; c < outcome[i].Length; c++, n++) dev += Metrics.PoissonDeviance(outcome[i][c], expected[i][c]);
        return dev / Math.Max(1, n);
    }

    /// <summary>
    /// The weight of a candidate's forecast against the baseline's on the validation days, by <see cref="BoostedOptions.Blend"/>:
    /// the highest pooled PAI@5% (the ranking of the top cells, which is what the hotspot map and the patrol allocation
    /// use; weights that rank the top cells alike are told apart by deviance), the lowest mean Poisson deviance, or the
    /// smallest weight (the most baseline) whose deviance is within one standard error (per-day differences, paired) of
    /// the lowest. The lowest deviance of any weight is returned too: it is what the trainers are compared by.
    /// </summary>
    private BlendChoice Validate(ITransformer candidate, HotspotData data, int[] days, int horizon, double[][] outcome, double[][] baseline, Action<string>? lap = null)
    {
        var predicted = days.Select(d => { var e = new double[data.Cells.Count]; Predict(candidate, data, d, e); return e; }).ToArray();
        lap?.Invoke("validation scoring");
        var perDay = new double[Weights.Length][];
        Parallel.For(0, Weights.Length, k =>
        {
            var w = Weights[k];
            perDay[k] = new double[days.Length];
            for (var i = 0; i < days.Length; i++)
            {
                double dev = 0;
                for (var c = 0; c < data.Cells.Count; c++) dev += Metrics.PoissonDeviance(outcome[i][c], w * predicted[i][c] + (1 - w) * baseline[i][c]);
                perDay[k][i] = dev / Math.Max(1, data.Cells.Count);
            }
        });
        var mean = perDay.Select(d => d.Average()).ToArray();
        var bestK = 0;
        for (var k = 1; k < Weights.Length; k++) if (mean[k] < mean[bestK] - 1e-12) bestK = k;
        var takeK = bestK;
        if (options.Blend == BlendRule.HighestPai)
        {
            var pai = new double[Weights.Length];
            Parallel.For(0, Weights.Length, k => pai[k] = Metrics.PooledPai(data, days, horizon, 0.05, d =>
            {
                var i = d - days[0];
                return predicted[i].Select((m, c) => Weights[k] * m + (1 - Weights[k]) * baseline[i][c]).ToArray();
            }));
            // Weights whose rankings catch as much (within 0.1 %) rank the top cells alike: the deviance decides among them.
            var top = pai.Max();
            takeK = Enumerable.Range(0, Weights.Length).Where(k => pai[k] >= top * 0.999).MinBy(k => mean[k]);
        }
        else if (options.Blend == BlendRule.DevianceOneStandardError && days.Length > 1)
            for (var k = 0; k < bestK; k++)
            {
                var diff = perDay[k].Select((v, i) => v - perDay[bestK][i]).ToArray();
                var m = diff.Average();
                var se = Math.Sqrt(diff.Sum(x => (x - m) * (x - m)) / (diff.Length - 1) / diff.Length);
                if (m <= se) { takeK = k; break; }
            }
        lap?.Invoke("blend weight");
        return new BlendChoice(Weights[takeK], mean[takeK], mean[bestK]);
    }

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        if (model is null) throw new InvalidOperationException("the model is predicted before it is fitted");
        Predict(model, data, day, expected);
        if (Alpha >= 1) return;
        var baseline = new double[expected.Length];
        PredictBaseline(data, day, horizon, baseline);
        for (var c = 0; c < expected.Length; c++) expected[c] = Alpha * expected[c] + (1 - Alpha) * baseline[c];
    }

    /// <summary>The blended baseline's own forecast (the part of the forecast with weight 1 − <see cref="Alpha"/>).</summary>
    public void PredictBaseline(HotspotData data, int day, int horizon, double[] into) => Baseline.Predict(data, day, horizon, into);

    /// <summary>Weights of the trees' forecast against the best baseline tried on validation days (1 = trees alone, 0 = the baseline alone).</summary>
    public static readonly double[] Weights = [0, 0.25, 0.5, 0.75, 1];

    /// <summary>The weight of the trees in the forecast; the rest is <see cref="Baseline"/>'s forecast (forecast combination).</summary>
    public double Alpha { get; private set; } = 1;

    /// <summary>The baseline the forecast is blended with: of <see cref="BlendBaselines"/>, the best by deviance on the last validation days.</summary>
    public IForecaster Baseline { get; private set; } = BlendBaselines[3];

    /// <summary>The baselines the model may be blended with: those that need no fitting (the back-test's a–d and f).</summary>
    public static readonly IReadOnlyList<IForecaster> BlendBaselines =
    [
        new YesterdayCounts(),
        new WindowMean(28, "b_mean_28d"),
        new KernelDensity(FeatureBuilder.KernelBandwidthM, 28, "c_kde_28d"),
        new WindowMean(365, "d_counts_365d"),
        new ProspectiveHotspots(),
    ];

    /// <summary>
    /// Why each cell's forecast is what it is: the features that raise it most (tree-path contributions, ML.NET's
    /// FeatureContributionCalculator), with the cell's value of each. Empty lists when the model cannot say.
    /// </summary>
    public List<Contribution>[] Explain(HotspotData data, int day, int top = 3)
    {
        var result = new List<Contribution>[data.Cells.Count];
        for (var c = 0; c < result.Length; c++) result[c] = [];
        if (model is not ISingleFeaturePredictionTransformer<ICalculateFeatureContribution> trees) return result;
        var fb = features!;
        var rows = Enumerable.Range(0, data.Cells.Count).Select(c => { var r = new Row { Features = new float[fb.Count] }; fb.Fill(day, c, r.Features); return r; }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows, Schema());
        var calculator = ml.Transforms.CalculateFeatureContribution(trees, numberOfPositiveContributions: top, numberOfNegativeContributions: 0, normalize: false).Fit(view);
        var i = 0;
        foreach (var contributions in calculator.Transform(view).GetColumn<float[]>("FeatureContributions"))
        {
            result[i] = contributions.Select((w, k) => (w, k)).Where(p => p.w > 0).OrderByDescending(p => p.w).Take(top)
                .Select(p => new Contribution(fb.Features[p.k], rows[i].Features[p.k], p.w)).ToList();
            i++;
        }
        return result;
    }

    /// <summary>The trained model as ML.NET's zip, to keep beside its version.</summary>
    public byte[] Save()
    {
        if (model is null || schema is null) throw new InvalidOperationException("nothing is fitted yet");
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    private sealed class Row
    {
        public float[] Features = [];
        public float Label;
        public float Weight;
    }

    /// <summary>Rows for the days whose outcome window ends before <paramref name="end"/> + horizon − 1, i.e. days &lt; end.</summary>
    private List<Row> Rows(HotspotData data, int end, int horizon)
    {
        var fb = features!;
        var first = Math.Max(options.WarmUpDays, end - options.MaxTrainDays);
        var cells = data.Cells.Count;
        double positives = 0, zeros = 0;
        for (var d = first; d < end; d++)
            for (var c = 0; c < cells; c++)
                if (data.Counts.Outcome(d, horizon, c) > 0) positives++; else zeros++;
        var keep = zeros == 0 ? 1 : Math.Clamp(options.ZerosPerEvent * positives / zeros, 0.01, 1);
        // Each day's rows on their own (the features read the data only), then put together in day order: the same list as one loop.
        var byDay = new List<Row>[Math.Max(0, end - first)];
        Parallel.For(first, Math.Max(first, end), d =>
        {
            var dayRows = new List<Row>();
            for (var c = 0; c < cells; c++)
            {
                var y = data.Counts.Outcome(d, horizon, c);
                var weight = 1f;
                if (y == 0 && keep < 1)
                {
                    if (Hash01(d, c) >= keep) continue;
                    weight = (float)(1 / keep);
                }
                var row = new Row { Features = new float[fb.Count], Label = (float)y, Weight = weight };
                fb.Fill(d, c, row.Features);
                dayRows.Add(row);
            }
            byDay[d - first] = dayRows;
        });
        var rows = new List<Row>(byDay.Sum(r => r.Count));
        foreach (var dayRows in byDay) rows.AddRange(dayRows);
        return rows;
    }

    private static double Hash01(int d, int c)
    {
        var h = (uint)(d * 73856093) ^ (uint)(c * 19349663);
        h ^= h >> 13; h *= 0x5bd1e995; h ^= h >> 15;
        return h / (double)uint.MaxValue;
    }

    private SchemaDefinition Schema()
    {
        var def = SchemaDefinition.Create(typeof(Row));
        def[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features!.Count);
        return def;
    }

    private ITransformer Train(List<Row> rows, TrainerSetting s)
    {
        if (rows.Count == 0) throw new HotspotInputException("there are no rows to train on: the history before the first forecast is too short");
        if (rows.All(r => r.Label == 0)) throw new HotspotInputException("no event at all in the training period: there is nothing to learn risk from");
        var view = ml.Data.LoadFromEnumerable(rows, Schema());
        schema = view.Schema;
        IEstimator<ITransformer> trainer = s.Family switch
        {
            "FastTreeTweedie" => ml.Regression.Trainers.FastTreeTweedie(new FastTreeTweedieTrainer.Options
            {
                LabelColumnName = nameof(Row.Label), FeatureColumnName = nameof(Row.Features), ExampleWeightColumnName = nameof(Row.Weight),
                Index = 1.0, NumberOfLeaves = s.Leaves, NumberOfTrees = s.Trees, LearningRate = s.LearningRate,
                MinimumExampleCountPerLeaf = s.MinLeaf, Shrinkage = 1, FeatureFraction = 0.8, Seed = options.Seed,
            }),
            "LightGbm" => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = nameof(Row.Label), FeatureColumnName = nameof(Row.Features), ExampleWeightColumnName = nameof(Row.Weight),
                NumberOfLeaves = s.Leaves, NumberOfIterations = s.Trees, LearningRate = s.LearningRate,
                MinimumExampleCountPerLeaf = s.MinLeaf, Seed = options.Seed, Verbose = false, Silent = true,
            }),
            _ => throw new ArgumentException($"unknown trainer family '{s.Family}'"),
        };
        return trainer.Fit(view);
    }

    private void Predict(ITransformer m, HotspotData data, int day, double[] expected)
    {
        var fb = features!;
        var rows = new Row[data.Cells.Count];
        for (var c = 0; c < rows.Length; c++)
        {
            rows[c] = new Row { Features = new float[fb.Count] };
            fb.Fill(day, c, rows[c].Features);
        }
        var scored = m.Transform(ml.Data.LoadFromEnumerable(rows, Schema()));
        var i = 0;
        foreach (var v in scored.GetColumn<float>("Score"))
            expected[i++] = float.IsFinite(v) ? Math.Max(v, 0) : 0;
    }
}
