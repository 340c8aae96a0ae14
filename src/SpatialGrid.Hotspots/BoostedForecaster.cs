using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace SpatialGrid.Hotspots;

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
    /// <summary>For scoring, explaining and saving; each training has a context of its own (<see cref="TreeRows.Train"/>).</summary>
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
            throw new HotspotInputException($"too little history to train on: {origin} days before the first forecast, the model needs at least {MinimumOrigin(horizon)} ({options.WarmUpDays} of warm-up, 7 to learn from, {options.ValidationDays} to validate on, {2 * horizon} for the outcomes of the last rows and the validation days)");
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
        List<TreeRows.Row>? train = Rows(data, validationFirst - horizon + 1, horizon);
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
        var passedOver = chosenBlend.PassedOver is { } p ? $" (w={p:0.00} ranked better, but forecast worse than {baseline.Name} alone)" : "";
        Choices.Add((origin, $"{Chosen.Name} w={Alpha:0.00} with {baseline.Name}{passedOver}{patrolNote}", devs));
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

    /// <summary>
    /// A blend weight chosen on the validation days: the weight, the deviance there, the lowest deviance of any weight, and a
    /// weight that ranked the top cells better but was passed over because its deviance was above the baseline's alone.
    /// </summary>
    private readonly record struct BlendChoice(double Weight, double Deviance, double BestDeviance, double? PassedOver);

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
    /// The weight of a candidate's forecast against the baseline's on the validation days, by <see cref="BoostedOptions.Blend"/>
    /// (<see cref="BlendWeight.Choose"/>): by default the highest pooled PAI@5% (the ranking of the top cells, which is what
    /// the hotspot map and the patrol allocation use) among the weights that forecast no worse than the baseline alone. The
    /// lowest deviance of any weight is returned too: it is what the trainers are compared by.
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
        double[]? pai = null;
        if (options.Blend == BlendRule.HighestPai)
        {
            pai = new double[Weights.Length];
            Parallel.For(0, Weights.Length, k => pai[k] = Metrics.PooledPai(data, days, horizon, 0.05, d =>
            {
                var i = d - days[0];
                return predicted[i].Select((m, c) => Weights[k] * m + (1 - Weights[k]) * baseline[i][c]).ToArray();
            }));
        }
        var choice = BlendWeight.Choose(options.Blend, Weights, perDay, pai);
        var mean = perDay.Select(d => d.Average()).ToArray();
        lap?.Invoke("blend weight");
        return new BlendChoice(Weights[choice.Chosen], mean[choice.Chosen], mean[choice.LowestDeviance], choice.PassedOver < 0 ? null : Weights[choice.PassedOver]);
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
        var rows = TreeRows.Day(fb, data, day);
        var view = ml.Data.LoadFromEnumerable(rows, TreeRows.Schema(fb.Count));
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

    private List<TreeRows.Row> Rows(HotspotData data, int end, int horizon) => TreeRows.Training(features!, data, end, horizon, options);

    private ITransformer Train(List<TreeRows.Row> rows, TrainerSetting s)
    {
        (var trained, schema) = TreeRows.Train(rows, s, features!.Count, options.Seed);
        return trained;
    }

    private void Predict(ITransformer m, HotspotData data, int day, double[] expected) => TreeRows.Predict(ml, m, features!, data, day, expected);
}
