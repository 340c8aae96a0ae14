using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace SpatialGrid.Hotspots;

/// <summary>
/// The boosted model's rows (cell-days: features known before the day, the events in the horizon from it, a weight) and
/// its ML.NET trainings and scorings over them.
/// </summary>
internal static class TreeRows
{
    public sealed class Row
    {
        public float[] Features = [];
        public float Label;
        public float Weight;
    }

    /// <summary>
    /// Rows for the days whose outcome window ends before <paramref name="end"/> + horizon − 1, i.e. days &lt; end, the most
    /// recent <see cref="BoostedOptions.MaxTrainDays"/> after the warm-up; cell-days without events thinned to
    /// <see cref="BoostedOptions.ZerosPerEvent"/> per event, the kept ones weighted up.
    /// </summary>
    public static List<Row> Training(FeatureBuilder fb, HotspotData data, int end, int horizon, BoostedOptions options)
    {
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

    /// <summary>Every cell's row for one day (features only), in the cells' order.</summary>
    public static Row[] Day(FeatureBuilder fb, HotspotData data, int day)
    {
        var rows = new Row[data.Cells.Count];
        for (var c = 0; c < rows.Length; c++)
        {
            rows[c] = new Row { Features = new float[fb.Count] };
            fb.Fill(day, c, rows[c].Features);
        }
        return rows;
    }

    private static double Hash01(int d, int c)
    {
        var h = (uint)(d * 73856093) ^ (uint)(c * 19349663);
        h ^= h >> 13; h *= 0x5bd1e995; h ^= h >> 15;
        return h / (double)uint.MaxValue;
    }

    public static SchemaDefinition Schema(int featureCount)
    {
        var def = SchemaDefinition.Create(typeof(Row));
        def[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return def;
    }

    /// <summary>
    /// One training, in an ML.NET context of its own seeded with <paramref name="seed"/>: LightGBM draws from its context's
    /// random stream, so in a shared context its model depended on how many ML.NET objects had been made before it (one
    /// more data view moved a validation deviance in the fourth digit); a context per training makes each model a function
    /// of its rows, settings and seed alone.
    /// </summary>
    public static (ITransformer Model, DataViewSchema Schema) Train(List<Row> rows, TrainerSetting s, int featureCount, int seed)
    {
        if (rows.Count == 0) throw new HotspotInputException("there are no rows to train on: the history before the first forecast is too short");
        if (rows.All(r => r.Label == 0)) throw new HotspotInputException("no event at all in the training period: there is nothing to learn risk from");
        var ml = new MLContext(seed);
        var view = ml.Data.LoadFromEnumerable(rows, Schema(featureCount));
        IEstimator<ITransformer> trainer = s.Family switch
        {
            "FastTreeTweedie" => ml.Regression.Trainers.FastTreeTweedie(new FastTreeTweedieTrainer.Options
            {
                LabelColumnName = nameof(Row.Label), FeatureColumnName = nameof(Row.Features), ExampleWeightColumnName = nameof(Row.Weight),
                Index = 1.0, NumberOfLeaves = s.Leaves, NumberOfTrees = s.Trees, LearningRate = s.LearningRate,
                MinimumExampleCountPerLeaf = s.MinLeaf, Shrinkage = 1, FeatureFraction = 0.8, Seed = seed,
            }),
            "LightGbm" => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = nameof(Row.Label), FeatureColumnName = nameof(Row.Features), ExampleWeightColumnName = nameof(Row.Weight),
                NumberOfLeaves = s.Leaves, NumberOfIterations = s.Trees, LearningRate = s.LearningRate,
                MinimumExampleCountPerLeaf = s.MinLeaf, Seed = seed, Verbose = false, Silent = true,
            }),
            _ => throw new ArgumentException($"unknown trainer family '{s.Family}'"),
        };
        return (trainer.Fit(view), view.Schema);
    }

    /// <summary>A trained model's expected counts for every cell on a day (negative or non-finite scores read as 0).</summary>
    public static void Predict(MLContext ml, ITransformer m, FeatureBuilder fb, HotspotData data, int day, double[] expected)
    {
        var scored = m.Transform(ml.Data.LoadFromEnumerable(Day(fb, data, day), Schema(fb.Count)));
        var i = 0;
        foreach (var v in scored.GetColumn<float>("Score"))
            expected[i++] = float.IsFinite(v) ? Math.Max(v, 0) : 0;
    }
}
