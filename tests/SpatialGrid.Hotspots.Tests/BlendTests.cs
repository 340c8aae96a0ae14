using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// The forecast is w × trees + (1 − w) × the best baseline, w chosen on the validation days before the origin (forecast
/// combination). Two made-up cities with a known answer: one where the trees can only chase noise (w must be 0 and the
/// forecast the baseline's), one where they see what no baseline can (w must be 1), under every rule of choosing w.
/// </summary>
public class BlendTests
{
    private const int Days = 150;
    // A Monday; the validation and test days (days 115–149) fall in July and August, with no public holiday or make-up
    // working day: the weekday alone is the calendar in these cities.
    private static readonly DateOnly First = new(2025, 3, 17);

    private static HotspotData City(Func<int, int, double> rate, Func<int, int, double> minutes, out int side)
    {
        var cells = Lattice.Over(SyntheticCity.Square(3000), 250);
        side = (int)Math.Round(Math.Sqrt(cells.Count));
        return SyntheticCity.WithPatrolMinutes(cells, Days, First, rate, minutes);
    }

    [Theory]
    [InlineData(BlendRule.HighestPai)]
    [InlineData(BlendRule.LowestDeviance)]
    [InlineData(BlendRule.DevianceOneStandardError)]
    public void A_model_that_can_only_chase_noise_gets_weight_0_and_forecasts_the_baseline(BlendRule rule)
    {
        // Every cell has the same rate every day (a hot south-west corner): the past counts are all there is to know. The
        // trees get patrol minutes drawn at random every day, kept in, and a trainer that fits single rows (1 per leaf,
        // 64 leaves, 300 steps of 0.5): what they add to the counts is noise.
        var noise = new Random(5);
        var minutes = Enumerable.Range(0, Days * 1000).Select(_ => Math.Round(240 * noise.NextDouble())).ToArray();
        var data = City((d, c) => 0.8 * Math.Exp(-(c / 12 + c % 12) / 3.0), (d, c) => minutes[d * 1000 + c], out _);
        var model = new BoostedForecaster(new BoostedOptions
        {
            Settings = [new("noise-chaser", "LightGbm", 64, 300, 0.5, 1)],
            ValidationDays = 28, ChoosePatrolEffort = false, ZerosPerEvent = 1, Blend = rule,
        });
        model.Fit(data, Days - 7, 1);

        Assert.True(model.Alpha == 0, $"{rule}: {model.Choices.Single().Setting}");
        Assert.Contains($"w=0.00 with {model.Baseline.Name}", model.Choices.Single().Setting);
        var blended = new double[data.Cells.Count];
        var baseline = new double[data.Cells.Count];
        for (var day = Days - 7; day < Days; day++)
        {
            model.Predict(data, day, 1, blended);
            model.Baseline.Predict(data, day, 1, baseline);
            Assert.Equal(baseline, blended);
        }
    }

    [Theory]
    [InlineData(BlendRule.HighestPai)]
    [InlineData(BlendRule.LowestDeviance)]
    [InlineData(BlendRule.DevianceOneStandardError)]
    public void A_model_that_sees_what_no_baseline_can_gets_weight_1(BlendRule rule)
    {
        // Problems come up in eight cells in the south-west on working days and in eight in the north-east at weekends
        // (8 cells are the 5 % of area the PAI takes), hardly anywhere else: every baseline smears the two together, the
        // trees know the weekday.
        var data = City((day, cell) =>
        {
            var (a, b) = (cell / 12, cell % 12);
            var weekend = First.AddDays(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            return (weekend ? a >= 10 && b >= 8 : a < 2 && b < 4) ? 2 : 0.02;
        }, (_, _) => 0, out var side);
        Assert.Equal(12, side);
        var model = new BoostedForecaster(SyntheticCity.QuickModel(leaves: 8, trees: 100, validationDays: 28) with { Blend = rule });
        model.Fit(data, Days - 7, 1);

        Assert.True(model.Alpha == 1, $"{rule}: {model.Choices.Single().Setting}");
        Assert.Contains("w=1.00", model.Choices.Single().Setting);
    }
}
