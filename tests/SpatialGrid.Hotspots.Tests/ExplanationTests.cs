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
}
