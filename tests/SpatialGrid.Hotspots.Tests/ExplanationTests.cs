namespace SpatialGrid.Hotspots.Tests;

/// <summary>How a reason for a cell's forecast reads to a planner.</summary>
public class ExplanationTests
{
    private static readonly FeatureInfo Litter = new("count_28d_E0104", "28-day count of overflowing bins", "history");

    [Fact]
    public void A_rate_above_the_median_cell_s_reads_as_high()
    {
        Assert.Equal("28-day count of overflowing bins is high (0.43 a day; 0.05 in the median cell)", new Contribution(Litter, 0.43, 0.2).Describe(0.05));
    }

    [Fact]
    public void A_low_rate_that_raises_the_forecast_says_it_does_so_with_the_rest_and_is_not_read_as_a_reason_by_itself()
    {
        var text = new Contribution(Litter, 0.01, 0.2).Describe(0.05);
        Assert.Equal("28-day count of overflowing bins is low (0.01 a day; 0.05 in the median cell), and with the rest still raises the forecast", text);
        Assert.Contains("median cell's", new Contribution(Litter, 0.05, 0.2).Describe(0.05));
    }

    [Fact]
    public void Calendar_and_fixed_inputs_read_as_their_value()
    {
        Assert.Equal("weekday: 3", new Contribution(new FeatureInfo("weekday", "weekday", "calendar"), 3, 0.1).Describe(0));
    }

    private const string Counts = "mean daily count per cell over the last 365 days";
    private static readonly string[] Trees = ["28-day count of overflowing bins is high (0.43 a day; 0.05 in the median cell)", "weekday: 3"];

    [Fact]
    public void When_the_forecast_is_the_baseline_alone_only_the_baseline_explains_it()
    {
        // w = 0: the trees' reasons would explain nothing of the forecast.
        Assert.Equal(["mean daily count per cell over the last 365 days is high (0.589 a day; 0.089 in the median cell): the whole forecast; the trees' weight is 0"],
            Explanation.Compose(Trees, 0, Counts, 0.589, 0.089));
    }

    [Fact]
    public void A_blend_gives_both_the_larger_part_first_and_the_trees_alone_give_their_reasons()
    {
        var mostlyBaseline = Explanation.Compose(Trees, 0.25, Counts, 0.02, 0.089);
        Assert.Equal(3, mostlyBaseline.Count);
        Assert.Equal("mean daily count per cell over the last 365 days is low (0.02 a day; 0.089 in the median cell): weight 0.75 in the forecast, the trees' 0.25", mostlyBaseline[0]);
        Assert.Equal(Trees, mostlyBaseline.Skip(1));
        var mostlyTrees = Explanation.Compose(Trees, 0.75, Counts, 0.089, 0.089);
        Assert.Equal(Trees, mostlyTrees.Take(2));
        Assert.Contains("is the median cell's", mostlyTrees[2]);
        Assert.Equal(Trees, Explanation.Compose(Trees, 1, Counts, 0.5, 0.1));
    }

    [Fact]
    public void The_median_cell_is_a_cell()
    {
        Assert.Equal(0.3, Explanation.Median([0.9, 0.1, 0.3]));
        Assert.Equal(0.5, Explanation.Median([0.9, 0.1, 0.3, 0.5]));
        Assert.Equal(0, Explanation.Median([]));
    }

    [Fact]
    public void The_long_run_mean_says_how_much_history_it_read()
    {
        var counts = new WindowMean(365, "d_counts_365d");
        Assert.Equal("mean daily count per cell over the last 365 days", counts.DescribeAt(400));
        Assert.Equal("mean daily count per cell over the 90 days of history (of the 365 this baseline reads)", counts.DescribeAt(90));
    }
}
