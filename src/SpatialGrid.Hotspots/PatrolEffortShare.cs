namespace SpatialGrid.Hotspots;

/// <summary>
/// How much of the model's gain over the best baseline its patrol-effort features account for. Recorded incidents follow
/// where patrols looked, so a model fed patrol minutes can look better only because it learns where the patrols go next
/// (the known bias of hotspot tools). The same back-test (same origins, same cells) is run again with the patrol
/// features removed, and
/// PAI share = (PAI@5% of the model − PAI@5% without patrol) / (PAI@5% of the model − PAI@5% of the best baseline), and
/// deviance share = (deviance without patrol − deviance of the model) / (deviance of the best deviance baseline − deviance of the model).
/// 1 means all of the gain comes from patrol effort, 0 none; a share is null when the model has no gain to share out,
/// and outside 0–1 when the two models' difference is larger than the gain itself (noise around a small gain, or the
/// patrol features hurting).
/// </summary>
public sealed record PatrolEffortShare(
    bool PatrolDataGiven,
    string Note,
    double? PaiWithoutPatrol = null,
    double? PaiShareOfGain = null,
    double? DevianceWithoutPatrol = null,
    double? DevianceShareOfGain = null)
{
    public const string WithoutPatrolName = "model_without_patrol";

    public static PatrolEffortShare NoData(string why) => new(false, why);

    /// <summary>The shares from the pooled results of the model, the model without patrol features and the best baselines.</summary>
    public static PatrolEffortShare Of(MethodSummary model, MethodSummary withoutPatrol, MethodSummary bestPai, MethodSummary bestDeviance, int k)
    {
        var paiGain = model.Pai[k] - bestPai.Pai[k];
        var devGain = bestDeviance.Deviance - model.Deviance;
        double? paiShare = paiGain > 0 ? (model.Pai[k] - withoutPatrol.Pai[k]) / paiGain : null;
        double? devShare = devGain > 0 ? (withoutPatrol.Deviance - model.Deviance) / devGain : null;
        var parts = new List<string>
        {
            paiShare is { } ps
                ? $"patrol features account for {ps:0.00} of the model's PAI@5% gain over {bestPai.Name} ({model.Pai[k]:0.000} with, {withoutPatrol.Pai[k]:0.000} without, {bestPai.Pai[k]:0.000} baseline)"
                : $"no PAI@5% gain over {bestPai.Name} to share out ({model.Pai[k]:0.000} with patrol features, {withoutPatrol.Pai[k]:0.000} without, {bestPai.Pai[k]:0.000} baseline)",
            devShare is { } ds
                ? $"{ds:0.00} of its deviance gain over {bestDeviance.Name} ({model.Deviance:0.0000} with, {withoutPatrol.Deviance:0.0000} without, {bestDeviance.Deviance:0.0000} baseline)"
                : $"no deviance gain over {bestDeviance.Name} to share out ({model.Deviance:0.0000} with, {withoutPatrol.Deviance:0.0000} without, {bestDeviance.Deviance:0.0000} baseline)",
        };
        return new PatrolEffortShare(true, string.Join("; ", parts), withoutPatrol.Pai[k], paiShare, withoutPatrol.Deviance, devShare);
    }
}
