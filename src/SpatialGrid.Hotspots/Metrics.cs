namespace SpatialGrid.Hotspots;

/// <summary>One method's result on one day: per coverage level, the events caught, the area share used and what perfect foresight would catch.</summary>
public sealed record DayScore(int Day, double Events, double[] Hits, double[] AreaShare, double[] PerfectHits, double[] PerfectAreaShare, double Deviance, int Cells);

/// <summary>
/// The hotspot literature's measures. Cells are ranked by expected events per unit area (ties broken at random, the
/// same way for every method on a day) and taken, best first, while the area taken is below the coverage (so at least
/// one cell, and at most one cell over). Hit rate = events in the cells taken / all events in cells; PAI = hit rate /
/// area share; PEI = PAI / the PAI of perfect foresight (cells ranked by the events that came) at the same coverage.
/// Over many days the hits and events are pooled and the area shares averaged. Poisson deviance per cell-day judges the
/// expected counts themselves, which patrol allocation needs.
/// </summary>
public static class Metrics
{
    public static readonly double[] Coverages = [0.01, 0.05, 0.10];

    /// <summary>Expected counts below this are taken as this in the deviance: a forecast of exactly 0 with an event is infinitely wrong otherwise.</summary>
    public const double DevianceFloor = 1e-3;

    public static DayScore Score(HotspotData data, int day, int horizon, double[] expected, double[] outcome)
    {
        var cells = data.Cells;
        var order = Rank(cells, day, expected);
        var perfect = Rank(cells, day, outcome);
        var events = outcome.Sum();
        var hits = new double[Coverages.Length]; var share = new double[Coverages.Length];
        var pHits = new double[Coverages.Length]; var pShare = new double[Coverages.Length];
        for (var k = 0; k < Coverages.Length; k++)
        {
            (hits[k], share[k]) = Take(cells, order, outcome, Coverages[k]);
            (pHits[k], pShare[k]) = Take(cells, perfect, outcome, Coverages[k]);
        }
        double deviance = 0;
        for (var c = 0; c < expected.Length; c++) deviance += PoissonDeviance(outcome[c], expected[c]);
        return new DayScore(day, events, hits, share, pHits, pShare, deviance, expected.Length);
    }

    public static double PoissonDeviance(double y, double mu)
    {
        mu = Math.Max(mu, DevianceFloor);
        return 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
    }

