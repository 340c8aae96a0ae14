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

public sealed record BoostedOptions
{
    /// <summary>Days just before each origin on which the trainer and settings are chosen (never the days judged).</summary>
    public int ValidationDays { get; init; } = 28;
    /// <summary>Choose among the settings again every this many refits (1 = every origin); the shrinkage weight is chosen at every refit.</summary>
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
/// the rows before it, with the trainer, its settings and a shrinkage weight toward the cell's long-run rate chosen on the
/// validation days before the origin by Poisson deviance (the long-run rate is a strong forecast of a cell's intensity;
/// the trees add what the recent days, the neighbours and the calendar tell beyond it). Rows are cell-days whose outcome window ends before the origin: nothing judged is trained on.
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
        // Trainer and settings (and whether the patrol features help) every few refits; the weight of the long-run rate at
        // every refit (one extra training). All chosen on the validation days before the origin, with models trained on the
        // rows before those days.
        var selecting = fits++ % Math.Max(1, options.SelectEvery) == 0;
        var candidates = selecting ? options.Settings : [Chosen];
        if (selecting) features = withPatrol;
        var validationFirst = origin - horizon - options.ValidationDays + 1;
        var days = Enumerable.Range(validationFirst, options.ValidationDays).ToArray();
        var outcome = days.Select(d => Enumerable.Range(0, data.Cells.Count).Select(c => data.Counts.Outcome(d, horizon, c)).ToArray()).ToArray();
        var longRun = days.Select(d => { var r = new double[data.Cells.Count]; LongRun(data, d, horizon, r); return r; }).ToArray();
        var train = Rows(data, validationFirst - horizon + 1, horizon);
        var devs = new double[candidates.Count];
        var best = (Setting: 0, Alpha: 1.0, Deviance: double.PositiveInfinity);
        for (var s = 0; s < candidates.Count; s++)
        {
            var (alpha, dev) = Validate(Train(train, candidates[s]), data, days, outcome, longRun);
            devs[s] = dev;
            if (dev < best.Deviance - 1e-12) best = (s, alpha, dev);
        }
        Chosen = candidates[best.Setting];
        Alpha = best.Alpha;
        var patrolNote = "";
        if (selecting && withoutPatrol is not null)
        {
            features = withoutPatrol;
            var (alpha, dev) = Validate(Train(Rows(data, validationFirst - horizon + 1, horizon), Chosen), data, days, outcome, longRun);
            if (dev < best.Deviance - 1e-12) { Alpha = alpha; patrolNote = $", without patrol features ({dev:0.0000} < {best.Deviance:0.0000})"; }
            else { features = withPatrol; patrolNote = $", with patrol features ({best.Deviance:0.0000} ≤ {dev:0.0000} without)"; }
        }
        Choices.Add((origin, $"{Chosen.Name} α={Alpha:0.0}{patrolNote}", devs));
        model = Train(Rows(data, origin - horizon + 1, horizon), Chosen);
    }

    /// <summary>The weight of a candidate's forecast against the long-run rate that gives the lowest mean deviance on the validation days, and that deviance.</summary>
    private (double Alpha, double Deviance) Validate(ITransformer candidate, HotspotData data, int[] days, double[][] outcome, double[][] longRun)
    {
        var predicted = days.Select(d => { var e = new double[data.Cells.Count]; Predict(candidate, data, d, e); return e; }).ToArray();
        var best = (Alpha: 1.0, Deviance: double.PositiveInfinity);
        foreach (var alpha in Alphas)
        {
            double dev = 0; var n = 0;
            for (var i = 0; i < days.Length; i++)
                for (var c = 0; c < data.Cells.Count; c++, n++)
                    dev += Metrics.PoissonDeviance(outcome[i][c], alpha * predicted[i][c] + (1 - alpha) * longRun[i][c]);
            dev /= Math.Max(1, n);
            if (dev < best.Deviance - 1e-12) best = (alpha, dev);
        }
        return best;
    }

    public void Predict(HotspotData data, int day, int horizon, double[] expected)
    {
        if (model is null) throw new InvalidOperationException("the model is predicted before it is fitted");
        Predict(model, data, day, expected);
        if (Alpha >= 1) return;
        var longRun = new double[expected.Length];
        LongRun(data, day, horizon, longRun);
        for (var c = 0; c < expected.Length; c++) expected[c] = Alpha * expected[c] + (1 - Alpha) * longRun[c];
    }

    /// <summary>Weights of the trees' forecast against the cell's long-run rate tried on validation days (1 = trees alone).</summary>
    public static readonly double[] Alphas = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0];

    /// <summary>The weight of the trees in the forecast; the rest is the cell's long-run rate (shrinkage toward it).</summary>
    public double Alpha { get; private set; } = 1;

    /// <summary>The cell's mean daily count over the year before the day (or the history there is) × horizon.</summary>
    private static void LongRun(HotspotData data, int day, int horizon, double[] into) => YearMean.Predict(data, day, horizon, into);

    private static readonly WindowMean YearMean = new(365, "d_counts_365d");

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
        var rows = new List<Row>();
        for (var d = first; d < end; d++)
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
                rows.Add(row);
            }
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
