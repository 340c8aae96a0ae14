using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// A LightGBM model is a function of its rows, settings and seed, whatever was trained or scored before it: each training
/// has an ML.NET context of its own. (In one shared context LightGBM drew from the context's random stream, so a trainer
/// tried before it, or one more data view made, changed its model.)
/// </summary>
public class TrainingSeedTests
{
    private static readonly TrainerSetting FastTree = new("fasttree", "FastTreeTweedie", 4, 20, 0.1, 20);
    private static readonly TrainerSetting Gbm = new("lightgbm", "LightGbm", 8, 40, 0.1, 10);

    [Fact]
    public void LightGbm_validates_alike_alone_and_after_another_trainer()
    {
        // More rows than ML.NET's LightGBM takes whole to bin the features (65,536; above that it samples rows, drawing
        // from the context): 1,024 cells, every cell-day kept, about 70 days of rows before the validation days.
        const int days = 120;
        var cells = Lattice.Over(SyntheticCity.Square(8000), 250);
        Assert.Equal(1024, cells.Count);
        var data = SyntheticCity.WithPatrolMinutes(cells, days, new DateOnly(2025, 3, 17),
            (d, c) => 0.02 + 0.5 * Math.Exp(-(c / 32 + c % 32) / 6.0) * (d % 7 < 5 ? 1.3 : 0.5), (_, _) => 0);
        BoostedForecaster Fitted(params TrainerSetting[] settings)
        {
            var model = new BoostedForecaster(new BoostedOptions { Settings = settings, ValidationDays = 14, ChoosePatrolEffort = false, ZerosPerEvent = 1e6 });
            model.Fit(data, days - 7, 1);
            return model;
        }

        var alone = Fitted(Gbm).Choices.Single().ValidationDeviance.Single();
        var second = Fitted(FastTree, Gbm).Choices.Single().ValidationDeviance[1];
        var again = Fitted(Gbm).Choices.Single().ValidationDeviance.Single();

        Assert.Equal(alone, again);
        Assert.Equal(alone, second);
    }
}
