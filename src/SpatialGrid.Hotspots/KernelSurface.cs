namespace SpatialGrid.Hotspots;

/// <summary>
/// A kernel spread over the cells, day by day: each event adds the kernel's value at every sample point of the cells
/// within reach, weighted by the area each sample stands for. Kept as a <see cref="DailySeries"/>, so the surface of any
/// window of days is two reads per cell; a 28-day and a 365-day KDE cost the same.
/// </summary>
public static class KernelSurface
{
    /// <summary>A Gaussian kernel density (per m²) truncated at three bandwidths: each event's mass over the plane is 1.</summary>
    public static DailySeries Gaussian(CellSet cells, EventTable events, double bandwidthM)
    {
        var norm = 1.0 / (2 * Math.PI * bandwidthM * bandwidthM);
        var twoH2 = 2 * bandwidthM * bandwidthM;
        return Spread(cells, events, 3 * bandwidthM, d2 => norm * Math.Exp(-d2 / twoH2));
    }

    /// <summary>
    /// The spatial part of prospective hotspotting (Bowers, Johnson &amp; Pease 2004): an event weighs
    /// 1 / (1 + the number of whole <paramref name="bandM"/> bands between it and the place), up to <paramref name="radiusM"/>.
    /// </summary>
    public static DailySeries Prospective(CellSet cells, EventTable events, double bandM, double radiusM) =>
        Spread(cells, events, radiusM, d2 => 1.0 / (1 + Math.Floor(Math.Sqrt(d2) / bandM)));

    private static DailySeries Spread(CellSet cells, EventTable events, double radius, Func<double, double> kernelOfSquaredDistance)
    {
        var grid = new SampleGrid(cells, bucket: Math.Max(radius / 2, 50));
        var daily = new double[events.Days * cells.Count];
        var r2 = radius * radius;
        for (var i = 0; i < events.Count; i++)
        {
            var ex = events.X[i]; var ey = events.Y[i];
            var row = events.Day[i] * cells.Count;
            grid.ForEachNear(ex, ey, radius, (x, y, cell, weight) =>
            {
                var d2 = (x - ex) * (x - ex) + (y - ey) * (y - ey);
                if (d2 <= r2) daily[row + cell] += weight * kernelOfSquaredDistance(d2);
            });
        }
        return DailySeries.FromDaily(events.Days, cells.Count, daily);
    }

    /// <summary>The cells' sample points in square buckets, each with the area it stands for.</summary>
    private sealed class SampleGrid
    {
        private readonly double minX, minY, bucket;
        private readonly int nx, ny;
        private readonly List<(double X, double Y, int Cell, double Weight)>[] buckets;

        public SampleGrid(CellSet cells, double bucket)
        {
            this.bucket = bucket;
            minX = double.MaxValue; minY = double.MaxValue;
            var maxX = double.MinValue; var maxY = double.MinValue;
            foreach (var s in cells.Samples.SelectMany(s => s))
            {
                minX = Math.Min(minX, s.X); minY = Math.Min(minY, s.Y); maxX = Math.Max(maxX, s.X); maxY = Math.Max(maxY, s.Y);
            }
            nx = Math.Max(1, (int)((maxX - minX) / bucket) + 1);
            ny = Math.Max(1, (int)((maxY - minY) / bucket) + 1);
            buckets = new List<(double, double, int, double)>[nx * ny];
            for (var c = 0; c < cells.Count; c++)
            {
                var weight = cells.AreaM2[c] / cells.Samples[c].Length;
                foreach (var (x, y) in cells.Samples[c])
                {
                    var at = Bx(x) + By(y) * nx;
                    (buckets[at] ??= []).Add((x, y, c, weight));
                }
            }
        }

        private int Bx(double x) => Math.Clamp((int)((x - minX) / bucket), 0, nx - 1);
        private int By(double y) => Math.Clamp((int)((y - minY) / bucket), 0, ny - 1);

        public void ForEachNear(double x, double y, double radius, Action<double, double, int, double> visit)
        {
            if (x + radius < minX || y + radius < minY || x - radius > minX + nx * bucket || y - radius > minY + ny * bucket) return;
            int x0 = Bx(x - radius), x1 = Bx(x + radius), y0 = By(y - radius), y1 = By(y + radius);
            for (var b = y0; b <= y1; b++)
                for (var a = x0; a <= x1; a++)
                {
                    var list = buckets[a + b * nx];
                    if (list is null) continue;
                    foreach (var s in list) visit(s.X, s.Y, s.Cell, s.Weight);
                }
        }
    }
}
