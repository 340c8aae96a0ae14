using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Core.Tests.Grids;

public class GridValidatorTests
{
    private static readonly WKTReader Wkt = new(GeometryFactories.Wgs84.GeometryServices);
    private static int _feature;

    private static GridDraft Draft(string code, string wkt, GridKind kind = GridKind.Comprehensive)
    {
        var g = Wkt.Read(wkt);
        var multi = g as MultiPolygon ?? GeometryFactories.Wgs84.CreateMultiPolygon([(Polygon)g]);
        return new GridDraft(_feature++, GridCode.Parse(code), code, kind, null, multi);
    }

    private const string Community = "POLYGON((121.47 31.23, 121.48 31.23, 121.48 31.24, 121.47 31.24, 121.47 31.23))";
    private const string West = "POLYGON((121.47 31.23, 121.475 31.23, 121.475 31.24, 121.47 31.24, 121.47 31.23))";
    private const string East = "POLYGON((121.475 31.23, 121.48 31.23, 121.48 31.24, 121.475 31.24, 121.475 31.23))";

    private static readonly ExistingGrid[] Parents =
    [
        new(GridCode.Parse("310101"), GridKind.Comprehensive, Wkt.Read("POLYGON((121 31, 122 31, 122 32, 121 32, 121 31))")),
        new(GridCode.Parse("310101002"), GridKind.Comprehensive, Wkt.Read(Community)),
    ];

    [Fact]
    public void A_community_tiled_by_its_grids_is_clean()
    {
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001002", East)], Parents, new());
        Assert.Empty(problems);
    }

    [Fact]
    public void Overlapping_siblings_are_an_error_with_the_overlap_area()
    {
        var wide = "POLYGON((121.47 31.23, 121.477 31.23, 121.477 31.24, 121.47 31.24, 121.47 31.23))";
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", wide), Draft("310101002001002", East)], Parents, new());
        var overlap = Assert.Single(problems, p => p.Kind == GridProblemKinds.Overlap);
        Assert.Equal(Severity.Error, overlap.Severity);
        // 0.002° × 0.01° at 31°N ≈ 190 m × 1106 m.
        Assert.InRange(overlap.AreaM2!.Value, 200_000, 220_000);
        Assert.NotNull(overlap.Where);
    }

