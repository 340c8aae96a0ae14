using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

public class MetricsTests
{
    private static HotspotData FourByFour(out CellSet cells)
    {
        cells = Lattice.Over(SyntheticCity.Square(1000), 250);
        var events = SyntheticCity.Events(cells, 3, 20);
        return new HotspotData(cells, EventTable.Locate(cells, events));
    }

    [Fact]
    public void Pai_is_the_hit_rate_over_the_area_share_and_perfect_foresight_has_pei_one()
    {
        var data = FourByFour(out var cells);
        Assert.Equal(16, cells.Count);
        var outcome = new double[16];
        outcome[3] = 6; outcome[7] = 2; outcome[0] = 2; // 10 events, 6 of them in cell 3
        var expected = new double[16];
        expected[3] = 1; // the forecast puts cell 3 first
        var score = Metrics.Score(data, 1, 1, expected, outcome);
        // 5 % of 16 equal cells is 0.8 cell: the first cell is taken (at least one), 1/16 of the area.
        Assert.Equal(6, score.Hits[1]);
        Assert.Equal(1.0 / 16, score.AreaShare[1], 9);
        var (hit, pai, pei) = Metrics.Pooled([score], 1);
        Assert.Equal(0.6, hit, 9);
        Assert.Equal(0.6 * 16, pai, 9);
        Assert.Equal(1.0, pei, 9); // perfect foresight also takes cell 3 alone
        var perfect = Metrics.Score(data, 1, 1, outcome, outcome);
        Assert.Equal(1.0, Metrics.Pooled([perfect], 2).Pei, 9);
    }

    [Fact]
    public void Ties_are_broken_at_random_not_by_cell_order()
    {
        var data = FourByFour(out var cells);
        var flat = new double[16];
        var firsts = Enumerable.Range(0, 40).Select(d => Metrics.Rank(cells, d, flat)[0]).Distinct().Count();
        Assert.True(firsts > 5, $"a flat forecast put only {firsts} different cells first over 40 days");
        Assert.Equal(Metrics.Rank(cells, 3, flat), Metrics.Rank(cells, 3, flat)); // repeatable per day
    }

    [Fact]
    public void Poisson_deviance_is_zero_for_the_truth_and_finite_for_a_zero_forecast()
    {
        Assert.Equal(0, Metrics.PoissonDeviance(3, 3), 12);
        Assert.Equal(0, Metrics.PoissonDeviance(0, 0), 2);
        Assert.True(double.IsFinite(Metrics.PoissonDeviance(2, 0)));
        Assert.True(Metrics.PoissonDeviance(2, 1) > Metrics.PoissonDeviance(2, 2));
    }

    [Fact]
    public void The_bootstrap_interval_of_a_method_against_itself_is_one()
    {
        var data = FourByFour(out _);
        var outcome = new double[16]; outcome[2] = 3; outcome[5] = 1;
        var expected = Enumerable.Range(0, 16).Select(i => i == 2 ? 100.0 : i).ToArray();
        var days = Enumerable.Range(0, 20).Select(d => Metrics.Score(data, d, 1, expected, outcome)).ToList();
        var (low, high) = Metrics.BootstrapRatio(days, days, 1);
        Assert.Equal(1, low, 9);
        Assert.Equal(1, high, 9);
    }

    [Fact]
    public void Pooled_pai_for_tuning_is_exactly_the_pooled_pai_of_the_days_scores()
    {
        // Cells of unequal area (the lattice cut by the square's edge), forecasts with many ties and zeros: the shortcut
        // the validation days use (no perfect-foresight ranking) must give the very same number as scoring each day.
        var cells = Lattice.Over(SyntheticCity.Square(1100), 250);
        Assert.True(cells.AreaM2.Distinct().Count() > 1);
        var data = new HotspotData(cells, EventTable.Locate(cells, SyntheticCity.Events(cells, 40, 30)));
        var rng = new Random(9);
        var forecasts = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, cells.Count).Select(_ => (double)rng.Next(4)).ToArray()).ToArray();
        var days = Enumerable.Range(10, 28).ToArray();
        for (var k = 0; k < Metrics.Coverages.Length; k++)
        {
            var scores = days.Select(d => Metrics.Score(data, d, 1, forecasts[d],
                Enumerable.Range(0, cells.Count).Select(c => data.Counts.Outcome(d, 1, c)).ToArray())).ToList();
            Assert.Equal(Metrics.Pooled(scores, k).Pai, Metrics.PooledPai(data, days, 1, Metrics.Coverages[k], d => forecasts[d]));
        }
    }
}
