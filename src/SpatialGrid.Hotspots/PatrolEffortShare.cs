namespace SpatialGrid.Hotspots;

/// <summary>
/// How much of the model's gain over the best baseline its patrol-effort features account for. Recorded incidents follow
/// where patrols looked, so a model fed patrol minutes can look better only because it learns where the patrols go next
/// (the known bias of hotspot tools). The same back-test (same origins, same cells) is run again with the patrol
/// features removed, and
/// PAI share = (PAI@5% of the model − PAI@5% without patrol) / (PAI@5% of the model − PAI@5% of the best baseline), and
/// deviance share = (deviance without patrol − deviance of the model) / (deviance of the best deviance baseline − deviance of the model).
/// 1 means all of the gain comes from patrol effort, 0 none, below 0 that the patrol features cost the model; above 1
/// that without them the model falls below the baseline. A share is null when the model's gain is under
/// <see cref="MinGain"/> of the baseline's figure: a share of a gain that small is a ratio of two noises (a gain of
/// 0.006 in PAI and a difference of 0.09 make −15). The change the patrol features make to the model's own figures
/// (<see cref="PaiChange"/>, <see cref="DevianceChange"/>) is given in every case.
/// </summary>
public sealed record PatrolEffortShare(
    bool PatrolDataGiven,
    string Note,
    double? PaiWithoutPatrol = null,
    double? PaiShareOfGain = null,
    double? DevianceWithoutPatrol = null,
    double? DevianceShareOfGain = null,
    double? PaiChange = null,
    double? DevianceChange = null)
{
    public const string WithoutPatrolName = "model_without_patrol";

    /// <summary>The smallest gain over the baseline, relative to the baseline's figure, that is shared out.</summary>
    public const double MinGain = 0.01;

    public static PatrolEffortShare NoData(string why) => new(false, why);

    /// <summary>The shares from the pooled results of the model, the model without patrol features and the best baselines.</summary>
    public static PatrolEffortShare Of(MethodSummary model, MethodSummary withoutPatrol, MethodSummary bestPai, MethodSummary bestDeviance, int k)
    {
        var paiGain = model.Pai[k] - bestPai.Pai[k];
        var devGain = bestDeviance.Deviance - model.Deviance;
        double? paiShare = paiGain > MinGain * bestPai.Pai[k] ? (model.Pai[k] - withoutPatrol.Pai[k]) / paiGain : null;
        double? devShare = devGain > MinGain * bestDeviance.Deviance ? (withoutPatrol.Deviance - model.Deviance) / devGain : null;
        double? paiChange = withoutPatrol.Pai[k] > 0 ? model.Pai[k] / withoutPatrol.Pai[k] - 1 : null;
        double? devChange = withoutPatrol.Deviance > 0 ? model.Deviance / withoutPatrol.Deviance - 1 : null;
        var pai = $"PAI@5% {model.Pai[k]:0.000} with, {withoutPatrol.Pai[k]:0.000} without, {bestPai.Pai[k]:0.000} {bestPai.Name}";
        var dev = $"deviance {model.Deviance:0.0000} with, {withoutPatrol.Deviance:0.0000} without, {bestDeviance.Deviance:0.0000} {bestDeviance.Name}";
        var parts = new List<string>
        {
            paiShare is { } ps
                ? $"patrol features account for {ps:0.00} of the model's PAI@5% gain over the best baseline ({pai})"
                : $"the model's PAI@5% gain over the best baseline is under {MinGain:0%}: no share ({pai}; the patrol features change PAI@5% by {paiChange:+0.0%;-0.0%;0.0%})",
            devShare is { } ds
                ? $"{ds:0.00} of its deviance gain ({dev})"
                : $"its deviance gain is under {MinGain:0%}: no share ({dev}; the patrol features change deviance by {devChange:+0.0%;-0.0%;0.0%})",
        };
        return new PatrolEffortShare(true, string.Join("; ", parts), withoutPatrol.Pai[k], paiShare, withoutPatrol.Deviance, devShare, paiChange, devChange);
    }
}
