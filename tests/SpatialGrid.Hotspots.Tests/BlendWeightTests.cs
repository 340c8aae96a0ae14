using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>The blend weight's choice from the validation days' deviance (per weight, per day) and PAI (per weight).</summary>
public class BlendWeightTests
{
    private static readonly double[] Weights = [0, 0.25, 0.5, 0.75, 1];

    private static double[][] Deviance(params double[] perWeight) => perWeight.Select(d => new[] { d - 0.01, d + 0.01 }).ToArray();

    [Fact]
    public void The_best_ranking_weight_is_taken_when_it_forecasts_no_worse_than_the_baseline()
    {
        var choice = BlendWeight.Choose(BlendRule.HighestPai, Weights, Deviance(1.00, 0.99, 0.98, 0.985, 0.99), [3.0, 3.1, 3.2, 3.4, 3.3]);
        Assert.Equal(3, choice.Chosen);
        Assert.Equal(2, choice.LowestDeviance);
        Assert.Equal(-1, choice.PassedOver);
    }

    [Fact]
    public void A_weight_that_ranks_better_but_forecasts_worse_than_the_baseline_alone_is_passed_over()
    {
        // w = 1 ranks the top cells best but its deviance is above w = 0's: the best ranking among the others is taken.
        var choice = BlendWeight.Choose(BlendRule.HighestPai, Weights, Deviance(1.00, 0.995, 0.999, 1.002, 1.01), [3.0, 3.1, 3.25, 3.3, 3.5]);
        Assert.Equal(2, choice.Chosen);
        Assert.Equal(4, choice.PassedOver);
    }

    [Fact]
    public void When_every_blend_forecasts_worse_the_baseline_alone_is_taken()
    {
        var choice = BlendWeight.Choose(BlendRule.HighestPai, Weights, Deviance(1.00, 1.001, 1.002, 1.003, 1.004), [3.0, 3.1, 3.2, 3.3, 3.4]);
        Assert.Equal(0, choice.Chosen);
        Assert.Equal(0, choice.LowestDeviance);
        Assert.Equal(4, choice.PassedOver);
    }

    [Fact]
    public void Weights_that_rank_alike_are_told_apart_by_deviance()
    {
        // 0.5 and 0.75 within 0.1 % of the best PAI: the lower deviance of the two.
        var choice = BlendWeight.Choose(BlendRule.HighestPai, Weights, Deviance(1.00, 0.99, 0.97, 0.98, 0.99), [3.0, 3.1, 3.398, 3.4, 3.0]);
        Assert.Equal(2, choice.Chosen);
    }

    [Fact]
    public void The_deviance_rules_ignore_the_ranking()
    {
        var dev = Deviance(1.00, 0.99, 0.98, 0.975, 0.99);
        Assert.Equal(3, BlendWeight.Choose(BlendRule.LowestDeviance, Weights, dev, null).Chosen);
        // Per-day differences of 0.005 with no spread: w = 0.5 is within one standard error of w = 0.75 only if its
        // mean difference is at most that error; here it is not, so 0.75 stays.
        Assert.Equal(3, BlendWeight.Choose(BlendRule.DevianceOneStandardError, Weights, dev, null).Chosen);
        var noisy = new[] { new[] { 1.0, 1.0 }, new[] { 0.99, 0.99 }, new[] { 0.96, 1.0 }, new[] { 0.975, 0.975 }, new[] { 0.99, 0.99 } };
        Assert.Equal(2, BlendWeight.Choose(BlendRule.DevianceOneStandardError, Weights, noisy, null).Chosen);
    }

    [Fact]
    public void Without_the_baseline_alone_or_the_PAI_it_refuses()
    {
        Assert.Throws<ArgumentException>(() => BlendWeight.Choose(BlendRule.HighestPai, [0.5, 1], Deviance(1, 1), [1, 1]));
        Assert.Throws<ArgumentException>(() => BlendWeight.Choose(BlendRule.HighestPai, Weights, Deviance(1, 1, 1, 1, 1), null));
    }
}
