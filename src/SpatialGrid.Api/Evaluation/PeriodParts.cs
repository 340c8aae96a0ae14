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

    /// <summary>The parts as read, in time order.</summary>
    public static Task<T[]> ReadAsync<T>(EvaluationPeriod period, Func<EvaluationPeriod, Task<T>> read)
    {
        var step = (period.To - period.From) / Parts;
        return Task.WhenAll(Enumerable.Range(0, Parts).Select(i => read(period with
        {
            From = period.From + step * i,
            To = i == Parts - 1 ? period.To : period.From + step * (i + 1),
        })));
    }
}
