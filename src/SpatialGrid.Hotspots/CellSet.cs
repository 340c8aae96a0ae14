using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace SpatialGrid.Hotspots;

/// <summary>One cell to forecast: a responsibility grid, a polygon from a file or a lattice square (WGS 84).</summary>
public sealed record HotspotCell(string Id, Geometry Geometry);

/// <summary>
/// The cells of one forecast, in local metres: areas, neighbours over shared borders, a few sample points inside each
/// (kernel surfaces are averaged over them, so a large cell is not judged by its centroid alone) and point location.
/// </summary>
public sealed class CellSet
{
    /// <summary>Two cells closer than this share a border: real boundary files have slivers and gaps of a metre or two.</summary>
    public const double BorderToleranceM = 2.0;

    /// <summary>Sample points over all cells, at most: kernel surfaces cost one evaluation per sample point and event.</summary>
    public const int SampleBudget = 60_000;

    public LocalMetres Plane { get; }
    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<Geometry> Wgs84 { get; }
    public IReadOnlyList<Geometry> Metres { get; }
    public double[] AreaM2 { get; }
    public double TotalAreaM2 { get; }
    public int[][] Neighbours { get; }
    /// <summary>Sample points of each cell in metres (at least one: its interior point).</summary>
    public (double X, double Y)[][] Samples { get; }
    public int Count => Ids.Count;

    private readonly STRtree<int> index = new();
    private readonly IndexedPointInAreaLocator?[] locators;
    private readonly Dictionary<string, int> byId;

    private CellSet(LocalMetres plane, List<string> ids, List<Geometry> wgs84, List<Geometry> metres, int[][]? neighbours)
    {
        Plane = plane;
        Ids = ids;
        Wgs84 = wgs84;
        Metres = metres;
        AreaM2 = metres.Select(g => g.Area).ToArray();
        TotalAreaM2 = AreaM2.Sum();
        locators = new IndexedPointInAreaLocator?[ids.Count];
        byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            byId[ids[i]] = i;
            index.Insert(metres[i].EnvelopeInternal, i);
        }
        index.Build();
        Neighbours = neighbours ?? FindNeighbours();
        Samples = PlaceSamples();
    }

    /// <summary>Cells from polygons in WGS 84. Ids must be unique; empty, non-areal or zero-area cells are refused by name.</summary>
    public static CellSet FromPolygons(IEnumerable<HotspotCell> cells) => Build(cells, neighbours: null);

    internal static CellSet Build(IEnumerable<HotspotCell> cells, int[][]? neighbours)
    {
        var list = cells.ToList();
        if (list.Count == 0) throw new HotspotInputException("there are no cells: give at least one polygon (or a lattice over a boundary)");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var envelope = new Envelope();
        foreach (var c in list)
        {
            if (string.IsNullOrWhiteSpace(c.Id)) throw new HotspotInputException("a cell has no id");
            if (!seen.Add(c.Id)) throw new HotspotInputException($"cell id '{c.Id}' is given twice");
            if (c.Geometry is not (Polygon or MultiPolygon) || c.Geometry.IsEmpty)
                throw new HotspotInputException($"cell '{c.Id}' is a {c.Geometry.GeometryType}, not a polygon");
            envelope.ExpandToInclude(c.Geometry.EnvelopeInternal);
        }
        if (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90)
            throw new HotspotInputException("the cells are not in longitude/latitude (WGS 84): convert them first");
        var plane = LocalMetres.Around(envelope);
        var metres = list.Select(c => plane.ToMetres(c.Geometry)).ToList();
        for (var i = 0; i < list.Count; i++)
            if (metres[i].Area <= 0) throw new HotspotInputException($"cell '{list[i].Id}' has no area");
        return new CellSet(plane, list.Select(c => c.Id).ToList(), list.Select(c => c.Geometry).ToList(), metres, neighbours);
    }

    public int IndexOf(string id) => byId.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The cell holding a point (metres), or -1. A point on a shared border goes to the first cell found.</summary>
    public int Locate(double x, double y)
    {
        var env = new Envelope(x, x, y, y);
        var best = -1;
        foreach (var i in index.Query(env))
        {
            var locator = locators[i] ??= new IndexedPointInAreaLocator(Metres[i]);
            var where = locator.Locate(new Coordinate(x, y));
            if (where == Location.Interior) return i;
            if (where == Location.Boundary && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    private int[][] FindNeighbours()
    {
        var result = new List<int>[Count];
        for (var i = 0; i < Count; i++) result[i] = [];
        for (var i = 0; i < Count; i++)
        {
            var env = Metres[i].EnvelopeInternal.Copy();
            env.ExpandBy(BorderToleranceM);
            foreach (var j in index.Query(env))
            {
                if (j <= i) continue;
                if (Metres[i].IsWithinDistance(Metres[j], BorderToleranceM))
                {
                    result[i].Add(j);
                    result[j].Add(i);
                }
            }
        }
        return result.Select(l => l.OrderBy(v => v).ToArray()).ToArray();
    }

    private (double X, double Y)[][] PlaceSamples()
    {
        // Up to 4×4 points per cell on a regular grid over its envelope, kept where inside; fewer when there are many
        // cells, so the total stays near SampleBudget.
        var perSide = (int)Math.Clamp(Math.Floor(Math.Sqrt(SampleBudget / (double)Count)), 1, 4);
        var samples = new (double, double)[Count][];
        for (var i = 0; i < Count; i++)
        {
            var g = Metres[i];
            var list = new List<(double, double)>();
            if (perSide > 1)
            {
                var env = g.EnvelopeInternal;
                var locator = new IndexedPointInAreaLocator(g);
                for (var a = 0; a < perSide; a++)
                    for (var b = 0; b < perSide; b++)
                    {
                        var x = env.MinX + (a + 0.5) * env.Width / perSide;
                        var y = env.MinY + (b + 0.5) * env.Height / perSide;
                        if (locator.Locate(new Coordinate(x, y)) == Location.Interior) list.Add((x, y));
                    }
            }
            if (list.Count == 0)
            {
                var p = g.InteriorPoint;
                list.Add((p.X, p.Y));
            }
            samples[i] = list.ToArray();
        }
        return samples;
    }
}
