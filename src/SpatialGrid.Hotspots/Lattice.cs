using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace SpatialGrid.Hotspots;

/// <summary>A square lattice of a given size over a boundary, clipped to it: the usual unit of hotspot studies.</summary>
public static class Lattice
{
    /// <summary>Cells at most: a 10 m lattice over a city would be millions of cells, each forecast from almost nothing.</summary>
    public const int MaxCells = 100_000;

    /// <summary>The smallest side that makes sense: GPS and geocoding put a point some tens of metres off.</summary>
    public const double MinSizeM = 50;

    public static CellSet Over(Geometry boundaryWgs84, double sizeM, int maxCells = MaxCells)
    {
        if (double.IsNaN(sizeM) || sizeM <= 0) throw new HotspotInputException($"the lattice size must be a positive number of metres, not {sizeM}");
        if (sizeM < MinSizeM) throw new HotspotInputException($"a lattice of {sizeM} m is finer than the {MinSizeM} m a located event can be trusted to; use {MinSizeM} m or more");
        if (boundaryWgs84 is not (Polygon or MultiPolygon) || boundaryWgs84.IsEmpty)
            throw new HotspotInputException("the lattice boundary must be a polygon or multipolygon in WGS 84");
        var plane = LocalMetres.Around(boundaryWgs84.EnvelopeInternal);
        var boundary = plane.ToMetres(boundaryWgs84);
        if (!boundary.IsValid) boundary = NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(boundary);
        var env = boundary.EnvelopeInternal;
        var nx = (int)Math.Ceiling(env.Width / sizeM);
        var ny = (int)Math.Ceiling(env.Height / sizeM);
        var estimate = boundary.Area / (sizeM * sizeM);
        if (estimate > maxCells || (long)nx * ny > 20L * maxCells)
        {
            var smallest = Math.Ceiling(Math.Sqrt(boundary.Area / maxCells));
            throw new HotspotInputException($"a {sizeM} m lattice over this boundary ({boundary.Area / 1e6:0.#} km²) would be about {estimate:N0} cells; the cap is {maxCells:N0}, so use {smallest} m or more");
        }

        var prepared = PreparedGeometryFactory.Prepare(boundary);
        var factory = boundary.Factory;
        var cells = new List<HotspotCell>();
        var grid = new int[nx, ny];
        for (var a = 0; a < nx; a++)
            for (var b = 0; b < ny; b++)
            {
                grid[a, b] = -1;
                var x0 = env.MinX + a * sizeM;
                var y0 = env.MinY + b * sizeM;
                var square = factory.ToGeometry(new Envelope(x0, x0 + sizeM, y0, y0 + sizeM));
                if (!prepared.Intersects(square)) continue;
                var cell = prepared.Contains(square) ? square : boundary.Intersection(square);
                var areal = PolygonalPart(cell);
                if (areal is null || areal.Area < 1e-6 * sizeM * sizeM) continue;
                grid[a, b] = cells.Count;
                cells.Add(new HotspotCell($"{a}_{b}", plane.ToDegrees(areal)));
            }
        if (cells.Count == 0) throw new HotspotInputException("the boundary has no area for a lattice");

        // Rook neighbours from the lattice itself: exact, and no geometry tests for 100,000 cells.
        var neighbours = new int[cells.Count][];
        for (var a = 0; a < nx; a++)
            for (var b = 0; b < ny; b++)
            {
                var i = grid[a, b];
                if (i < 0) continue;
                var list = new List<int>(4);
                if (a > 0 && grid[a - 1, b] >= 0) list.Add(grid[a - 1, b]);
                if (a < nx - 1 && grid[a + 1, b] >= 0) list.Add(grid[a + 1, b]);
                if (b > 0 && grid[a, b - 1] >= 0) list.Add(grid[a, b - 1]);
                if (b < ny - 1 && grid[a, b + 1] >= 0) list.Add(grid[a, b + 1]);
                list.Sort();
                neighbours[i] = list.ToArray();
            }
        return CellSet.Build(cells, neighbours);
    }

    private static Geometry? PolygonalPart(Geometry g) => g switch
    {
        Polygon or MultiPolygon => g.IsEmpty ? null : g,
        GeometryCollection gc => gc.Geometries.OfType<Polygon>().ToArray() is { Length: > 0 } polys ? g.Factory.CreateMultiPolygon(polys) : null,
        _ => null,
    };
}
