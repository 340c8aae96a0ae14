using SpatialGrid.Core.Evaluation;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// A period's rows read in parts at once, each on its own pooled connection, and put back together in time order: a
/// month of 200,000 cases is one scan on the server but 200,000 rows to materialise on one client thread (two thirds of
/// the read); in halves, both cores take a share.
/// </summary>
public static class PeriodParts
{
    public const int Parts = 2;

    public static async Task<List<T>> ReadAsync<T>(EvaluationPeriod period, Func<EvaluationPeriod, Task<List<T>>> read)
    {
        var step = (period.To - period.From) / Parts;
        var parts = await Task.WhenAll(Enumerable.Range(0, Parts).Select(i => read(period with
        {
            From = period.From + step * i,
            To = i == Parts - 1 ? period.To : period.From + step * (i + 1),
        })));
        var all = new List<T>(parts.Sum(p => p.Count));
        foreach (var p in parts) all.AddRange(p);
        return all;
    }
}