    [Fact]
    public void Dedicated_grids_may_lie_over_comprehensive_ones()
    {
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001002", East),
            Draft("310101002001901", "POLYGON((121.474 31.235, 121.476 31.235, 121.476 31.236, 121.474 31.236, 121.474 31.235))", GridKind.Dedicated)], Parents, new());
        Assert.Empty(problems);
    }

    [Fact]
    public void A_gap_is_reported_as_a_warning_with_its_polygon_and_area()
    {
        var narrowEast = "POLYGON((121.476 31.23, 121.48 31.23, 121.48 31.24, 121.476 31.24, 121.476 31.23))";
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001002", narrowEast)], Parents, new());
        var gap = Assert.Single(problems);
        Assert.Equal((Severity.Warning, GridProblemKinds.Gap, "310101002001"), (gap.Severity, gap.Kind, gap.Code));
        Assert.InRange(gap.AreaM2!.Value, 100_000, 110_000);
        Assert.Contains("属地兜底", gap.Message);
    }

    [Fact]
    public void A_grid_reaching_out_of_its_community_is_wrong_nesting()
    {
        var outside = "POLYGON((121.475 31.23, 121.49 31.23, 121.49 31.24, 121.475 31.24, 121.475 31.23))";
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001002", outside)], Parents, new());
        Assert.Contains(problems, p => p.Kind == GridProblemKinds.WrongNesting && p.Code == "310101002001002" && p.AreaM2 > 900_000);
    }

    [Fact]
    public void Duplicate_codes_and_missing_parents_are_errors()
    {
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001001", East),
            Draft("310101003001001", West)], Parents, new());
        Assert.Contains(problems, p => p.Kind == GridProblemKinds.DuplicateCode);
        Assert.Contains(problems, p => p.Kind == GridProblemKinds.MissingParent && p.Code == "310101003001001");
    }

    [Fact]
    public void Slivers_of_a_shared_border_are_not_overlaps()
    {
        // The east grid starts 1e-7° (1 cm) west of the shared border: a sliver 1 cm wide and 1.1 km long.
        var shifted = "POLYGON((121.4749999 31.23, 121.48 31.23, 121.48 31.24, 121.4749999 31.24, 121.4749999 31.23))";
        var problems = GridValidator.Validate([Draft("310101002001", Community), Draft("310101002001001", West), Draft("310101002001002", shifted)], Parents, new());
        Assert.DoesNotContain(problems, p => p.Kind == GridProblemKinds.Overlap);
    }

    private static string Box(double x1, double y1, double x2, double y2) =>
        FormattableString.Invariant($"POLYGON(({x1} {y1}, {x2} {y1}, {x2} {y2}, {x1} {y2}, {x1} {y1}))");

    [Fact]
    public void A_district_of_another_province_is_no_sibling_even_where_they_overlap()
    {
        // 320101 may overlap 310101's square (a wrong border is the other province's business, not this import's).
        var problems = GridValidator.Validate([Draft("320101", Box(121.9, 31.5, 122.2, 31.8))], Parents, new());
        Assert.DoesNotContain(problems, p => p.Kind == GridProblemKinds.Overlap);
    }

    [Fact]
    public void Districts_of_one_city_must_not_overlap_a_current_one()
    {
        var problems = GridValidator.Validate([Draft("310104", Box(121.9, 31.5, 122.2, 31.8))], Parents, new());
        var overlap = Assert.Single(problems, p => p.Kind == GridProblemKinds.Overlap);
        Assert.Equal(("310104", Severity.Error), (overlap.Code, overlap.Severity));
        Assert.Contains("310101", overlap.Message);
    }

    [Fact]
    public void Districts_of_one_city_in_one_import_are_checked_against_each_other()
    {
        var problems = GridValidator.Validate([Draft("330102", Box(120.0, 30.0, 120.1, 30.1)), Draft("330105", Box(120.05, 30.0, 120.15, 30.1)),
            Draft("330206", Box(120.05, 30.0, 120.15, 30.1))], [], new());
        var overlap = Assert.Single(problems, p => p.Kind == GridProblemKinds.Overlap);
        Assert.Equal("330102", overlap.Code);
        Assert.Contains("330105", overlap.Message);
    }

    [Fact]
    public void A_hole_among_the_districts_of_one_city_is_a_gap()
    {
        // Four districts around a 0.01° square that none of them covers; a district of another city covers it.
        var problems = GridValidator.Validate([
            Draft("330102", Box(120.00, 30.00, 120.03, 30.01)), Draft("330105", Box(120.00, 30.02, 120.03, 30.03)),
            Draft("330106", Box(120.00, 30.01, 120.01, 30.02)), Draft("330108", Box(120.02, 30.01, 120.03, 30.02)),
            Draft("330206", Box(120.01, 30.01, 120.02, 30.02))], [], new());
        var gap = Assert.Single(problems);
        Assert.Equal((Severity.Warning, GridProblemKinds.Gap), (gap.Severity, gap.Kind));
        // 0.01° × 0.01° at 30°N: about 964 m × 1109 m.
        Assert.InRange(gap.AreaM2!.Value, 1_050_000, 1_090_000);
        Assert.Contains("3301", gap.Message);
        Assert.NotNull(gap.Where);
    }

    [Fact]
    public void A_hole_closed_by_a_current_district_of_the_same_city_is_a_gap_too()
    {
        ExistingGrid[] current = [new(GridCode.Parse("330102"), GridKind.Comprehensive, Wkt.Read(Box(120.00, 30.00, 120.03, 30.01)))];
        var problems = GridValidator.Validate([Draft("330105", "POLYGON((120.00 30.01, 120.03 30.01, 120.03 30.03, 120.00 30.03, 120.00 30.01), " +
            "(120.01 30.015, 120.02 30.015, 120.02 30.02, 120.01 30.02, 120.01 30.015))")], current, new());
        Assert.Equal(GridProblemKinds.Gap, Assert.Single(problems).Kind);
    }
}
