using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace SpatialGrid.Cli;

/// <summary>
/// A generated case history for the demo city, so that hotspot risk has something to learn and the web map something to
/// show. Generated, never passed off as real (every description says so). The rule, repeatable from its seed:
/// each responsibility grid gets a fixed propensity (log-normal, σ 0.8, times its area) and five grids a fourfold one;
/// a day's cases are Poisson around the district's mean (weekends × 0.8) spread by propensity; each case brings a
/// near-repeat in the same grid one to three days later with probability 0.3 (problems return where they were); classes
/// follow the street-order mix of a city centre (占道经营, 违章停车, 垃圾满溢, 乱张贴, …), hours mostly 07:00–21:00, the
/// place a random point inside the grid.
/// </summary>
public static class DemoCaseHistory
{
    public sealed record HistoricCase(string Grid, string ClassCode, double Lon, double Lat, DateTimeOffset ReportedAt);

    private static readonly (string Code, double Weight)[] Classes =
    [
        ("E0502", 0.22), ("E0504", 0.16), ("E0104", 0.14), ("E0105", 0.12), ("E0505", 0.12), ("E0103", 0.10), ("E0403", 0.07), ("E0401", 0.07),
    ];

    public static List<HistoricCase> Build(IReadOnlyList<(string Code, Geometry Geometry)> grids, int days, double perDay, DateOnly today, TimeSpan offset, int seed = 2026)
    {
        var rng = new Random(seed);
        var propensity = grids.Select(g => Math.Exp(0.8 * Normal(rng)) * Math.Max(g.Geometry.Area, 1e-9)).ToArray();
        foreach (var hot in Enumerable.Range(0, grids.Count).OrderBy(_ => rng.Next()).Take(Math.Min(5, grids.Count))) propensity[hot] *= 4;
        var total = propensity.Sum();
        var locators = grids.Select(g => new IndexedPointInAreaLocator(g.Geometry)).ToArray();
        var cases = new List<HistoricCase>();
        var repeats = new List<(int Day, int Grid)>();
        for (var d = days; d >= 1; d--)
        {
            var day = today.AddDays(-d);
            var mean = perDay * (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.8 : 1.0);
            var todays = new List<int>();
            for (var g = 0; g < grids.Count; g++)
                for (var n = Poisson(rng, mean * propensity[g] / total); n > 0; n--) todays.Add(g);
            todays.AddRange(repeats.Where(r => r.Day == d).Select(r => r.Grid));
            repeats.RemoveAll(r => r.Day >= d);
            foreach (var g in todays)
            {
                if (rng.NextDouble() < 0.3 && d > 1) repeats.Add((d - rng.Next(1, 4), g));
                var hour = rng.NextDouble() < 0.9 ? 7 + rng.Next(14) : rng.Next(24);
                var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, rng.Next(60), rng.Next(60))), offset);
                var (lon, lat) = PointIn(grids[g].Geometry, locators[g], rng);
                cases.Add(new HistoricCase(grids[g].Code, Pick(rng), lon, lat, at));
            }
        }
        return cases.OrderBy(c => c.ReportedAt).ToList();
    }

    /// <summary>Minutes patrolled in one grid on one local day.</summary>
    public sealed record PatrolDay(string Grid, DateOnly Day, int Minutes);

    /// <summary>
    /// Patrol minutes per grid and day for a generated history, planned the way a team would, from the cases of the 28
    /// days before: 30 minutes a day plus 10 per such case, at most 240, times a day's factor of 0.5–1.5 (absence,
    /// weather), and no patrol at all on one grid-day in ten. The cases were generated without regard to patrols, so
    /// patrol effort here follows past risk but finds nothing: a back-test should give it no share of the model's gain.
    /// Its own seed: the case history stays as it was.
    /// </summary>
    public static List<PatrolDay> Patrols(IReadOnlyList<string> grids, IReadOnlyList<HistoricCase> cases, int days, DateOnly today, int seed = 2027)
    {
        var rng = new Random(seed);
        var index = grids.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        var first = today.AddDays(-days);
        var daily = new int[days + 1, grids.Count];
        foreach (var c in cases)
        {
            var d = DateOnly.FromDateTime(c.ReportedAt.DateTime).DayNumber - first.DayNumber;
            if (d >= 0 && d < days && index.TryGetValue(c.Grid, out var g)) daily[d, g]++;
        }
        var list = new List<PatrolDay>();
        for (var d = 0; d < days; d++)
            for (var g = 0; g < grids.Count; g++)
            {
                var recent = 0;
                for (var k = Math.Max(0, d - 28); k < d; k++) recent += daily[k, g];
                var skip = rng.NextDouble() < 0.1;
                var minutes = (int)Math.Round(Math.Min(240, 30 + 10 * recent) * (0.5 + rng.NextDouble()));
                if (!skip) list.Add(new PatrolDay(grids[g], first.AddDays(d), minutes));
            }
        return list;
    }

    private static string Pick(Random rng)
    {
        var x = rng.NextDouble() * Classes.Sum(c => c.Weight);
        foreach (var (code, weight) in Classes) { if ((x -= weight) <= 0) return code; }
        return Classes[^1].Code;
    }

    private static (double, double) PointIn(Geometry g, IndexedPointInAreaLocator locator, Random rng)
    {
        var env = g.EnvelopeInternal;
        for (var i = 0; i < 100; i++)
        {
            var c = new Coordinate(env.MinX + rng.NextDouble() * env.Width, env.MinY + rng.NextDouble() * env.Height);
            if (locator.Locate(c) == Location.Interior) return (Math.Round(c.X, 7), Math.Round(c.Y, 7));
        }
        var p = g.InteriorPoint;
        return (p.X, p.Y);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static int Poisson(Random rng, double mean)
    {
        var l = Math.Exp(-mean); var k = 0; var p = 1.0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }
}
