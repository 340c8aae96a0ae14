using System.Diagnostics;
using NetTopologySuite.Geometries;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Benchmarks;

/// <summary>
/// The hotspot model at city scale: a 100 m lattice of N cells with a year of synthetic events (intensity varying smoothly
/// over the city, times a weekly cycle), timed for one training (trainer and settings chosen on 14 validation days, then
/// the final fit, as the nightly job does), its peak memory, and scoring every cell for a day. Baselines in the same run:
/// building the training rows alone, and scoring with the 28-day KDE.
/// </summary>
public static class HotspotLoad
{
    public static void Run(int cells, int days, double perDay)
    {
        var side = (int)Math.Round(Math.Sqrt(cells));
        var plane = new LocalMetres(121.47, 31.23);
        var f = new GeometryFactory(new PrecisionModel(), 4326);
        var (x0, y0) = plane.ToDegrees(-side * 50.0, -side * 50.0);
        var (x1, y1) = plane.ToDegrees(side * 50.0, side * 50.0);
        var clock = Stopwatch.StartNew();
        var lattice = Lattice.Over(f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]), 100);
        Console.WriteLine($"lattice: {lattice.Count:N0} cells in {clock.Elapsed.TotalSeconds:0.0} s");

        var rng = new Random(42);
        var centres = Enumerable.Range(0, 12).Select(_ => (X: (rng.NextDouble() - 0.5) * side * 100, Y: (rng.NextDouble() - 0.5) * side * 100, W: rng.NextDouble() * 3 + 0.5)).ToArray();
        var weight = lattice.Samples.Select(s => 0.05 + centres.Sum(c => c.W * Math.Exp(-(Math.Pow(s[0].X - c.X, 2) + Math.Pow(s[0].Y - c.Y, 2)) / (2 * 400.0 * 400.0)))).ToArray();
        var total = weight.Sum();
        var cumulative = new double[weight.Length];
        double acc = 0;
        for (var i = 0; i < weight.Length; i++) cumulative[i] = acc += weight[i] / total;
        var first = new DateOnly(2025, 1, 1);
        var events = new List<HotspotEvent>();
        string[] classes = ["litter", "manhole", "vending", "parking", "graffiti", "flooding"];
        for (var d = 0; d < days; d++)
        {
            var n = (int)(perDay * (first.AddDays(d).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 : 1.1));
            for (var i = 0; i < n; i++)
            {
                var c = Array.BinarySearch(cumulative, rng.NextDouble());
                if (c < 0) c = ~c;
                c = Math.Min(c, weight.Length - 1);
                var p = lattice.Samples[c][0];
                var (lon, lat) = lattice.Plane.ToDegrees(p.X + (rng.NextDouble() - 0.5) * 20, p.Y + (rng.NextDouble() - 0.5) * 20);
                events.Add(new HotspotEvent(first.AddDays(d), lon, lat, classes[rng.Next(classes.Length)]));
            }
        }
        var table = EventTable.Locate(lattice, events, first: first, last: first.AddDays(days - 1));
        var data = new HotspotData(lattice, table);
        Console.WriteLine($"events: {table.Count:N0} over {days} days ({perDay}/day), located in {clock.Elapsed.TotalSeconds:0.0} s");

        // Baseline: the rows alone (features of every kept cell-day), as the training builds them.
        var features = new FeatureBuilder(data);
        var buffer = new float[features.Count];
        var rowsClock = Stopwatch.StartNew();
        long rows = 0;
        for (var d = 28; d < days; d++)
            for (var c = 0; c < lattice.Count; c++)
            {
                if (data.Counts.Total.On(d, c) == 0 && (c + d) % 7 != 0) continue;
                features.Fill(d, c, buffer);
                rows++;
            }
        var rowsSeconds = rowsClock.Elapsed.TotalSeconds;

        var before = Process.GetCurrentProcess();
        before.Refresh();
        var model = new BoostedForecaster();
        var trainClock = Stopwatch.StartNew();
        model.Fit(data, days, 1);
        var trainSeconds = trainClock.Elapsed.TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

        var expected = new double[lattice.Count];
        var scoring = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var t = Stopwatch.StartNew();
            model.Predict(data, days, 1, expected);
            scoring.Add(t.Elapsed.TotalMilliseconds);
        }
        var forecastSum = expected.Sum();
        var kde = new KernelDensity(400, 28, "kde");
        var kdeTimes = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var t = Stopwatch.StartNew();
            kde.Predict(data, days, 1, expected);
            kdeTimes.Add(t.Elapsed.TotalMilliseconds);
        }
        double Median(List<double> v) { var s = v.Skip(1).Order().ToList(); return s[s.Count / 2]; }
        Console.WriteLine($"model chosen: {model.Choices.Last().Setting}; features: {model.Features.Count}");
        // To the last bit: a change meant to make the training cheaper without changing what it learns is checked against these.
        Console.WriteLine("validation deviances: " + string.Join(" ", model.Choices.Last().ValidationDeviance.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
            + $"; forecast sum {forecastSum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        Console.WriteLine("where the training's time went: " + string.Join("; ", model.FitTimings.GroupBy(t => t.Phase)
            .Select(g => $"{g.Key} {g.Sum(t => t.Time.TotalSeconds):0.0} s" + (g.Count() > 1 ? $" ({g.Count()}×)" : ""))));
        Console.WriteLine($"hotspot train {lattice.Count:N0} cells × {days} days s: {trainSeconds:0.0}");
        Console.WriteLine($"hotspot train peak MiB: {peak:0}");
        Console.WriteLine($"hotspot training rows alone (baseline) s: {rowsSeconds:0.0} ({rows:N0} rows)");
        Console.WriteLine($"hotspot score all cells ms: {Median(scoring):0.0}");
        Console.WriteLine($"hotspot KDE score all cells (baseline) ms: {Median(kdeTimes):0.0}");
        Console.WriteLine($"hotspot score / KDE ratio: {Median(scoring) / Median(kdeTimes):0.0}");
    }
}
