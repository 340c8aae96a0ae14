using NetTopologySuite.Geometries;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Patrols;

/// <summary>A point of a road every <see cref="RoadSamples.Spacing"/> metres: the road, its index along it, and its cell.</summary>
/// <param name="Road">The road component's code.</param>
/// <param name="Index">The sample's place along the road: it stands for the road from Index × Spacing to (Index + 1) × Spacing metres.</param>
/// <param name="Cell">The cell (responsibility grid) the sample lies in.</param>
public readonly record struct RoadSample(string Road, int Index, string Cell, double Lon, double Lat);

/// <summary>
/// The roads of the cells as sample points, for the share of a grid's road length a patrol walked.
/// <para>
/// Rule: a road is cut into stretches of <see cref="Spacing"/> metres along its whole length, each stood for by the point
/// in its middle and credited to the cell that point lies in (stretches outside every cell are dropped). A stretch is
/// walked when its point lies within the buffer of a walked segment (the straight stretch between two clean fixes
/// that <see cref="VisitTracker"/> walks: gaps and restarts are not walked). A grid's road length is its stretches ×
/// Spacing, and its walked share is walked stretches / all its stretches: the road length within the buffer of the
/// day's tracks, to one stretch at each end of a walk. A road crossed is walked for about twice the buffer, which is
/// what "within a buffer" means; the buffer allows for the phone's accuracy and for walking the pavement beside the
/// centre line.
/// </para>
/// <para>
/// A sample is named by (road, index) rather than by position, so walked samples stored on one day keep their meaning
/// while the road is unchanged, whatever the order roads are loaded in.
/// </para>
/// </summary>
public sealed class RoadSamples
{
    private readonly RoadSample[] _samples;

    // The samples by square buckets of about 55 m, so that a segment's box looks in a few buckets. The R-tree this
    // replaces allocated a list of candidates for each segment: the writer asks once a fix (1.5 µs a fix with the demo
    // city's roads, as much as walking the fix into visits).
    private const double BucketDegrees = 0.0005;
    private readonly Dictionary<long, int[]> _buckets;

    /// <summary>Metres of road each sample stands for.</summary>
    public double Spacing { get; }

    /// <summary>The number of samples per cell code.</summary>
    public IReadOnlyDictionary<string, int> PerCell { get; }

    public int Count => _samples.Length;

    public RoadSample this[int i] => _samples[i];

    /// <param name="roads">Road codes with their lon/lat lines (LineString or MultiLineString; parts are walked in order).</param>
    /// <param name="cells">The cells samples are credited to.</param>
    /// <param name="spacing">Metres between samples (at least 1).</param>
    public RoadSamples(IEnumerable<(string Code, Geometry Line)> roads, PatrolCells cells, double spacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, 1);
        Spacing = spacing;
        var samples = new List<RoadSample>();
        foreach (var (code, line) in roads)
        {
            var index = 0;
            var carried = 0.0;   // metres walked along the road since the last sample's stretch began
            for (var part = 0; part < line.NumGeometries; part++)
            {
                if (line.GetGeometryN(part) is not LineString ls) continue;
                var cs = ls.CoordinateSequence;
                for (var i = 1; i < cs.Count; i++)
                {
                    double lon1 = cs.GetX(i - 1), lat1 = cs.GetY(i - 1), lon2 = cs.GetX(i), lat2 = cs.GetY(i);
                    var length = GroundDistance.Metres(lon1, lat1, lon2, lat2);
                    if (length <= 0) continue;
                    // The middle of each stretch [k·Spacing, (k+1)·Spacing) that falls on this segment.
                    var at = spacing / 2 - carried;
                    while (at < length)
                    {
                        if (at >= 0)
                        {
                            var f = at / length;
                            double lon = lon1 + (lon2 - lon1) * f, lat = lat1 + (lat2 - lat1) * f;
                            if (cells.Locate(lon, lat) is { } cell) samples.Add(new RoadSample(code, index, cell, lon, lat));
                            index++;
                        }
                        at += spacing;
                    }
                    carried = (carried + length) % spacing;
                }
            }
        }
        _samples = [.. samples];
        _buckets = Enumerable.Range(0, _samples.Length).GroupBy(i => Bucket(Cell(_samples[i].Lon), Cell(_samples[i].Lat)))
            .ToDictionary(g => g.Key, g => g.ToArray());
        PerCell = _samples.GroupBy(s => s.Cell).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>Adds to <paramref name="into"/> the samples within <paramref name="buffer"/> metres of the segment a→b.</summary>
    public void Near(double lon1, double lat1, double lon2, double lat2, double buffer, ICollection<int> into)
    {
        if (_samples.Length == 0) return;
        var (mx, my) = Measure.MetresPerDegree((lat1 + lat2) / 2);
        var (dLon, dLat) = (buffer / mx, buffer / my);
        // In metres about the segment's start: the segment a→b is (0,0)→(bx,by). Every point within the buffer of the
        // segment lies in its box widened by the buffer, so the buckets over that box hold all candidates.
        double bx = (lon2 - lon1) * mx, by = (lat2 - lat1) * my, squared = bx * bx + by * by;
        int x0 = Cell(Math.Min(lon1, lon2) - dLon), x1 = Cell(Math.Max(lon1, lon2) + dLon);
        int y0 = Cell(Math.Min(lat1, lat2) - dLat), y1 = Cell(Math.Max(lat1, lat2) + dLat);
        for (var x = x0; x <= x1; x++)
            for (var y = y0; y <= y1; y++)
            {
                if (!_buckets.TryGetValue(Bucket(x, y), out var bucket)) continue;
                foreach (var i in bucket)
                {
                    double px = (_samples[i].Lon - lon1) * mx, py = (_samples[i].Lat - lat1) * my;
                    var t = squared == 0 ? 0 : Math.Clamp((px * bx + py * by) / squared, 0, 1);
                    double dx = px - t * bx, dy = py - t * by;
                    if (dx * dx + dy * dy <= buffer * buffer) into.Add(i);
                }
            }
    }

    private static int Cell(double degrees) => (int)Math.Floor(degrees / BucketDegrees);

    private static long Bucket(int x, int y) => ((long)x << 32) | (uint)y;
}
