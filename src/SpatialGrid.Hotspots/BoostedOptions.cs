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
    /// <summary>
    /// The weight with the highest pooled PAI at 5 % of area among those whose deviance is no higher than the baseline's
    /// alone; among weights within 0.1 % of that PAI, the lowest deviance (<see cref="BlendWeight.Choose"/>).
    /// </summary>
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
