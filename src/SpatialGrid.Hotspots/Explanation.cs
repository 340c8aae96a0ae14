namespace SpatialGrid.Hotspots;

/// <summary>
/// A cell's reasons as the service stores them beside its forecast, w × trees + (1 − w) × baseline: the trees' reasons
/// (<see cref="Contribution.Describe"/>) as far as the trees count, and the baseline's value where it counts, the larger
/// part first. With w = 0 the forecast is the baseline's alone and the trees' reasons would explain nothing of it.
/// </summary>
public static class Explanation
{
    /// <param name="treeReasons">The trees' reasons for the cell, strongest first.</param>
    /// <param name="alpha">The trees' weight w in the forecast.</param>
    /// <param name="baseline">What the baseline is, e.g. "mean daily count per cell over the last 365 days".</param>
    /// <param name="value">The baseline's forecast for the cell (a day).</param>
    /// <param name="median">The baseline's forecast for the median cell.</param>
    public static List<string> Compose(IReadOnlyList<string> treeReasons, double alpha, string baseline, double value, double median)
    {
        if (alpha >= 1) return [.. treeReasons];
        var level = value > median ? "high" : value < median ? "low" : "the median cell's";
        var weight = alpha <= 0 ? "the whole forecast; the trees' weight is 0" : $"weight {1 - alpha:0.00} in the forecast, the trees' {alpha:0.00}";
        var line = $"{baseline} is {level} ({value:0.###} a day; {median:0.###} in the median cell): {weight}";
        if (alpha <= 0) return [line];
        return 1 - alpha > alpha ? [line, .. treeReasons] : [.. treeReasons, line];
    }

    /// <summary>The median cell's value (of an even count the upper of the middle two, as for the features; 0 for none).</summary>
    public static double Median(IReadOnlyList<double> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);
}