    /// <summary>Cells best first by value per unit area; ties in a random order fixed by the day.</summary>
    public static int[] Rank(CellSet cells, int day, double[] values)
    {
        var rng = new Random(unchecked(day * 7919 + 17));
        var tie = new double[values.Length];
        for (var i = 0; i < tie.Length; i++) tie[i] = rng.NextDouble();
        // Each cell's value per unit area divided once, not at every comparison (the same quotients, so the same order).
        var density = new double[values.Length];
        for (var i = 0; i < density.Length; i++) density[i] = values[i] / cells.AreaM2[i];
        var order = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var byValue = density[b].CompareTo(density[a]);
            return byValue != 0 ? byValue : tie[a].CompareTo(tie[b]);
        });
        return order;
    }

    private static (double Hits, double Share) Take(CellSet cells, int[] order, double[] outcome, double coverage)
    {
        var budget = coverage * cells.TotalAreaM2;
        double area = 0, hits = 0;
        foreach (var c in order)
        {
            if (area >= budget) break;
            area += cells.AreaM2[c];
            hits += outcome[c];
        }
        return (hits, area / cells.TotalAreaM2);
    }

    /// <summary>
    /// One day's scores of its shift slots as one: events, hits and deviance summed, area shares averaged, so that pooling
    /// merged days is pooling every slot of every day, and a bootstrap over merged days draws blocks of whole days.
    /// </summary>
    public static DayScore Merge(IReadOnlyList<DayScore> slots)
    {
        if (slots.Count == 1) return slots[0];
        double[] Sum(Func<DayScore, double[]> of) => Enumerable.Range(0, Coverages.Length).Select(k => slots.Sum(s => of(s)[k])).ToArray();
        double[] Mean(Func<DayScore, double[]> of) => Enumerable.Range(0, Coverages.Length).Select(k => slots.Average(s => of(s)[k])).ToArray();
        return new DayScore(slots[0].Day, slots.Sum(s => s.Events), Sum(s => s.Hits), Mean(s => s.AreaShare), Sum(s => s.PerfectHits),
            Mean(s => s.PerfectAreaShare), slots.Sum(s => s.Deviance), slots.Sum(s => s.Cells));
    }

    /// <summary>Pooled measures over days for coverage level k.</summary>
    public static (double HitRate, double Pai, double Pei) Pooled(IReadOnlyList<DayScore> days, int k)
    {
        double events = 0, hits = 0, share = 0, pHits = 0, pShare = 0;
        foreach (var d in days)
        {
            events += d.Events; hits += d.Hits[k]; share += d.AreaShare[k]; pHits += d.PerfectHits[k]; pShare += d.PerfectAreaShare[k];
        }
        if (days.Count == 0 || events == 0) return (0, 0, 0);
        var hitRate = hits / events;
        var pai = hitRate / (share / days.Count);
        var perfectPai = pHits / events / (pShare / days.Count);
        return (hitRate, pai, perfectPai == 0 ? 0 : pai / perfectPai);
    }

    public static double MeanDeviance(IReadOnlyList<DayScore> days) =>
        days.Count == 0 ? 0 : days.Sum(d => d.Deviance) / days.Sum(d => (double)d.Cells);

    /// <summary>Pooled PAI at a coverage over some days for a forecast function: what tuning on validation days uses.</summary>
    public static double PooledPai(HotspotData data, IReadOnlyList<int> days, int horizon, double coverage, Func<int, double[]> forecast)
    {
        var k = Array.IndexOf(Coverages, coverage);
        if (k < 0) throw new ArgumentException($"coverage {coverage} is not one of {string.Join(", ", Coverages)}");
        // As Pooled(days' Score, k).Pai, without what PAI does not use (perfect foresight's ranking, the deviance, the other coverages).
        var outcome = new double[data.Cells.Count];
        double events = 0, hits = 0, share = 0;
        foreach (var d in days)
        {
            for (var c = 0; c < outcome.Length; c++) outcome[c] = data.Counts.Outcome(d, horizon, c);
            var (h, a) = Take(data.Cells, Rank(data.Cells, d, forecast(d)), outcome, coverage);
            events += outcome.Sum(); hits += h; share += a;
        }
        return days.Count == 0 || events == 0 ? 0 : hits / events / (share / days.Count);
    }

    /// <summary>
    /// A day-block bootstrap of the ratio of two methods' pooled PAI at coverage k: blocks of consecutive test days drawn
    /// with replacement keep the days' dependence. Returns the 2.5 % and 97.5 % quantiles.
    /// </summary>
    public static (double Low, double High) BootstrapRatio(IReadOnlyList<DayScore> a, IReadOnlyList<DayScore> b, int k, int blockDays = 7, int samples = 2000, int seed = 20191)
    {
        var n = a.Count;
        if (n == 0 || b.Count != n) return (double.NaN, double.NaN);
        var rng = new Random(seed);
        var ratios = new List<double>(samples);
        var blocks = (n + blockDays - 1) / blockDays;
        for (var s = 0; s < samples; s++)
        {
            var pickA = new List<DayScore>(n); var pickB = new List<DayScore>(n);
            for (var j = 0; j < blocks; j++)
            {
                var start = rng.Next(0, Math.Max(1, n - blockDays + 1));
                for (var i = start; i < Math.Min(n, start + blockDays); i++) { pickA.Add(a[i]); pickB.Add(b[i]); }
            }
            var pb = Pooled(pickB, k).Pai;
            if (pb > 0) ratios.Add(Pooled(pickA, k).Pai / pb);
        }
        if (ratios.Count == 0) return (double.NaN, double.NaN);
        ratios.Sort();
        return (ratios[(int)(0.025 * (ratios.Count - 1))], ratios[(int)(0.975 * (ratios.Count - 1))]);
    }
}
