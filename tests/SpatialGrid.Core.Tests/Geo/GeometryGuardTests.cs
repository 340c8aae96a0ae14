using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Core.Tests.Geo;

public class GeometryGuardTests
{
    private static readonly WKTReader Wkt = new(GeometryFactories.Wgs84.GeometryServices);
    private static readonly GeometryLimits Limits = new() { MaxVertices = 1000 };

    private static (MultiPolygon? Result, List<GridProblem> Problems) Guard(Geometry? g, bool fix = false, Crs? crs = null, GeometryLimits? limits = null)
    {
        var problems = new List<GridProblem>();
        return (GeometryGuard.ToGridPolygon(g, crs ?? Crs.Wgs84, limits ?? Limits, fix, 0, "310101002001001", problems), problems);
    }

    /// <summary>A bow tie whose lobes differ: the right one (1.33e-4 deg²) four times the left one (3.3e-5 deg²).</summary>
    private const string UnevenBowTie = "POLYGON((121.47 31.23, 121.49 31.25, 121.49 31.23, 121.47 31.24, 121.47 31.23))";

    /// <summary>A square whose ring then runs a loop across it: the strip the loop crosses is enclosed twice, so even-odd leaves it out.</summary>
    private const string SquareWithLoopAcross =
        "POLYGON((121.47 31.23, 121.48 31.23, 121.48 31.24, 121.47 31.24, 121.47 31.232, 121.482 31.232, 121.482 31.234, 121.47 31.234, 121.47 31.23))";

    [Fact]
    public void Self_intersecting_ring_is_refused_with_the_reason_and_place()
    {
        var (result, problems) = Guard(Wkt.Read("POLYGON((121.47 31.23, 121.48 31.24, 121.48 31.23, 121.47 31.24, 121.47 31.23))"));
        Assert.Null(result);
        var p = Assert.Single(problems);
        Assert.Equal(GridProblemKinds.InvalidGeometry, p.Kind);
        Assert.Contains("Self-intersection", p.Message);
    }

    [Fact]
    public void Fix_repairs_a_bow_tie_and_says_so()
    {
        var (result, problems) = Guard(Wkt.Read("POLYGON((121.47 31.23, 121.48 31.24, 121.48 31.23, 121.47 31.24, 121.47 31.23))"), fix: true);
        Assert.NotNull(result);
        Assert.True(result.IsValid);
        Assert.Contains(problems, p => p is { Kind: GridProblemKinds.Fixed, Severity: Severity.Warning });
    }

    [Fact]
    public void Swapped_lon_lat_is_named_as_such()
    {
        var (_, problems) = Guard(Wkt.Read("POLYGON((31.23 121.47, 31.23 121.48, 31.24 121.48, 31.24 121.47, 31.23 121.47))"));
        Assert.Contains("swapped", Assert.Single(problems).Message);
    }

    [Fact]
    public void Too_many_vertices_are_capped()
    {
        var ring = Enumerable.Range(0, 2000).Select(i => new Coordinate(121.47 + 0.01 * Math.Cos(i * Math.PI / 1000), 31.23 + 0.01 * Math.Sin(i * Math.PI / 1000))).ToList();
        ring.Add(ring[0]);
        var (_, problems) = Guard(GeometryFactories.Wgs84.CreatePolygon(ring.ToArray()));
        Assert.Equal(GridProblemKinds.TooManyVertices, Assert.Single(problems).Kind);
    }

    [Fact]
    public void Z_values_are_refused_unless_fixing()
    {
        var g = Wkt.Read("POLYGON Z((121.47 31.23 5, 121.48 31.23 5, 121.48 31.24 5, 121.47 31.24 5, 121.47 31.23 5))");
        Assert.Equal(GridProblemKinds.HasZOrM, Assert.Single(Guard(g).Problems).Kind);
        var (fixedResult, _) = Guard(g, fix: true);
        Assert.True(double.IsNaN(fixedResult!.Coordinates[0].Z));
    }

    [Fact]
    public void Geometry_collections_and_lines_are_not_grids()
    {
        Assert.Equal(GridProblemKinds.UnsupportedGeometry, Assert.Single(Guard(Wkt.Read("GEOMETRYCOLLECTION(POINT(121.47 31.23))")).Problems).Kind);
        Assert.Equal(GridProblemKinds.UnsupportedGeometry, Assert.Single(Guard(Wkt.Read("LINESTRING(121.47 31.23, 121.48 31.24)")).Problems).Kind);
    }

    [Fact]
    public void NaN_coordinates_are_refused()
    {
        var g = GeometryFactories.Wgs84.CreatePolygon([new(121.47, 31.23), new(double.NaN, 31.23), new(121.48, 31.24), new(121.47, 31.23)]);
        Assert.Equal(GridProblemKinds.BadCoordinates, Assert.Single(Guard(g).Problems).Kind);
    }

