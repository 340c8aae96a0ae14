using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>Predicted against observed counts by tenths of the forecast: what patrol allocation needs to trust expected counts.</summary>
public class CalibrationTests
{
    private static (float[] Predicted, float[] Observed) Draw(int n, Func<double, double> forecastOfTruth, int seed = 5)
    {
        var rng = new Random(seed);
        var predicted = new float[n]; var observed = new float[n];
        for (var i = 0; i < n; i++)
        {
            var truth = 0.05 + 3 * rng.NextDouble() * rng.NextDouble();
            predicted[i] = (float)forecastOfTruth(truth);
            observed[i] = SyntheticCity.Poisson(rng, truth);
        }
        return (predicted, observed);
    }

    [Fact]
    public void A_forecast_of_the_true_rate_is_calibrated_in_every_tenth()
    {
        var (p, o) = Draw(50_000, t => t);
        var table = Calibration.Of("truth", p, o);
        Assert.Equal(10, table.Bins.Count);
        Assert.Equal(50_000, table.Bins.Sum(b => b.CellDays));
        Assert.All(table.Bins, b => Assert.InRange(b.CellDays, 4_999, 5_001));
        Assert.All(table.Bins, b => Assert.InRange(b.ObservedOverPredicted!.Value, 0.9, 1.1));
        Assert.True(table.Error < 0.03, $"calibration error {table.Error}");
        // Groups go up in forecast and do not overlap.
        for (var i = 1; i < table.Bins.Count; i++) Assert.True(table.Bins[i].MinPredicted >= table.Bins[i - 1].MaxPredicted);
    }

    [Fact]
    public void A_forecast_twice_the_truth_shows_half_the_events_it_promised()
    {
        var (p, o) = Draw(50_000, t => 2 * t);
        var table = Calibration.Of("double", p, o);
        Assert.All(table.Bins, b => Assert.InRange(b.ObservedOverPredicted!.Value, 0.4, 0.6));
        Assert.InRange(table.Observed / table.Predicted, 0.48, 0.52);
        Assert.InRange(table.Error, 0.9, 1.1); // |observed − predicted| is about all the events observed
    }

    [Fact]
    public void Equal_forecasts_stay_in_one_group_and_zero_forecasts_are_not_divided()
    {
        // 70 % of cell-days forecast at exactly 0 (yesterday's counts on a quiet lattice), the rest 1, 2 or 3.
        float[] predicted = [.. Enumerable.Repeat(0f, 700), .. Enumerable.Repeat(1f, 150), .. Enumerable.Repeat(2f, 100), .. Enumerable.Repeat(3f, 50)];
        var observed = predicted.Select((v, i) => v == 0 ? (i % 10 == 0 ? 1f : 0f) : v).ToArray();
        var table = Calibration.Of("ties", predicted, observed);
        Assert.Equal([700, 150, 100, 50], table.Bins.Select(b => b.CellDays));
        Assert.Null(table.Bins[0].ObservedOverPredicted); // nothing predicted: no ratio, not infinity
        Assert.Equal(0.1, table.Bins[0].MeanObserved, 6);
        Assert.Equal(1.0, table.Bins[1].ObservedOverPredicted);
        Assert.Equal(70 / observed.Sum(), table.Error, 6);
    }

    [Fact]
    public void The_backtest_reports_calibration_for_the_model_and_the_best_baselines()
    {
        var cells = Lattice.Over(SyntheticCity.Square(2000), 250);
        var data = new HotspotData(cells, EventTable.Locate(cells, SyntheticCity.Events(cells, 90, 30)));
        var report = Backtest.Run(data, new BacktestOptions { TestDays = 10, Model = SyntheticCity.QuickModel() });
        var names = report.Calibration.Select(t => t.Method).ToList();
        Assert.Contains("model", names);
        Assert.Contains(report.BestBaseline, names);
        Assert.Contains(report.BestDevianceBaseline, names);
        Assert.All(report.Calibration, t => Assert.Equal(10 * cells.Count, t.Bins.Sum(b => b.CellDays)));
        var observed = Enumerable.Range(data.Days - 10, 10).Sum(d => Enumerable.Range(0, cells.Count).Sum(c => data.Counts.Total.On(d, c)));
        Assert.All(report.Calibration, t => Assert.Equal(observed, t.Observed, 3));
    }
}
