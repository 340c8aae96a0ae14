namespace SpatialGrid.Hotspots;

/// <summary>The weight w of the trees in w × trees + (1 − w) × baseline, chosen from what each weight scored on the validation days.</summary>
public static class BlendWeight
{
    /// <summary>The weight chosen, the weight of the lowest deviance, and whether a weight that ranked better was passed over because it forecast worse than the baseline alone.</summary>
    public readonly record struct Choice(int Chosen, int LowestDeviance, int PassedOver);

    /// <summary>
    /// Chooses by <paramref name="rule"/>. <see cref="BlendRule.HighestPai"/>: the highest pooled PAI@5% among the weights
    /// whose mean deviance is no higher than the baseline's alone (w = 0): the blend may rank the top cells better than the
    /// baseline, but it does not pay for that with calibration, which the patrol allocation needs as much (expected counts);
    /// among weights within 0.1 % of that PAI, the lowest deviance. <see cref="BlendRule.LowestDeviance"/>: the lowest mean
    /// deviance. <see cref="BlendRule.DevianceOneStandardError"/>: the smallest weight whose deviance is within one
    /// standard error (paired per-day differences) of the lowest.
    /// </summary>
    /// <param name="weights">The weights tried, ascending, 0 among them.</param>
    /// <param name="perDayDeviance">Per weight, per validation day: the blend's mean Poisson deviance per cell.</param>
    /// <param name="pai">Per weight: the blend's pooled PAI@5% over the validation days (for <see cref="BlendRule.HighestPai"/>).</param>
    public static Choice Choose(BlendRule rule, IReadOnlyList<double> weights, double[][] perDayDeviance, double[]? pai)
    {
        var alone = Array.IndexOf(weights.ToArray(), 0.0);
        if (alone < 0) throw new ArgumentException("the weights tried must include 0 (the baseline alone)", nameof(weights));
        var mean = perDayDeviance.Select(d => d.Average()).ToArray();
        var lowest = 0;
        for (var k = 1; k < weights.Count; k++) if (mean[k] < mean[lowest] - 1e-12) lowest = k;
        switch (rule)
        {
            case BlendRule.HighestPai:
                if (pai is null || pai.Length != weights.Count) throw new ArgumentException("the highest-PAI rule needs every weight's PAI", nameof(pai));
                var all = Enumerable.Range(0, weights.Count).ToArray();
                var calibrated = all.Where(k => mean[k] <= mean[alone] + 1e-12).ToArray();
                var chosen = AmongTopPai(calibrated, pai, mean);
                var unguarded = AmongTopPai(all, pai, mean);
                return new Choice(chosen, lowest, pai[unguarded] > pai[chosen] && mean[unguarded] > mean[alone] + 1e-12 ? unguarded : -1);
            case BlendRule.DevianceOneStandardError:
                for (var k = 0; k < lowest && perDayDeviance[k].Length > 1; k++)
                {
                    var diff = perDayDeviance[k].Select((v, i) => v - perDayDeviance[lowest][i]).ToArray();
                    var m = diff.Average();
                    var se = Math.Sqrt(diff.Sum(x => (x - m) * (x - m)) / (diff.Length - 1) / diff.Length);
                    if (m <= se) return new Choice(k, lowest, -1);
                }
                return new Choice(lowest, lowest, -1);
            default:
                return new Choice(lowest, lowest, -1);
        }
    }

    /// <summary>Weights whose rankings catch as much (within 0.1 % of the best PAI) rank the top cells alike: the deviance decides among them.</summary>
    private static int AmongTopPai(int[] candidates, double[] pai, double[] mean)
    {
        var top = candidates.Max(k => pai[k]);
        return candidates.Where(k => pai[k] >= top * 0.999).MinBy(k => mean[k]);
    }
}