    [Fact]
    public void Gcj02_input_is_moved_to_wgs84()
    {
        var (result, problems) = Guard(Wkt.Read("POLYGON((121.47 31.23, 121.48 31.23, 121.48 31.24, 121.47 31.24, 121.47 31.23))"), crs: Crs.Gcj02);
        Assert.Empty(problems);
        Assert.InRange(result!.Coordinates[0].X, 121.465, 121.4699);
    }

    [Fact]
    public void Repairing_a_bow_tie_with_uneven_lobes_keeps_both_and_reports_what_it_removed_and_added()
    {
        var bowTie = Wkt.Read(UnevenBowTie);
        var (result, problems) = Guard(bowTie, fix: true);
        var repair = Assert.Single(problems, p => p.Kind == GridProblemKinds.Fixed);
        Assert.Equal((0.0, 0.0), (repair.RemovedM2, repair.AddedM2));
        // Both lobes: the area is the lobes' sum, not the signed area of the ring (their difference).
        var lobes = Measure.AreaM2(PolygonRepair.Enclosed(bowTie));
        Assert.InRange(Measure.AreaM2(result!), lobes - 1, lobes + 1);
        Assert.InRange(lobes, 1.5 * Measure.AreaM2(bowTie), 2 * Measure.AreaM2(bowTie));
        Assert.Contains("0 m² removed and 0 m² added", repair.Message);
    }

    [Fact]
    public void A_repair_that_changes_the_area_beyond_the_tolerance_is_refused_with_the_areas()
    {
        var (result, problems) = Guard(Wkt.Read(SquareWithLoopAcross), fix: true);
        Assert.Null(result);
        var refused = Assert.Single(problems);
        Assert.Equal((Severity.Error, GridProblemKinds.RepairChangesArea, 0, "310101002001001"), (refused.Severity, refused.Kind, refused.Feature, refused.Code));
        // The strip 0.01° × 0.002° at 31.23°N: about 952 m × 222 m.
        Assert.InRange(refused.AddedM2!.Value, 205_000, 218_000);
        Assert.Equal(0, refused.RemovedM2);
        Assert.Contains("repair tolerance of 10 m²", refused.Message);
    }

    [Fact]
    public void A_larger_repair_tolerance_accepts_the_change_and_still_reports_it()
    {
        var (result, problems) = Guard(Wkt.Read(SquareWithLoopAcross), fix: true, limits: Limits with { RepairToleranceM2 = 1_000_000 });
        Assert.NotNull(result);
        var repair = Assert.Single(problems);
        Assert.Equal((Severity.Warning, GridProblemKinds.Fixed), (repair.Severity, repair.Kind));
        Assert.InRange(repair.AddedM2!.Value, 205_000, 218_000);
    }

    [Fact]
    public void A_gcj02_bow_tie_is_refused_as_invalid_not_cut_to_one_lobe_while_densified()
    {
        var bowTie = Wkt.Read(UnevenBowTie);
        Assert.Equal(GridProblemKinds.InvalidGeometry, Assert.Single(Guard(bowTie, crs: Crs.Gcj02).Problems).Kind);
        var (result, problems) = Guard(bowTie, fix: true, crs: Crs.Gcj02);
        var repair = Assert.Single(problems);
        Assert.True(repair.RemovedM2 < 1 && repair.AddedM2 < 1, repair.Message);
        Assert.InRange(Measure.AreaM2(result!), 0.99 * Measure.AreaM2(PolygonRepair.Enclosed(bowTie)), 1.01 * Measure.AreaM2(PolygonRepair.Enclosed(bowTie)));
    }

    [Fact]
    public void Gcj02_vertices_are_counted_after_densifying_against_the_cap()
    {
        // Five vertices, edges of 0.3°: 300 vertices an edge once densified to 0.001°, 1,200 in all, over the cap of 1,000.
        var square = Wkt.Read("POLYGON((121.1 31.1, 121.4 31.1, 121.4 31.4, 121.1 31.4, 121.1 31.1))");
        var (result, problems) = Guard(square, crs: Crs.Gcj02);
        Assert.Null(result);
        var capped = Assert.Single(problems);
        Assert.Equal(GridProblemKinds.TooManyVertices, capped.Kind);
        var densified = Gcj02Densify.VertexCount(square);
        Assert.InRange(densified, 1_190, 1_210);
        Assert.Equal(Gcj02Densify.Densify(square).NumPoints, densified);
        Assert.Contains($"5 vertices become {densified:N0}", capped.Message);
    }

    [Fact]
    public void Gcj02_input_within_the_cap_after_densifying_is_converted()
    {
        var square = Wkt.Read("POLYGON((121.1 31.1, 121.3 31.1, 121.3 31.3, 121.1 31.3, 121.1 31.1))");
        var (result, problems) = Guard(square, crs: Crs.Gcj02);
        Assert.Empty(problems);
        Assert.InRange(result!.NumPoints, 800, 1000);
    }
}
