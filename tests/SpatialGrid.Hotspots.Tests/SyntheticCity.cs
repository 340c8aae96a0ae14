using NetTopologySuite.Geometries;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// A small made-up city for tests: a square of side × side metres near Shanghai, a lattice over it, and events drawn
/// from a known intensity per cell (a hot corner, a cold rest), so that a forecast can be judged against the truth.
/// </summary>
public static class SyntheticCity
{
    public const double Lon0 = 121.47, Lat0 = 31.23;

    /// <summary>One small Poisson trainer, so that a test's back-test takes seconds, not minutes.</summary>
    public static BoostedOptions QuickModel(int leaves = 4, int trees = 30, int validationDays = 7) => new()
    {
        Settings = [new("poisson-quick", "FastTreeTweedie", leaves, trees, 0.1, 20)],
        ValidationDays = validationDays,
    };

    public static Polygon Square(double sideM)
    {
        var plane = new LocalMetres(Lon0, Lat0);
        var f = new GeometryFactory(new PrecisionModel(), 4326);
        var (x0, y0) = plane.ToDegrees(-sideM / 2, -sideM / 2);
        var (x1, y1) = plane.ToDegrees(sideM / 2, sideM / 2);
        return f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
    }

    /// <summary>Events over <paramref name="days"/> days: cell intensity falls with distance from the south-west corner.</summary>
    public static List<HotspotEvent> Events(CellSet cells, int days, double perDay, int seed = 7, DateOnly? first = null)
    {
        var rng = new Random(seed);
        var start = first ?? new DateOnly(2025, 1, 1);
        var corner = new NetTopologySuite.Geometries.Envelope();
        foreach (var g in cells.Metres) corner.ExpandToInclude(g.EnvelopeInternal);
        var weights = cells.Samples.Select(s => Math.Exp(-Math.Sqrt(Math.Pow(s[0].X - corner.MinX, 2) + Math.Pow(s[0].Y - corner.MinY, 2)) / 600)).ToArray();
        var total = weights.Sum();
        var list = new List<HotspotEvent>();
        for (var d = 0; d < days; d++)
            for (var c = 0; c < cells.Count; c++)
            {
                var n = Poisson(rng, perDay * weights[c] / total);
                for (var i = 0; i < n; i++)
                {
                    var p = cells.Metres[c].InteriorPoint;
                    var (lon, lat) = cells.Plane.ToDegrees(p.X + rng.NextDouble() * 20 - 10, p.Y + rng.NextDouble() * 20 - 10);
                    list.Add(new HotspotEvent(start.AddDays(d), lon, lat, rng.NextDouble() < 0.6 ? "litter" : "manhole"));
                }
            }
        return list;
    }

    /// <summary>Events over <paramref name="days"/> days drawn from a known rate per day and cell (Poisson), at the cell's interior point.</summary>
    public static List<HotspotEvent> FromRates(CellSet cells, int days, Func<int, int, double> rate, int seed = 11, DateOnly? first = null)
    {
        var rng = new Random(seed);
        var start = first ?? new DateOnly(2025, 1, 1);
        var list = new List<HotspotEvent>();
        for (var d = 0; d < days; d++)
            for (var c = 0; c < cells.Count; c++)
                for (var n = Poisson(rng, rate(d, c)); n > 0; n--)
                {
                    var p = cells.Metres[c].InteriorPoint;
                    var (lon, lat) = cells.Plane.ToDegrees(p.X + rng.NextDouble() * 20 - 10, p.Y + rng.NextDouble() * 20 - 10);
                    list.Add(new HotspotEvent(start.AddDays(d), lon, lat, rng.NextDouble() < 0.6 ? "litter" : "manhole"));
                }
        return list;
    }

    /// <summary>A city's data from a known rate and known patrol minutes per day and cell, over the days from <paramref name="first"/>.</summary>
    public static HotspotData WithPatrolMinutes(CellSet cells, int days, DateOnly first, Func<int, int, double> rate, Func<int, int, double> minutes)
    {
        var events = FromRates(cells, days, rate, first: first);
        var daily = new double[days * cells.Count];
        for (var d = 0; d < days; d++)
            for (var c = 0; c < cells.Count; c++) daily[d * cells.Count + c] = minutes(d, c);
        return new HotspotData(cells, EventTable.Locate(cells, events, first: first, last: first.AddDays(days - 1)))
        {
            PatrolMinutes = DailySeries.FromDaily(days, cells.Count, daily),
        };
    }

    public static int Poisson(Random rng, double mean)
    {
        var l = Math.Exp(-mean); var k = 0; var p = 1.0;
        do { k++; p *= rng.NextDouble(); } while (p > l);
        return k - 1;
    }
}
