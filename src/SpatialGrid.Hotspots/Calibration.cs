namespace SpatialGrid.Hotspots;

/// <summary>One group of cell-days with similar forecasts: how many, the forecasts' range and mean, and the mean count that came.</summary>
public sealed record CalibrationBin(int Group, int CellDays, double MinPredicted, double MaxPredicted, double MeanPredicted, double MeanObserved)
{
    /// <summary>Observed over predicted (null when nothing was predicted): 1 is calibrated, below 1 over-forecast.</summary>
    public double? ObservedOverPredicted => MeanPredicted > 0 ? MeanObserved / MeanPredicted : null;
}

/// <summary>
/// Predicted against observed counts for one method over the test cell-days, by tenths of the predicted count, with one
/// summary figure: the sum over the groups of |observed − predicted| events over all events observed (0 = calibrated).
/// </summary>
public sealed record CalibrationTable(string Method, IReadOnlyList<CalibrationBin> Bins, double Predicted, double Observed, double Error);

/// <summary>
/// Calibration by deciles of the forecast, which patrol allocation needs (it spends minutes on expected counts, not on
/// ranks). Cell-days are sorted by their forecast and cut into ten groups of about equal size; equal forecasts are never
/// split between groups (a tenth of the cell-days forecast at exactly 0 would otherwise land in a group by the order
/// of days), so a method with many ties has fewer, larger groups.
/// </summary>
public static class Calibration
{
    public const int Groups = 10;

    public static CalibrationTable Of(string method, ReadOnlySpan<float> predicted, ReadOnlySpan<float> observed, int groups = Groups)
    {
        if (predicted.Length != observed.Length) throw new ArgumentException("one observed count per forecast", nameof(observed));
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups));
        var n = predicted.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var keys = predicted.ToArray();
        Array.Sort(keys, order);
        var bins = new List<CalibrationBin>();
        double allPredicted = 0, allObserved = 0, gap = 0;
        var start = 0;
        for (var g = 1; g <= groups && start < n; g++)
        {
            var end = g == groups ? n : (int)((long)n * g / groups);
            if (end <= start) continue; // the group before took this tenth with its ties
            while (end < n && keys[end] == keys[end - 1]) end++; // equal forecasts stay together
            double p = 0, o = 0;
            for (var i = start; i < end; i++) { p += keys[i]; o += observed[order[i]]; }
            var count = end - start;
            bins.Add(new CalibrationBin(bins.Count + 1, count, keys[start], keys[end - 1], p / count, o / count));
            allPredicted += p; allObserved += o; gap += Math.Abs(o - p);
            start = end;
        }
        return new CalibrationTable(method, bins, allPredicted, allObserved, allObserved > 0 ? gap / allObserved : 0);
    }
}
