using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Union;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Grids;

/// <summary>Tolerances of grid validation, in m² of the projected area.</summary>
public sealed record GridValidationOptions
{
    /// <summary>Area of a grid allowed outside its parent (digitising noise along shared borders).</summary>
    public double NestingToleranceM2 { get; init; } = 10;

    /// <summary>Overlap allowed between comprehensive siblings.</summary>
    public double OverlapToleranceM2 { get; init; } = 1;

    /// <summary>Smallest gap between the children and their parent worth reporting.</summary>
    public double GapToleranceM2 { get; init; } = 1;

    /// <summary>
    /// Overlaps, gaps and overhangs thinner than this on average are slivers of the same shared border
    /// (1e-7° rounding alone leaves 1 cm), not real errors, whatever their area along a long border.
    /// </summary>
    public double SliverWidthM { get; init; } = 0.05;

    public bool IsSignificant(Geometry g, double toleranceM2) =>
        GeometryGuard.PolygonalPart(g) is { } area && Measure.ApproxAreaM2(area) > toleranceM2 && Measure.ApproxWidthM(area) > SliverWidthM;
}

/// <summary>
/// Checks an import as a whole against itself and the grids of the registry it does not replace: duplicate
/// codes, parents, nesting, sibling overlaps (comprehensive grids only) and gaps, siblings being the grids of one
/// <see cref="GridCode.SiblingKey"/> (one parent, or one city's districts). Gaps are warnings: an area no child
/// covers falls to the enclosing authority (属地兜底) and is reported with its polygons and area.
/// </summary>
public static class GridValidator
{
    /// <param name="rejected">Codes of features already refused for their own errors: their children are not also reported as orphans.</param>
    public static List<GridProblem> Validate(IReadOnlyList<GridDraft> drafts, IReadOnlyList<ExistingGrid> existing, GridValidationOptions options,
        IReadOnlySet<string>? rejected = null)
    {
        var problems = new List<GridProblem>();
        var byCode = new Dictionary<string, (GridKind Kind, Geometry Geometry, GridDraft? Draft)>();
        foreach (var e in existing) byCode[e.Code.Value] = (e.Kind, e.Geometry, null);

        var unique = new List<GridDraft>(drafts.Count);
        var seen = new Dictionary<string, int>();
        foreach (var d in drafts)
        {
            if (seen.TryGetValue(d.Code.Value, out var first))
            {
                problems.Add(new(Severity.Error, GridProblemKinds.DuplicateCode, $"code {d.Code} is also used by feature {first}", d.Feature, d.Code.Value));
                continue;
            }
            seen[d.Code.Value] = d.Feature;
            if (d.Kind == GridKind.Dedicated && d.Level != GridLevel.Grid)
                problems.Add(new(Severity.Error, GridProblemKinds.BadKind, $"a dedicated grid needs a 15-digit grid code, not a {GridLevels.Name(d.Level)} code", d.Feature, d.Code.Value));
            byCode[d.Code.Value] = (d.Kind, d.Geometry, d);
            unique.Add(d);
        }

        CheckParents(unique, byCode, options, problems, rejected ?? new HashSet<string>());
        CheckOverlaps(unique, byCode, options, problems);
        CheckGaps(unique, byCode, options, problems);
        return problems;
    }

    private static void CheckParents(List<GridDraft> drafts, Dictionary<string, (GridKind Kind, Geometry Geometry, GridDraft? Draft)> byCode,
        GridValidationOptions options, List<GridProblem> problems, IReadOnlySet<string> rejected)
    {
        foreach (var d in drafts)
        {
            var parent = d.ParentCode;
            if (parent is null || rejected.Contains(parent)) continue;
            if (!byCode.TryGetValue(parent, out var p))
            {
                problems.Add(new(Severity.Error, GridProblemKinds.MissingParent,
                    $"parent {parent} of {d.Code} is neither in this import nor in the current registry", d.Feature, d.Code.Value));
                continue;
            }
            var prepared = PreparedGeometryFactory.Prepare(p.Geometry);
            if (prepared.Covers(d.Geometry)) continue;
            var outside = d.Geometry.Difference(p.Geometry);
            var area = Measure.ApproxAreaM2(outside);
            if (options.IsSignificant(outside, options.NestingToleranceM2))
            {
                problems.Add(new(Severity.Error, GridProblemKinds.WrongNesting,
                    $"{d.Code} reaches {area:0} m² outside its parent {parent} (tolerance {options.NestingToleranceM2} m²)",
                    d.Feature, d.Code.Value, Math.Round(area, 1), outside));
            }
        }
    }

    private static void CheckOverlaps(List<GridDraft> drafts, Dictionary<string, (GridKind Kind, Geometry Geometry, GridDraft? Draft)> byCode,
        GridValidationOptions options, List<GridProblem> problems)
    {
        // Comprehensive siblings (one parent's children, or one city's districts) must not overlap. The tree holds
        // every such grid; each draft is compared with the candidates that share its sibling key.
        var tree = new STRtree<(string Code, Geometry Geometry, GridDraft? Draft)>();
        foreach (var (code, g) in byCode)
        {
            if (g.Kind == GridKind.Comprehensive) tree.Insert(g.Geometry.EnvelopeInternal, (code, g.Geometry, g.Draft));
        }
        tree.Build();
        foreach (var d in drafts)
        {
            if (d.Kind != GridKind.Comprehensive) continue;
            var prepared = PreparedGeometryFactory.Prepare(d.Geometry);
            foreach (var other in tree.Query(d.Geometry.EnvelopeInternal))
            {
                if (other.Code == d.Code.Value || GridCode.SiblingKeyOf(other.Code) != d.Code.SiblingKey) continue;
                // Report each pair once: skip when the other is a draft that comes earlier in the file.
                if (other.Draft is not null && other.Draft.Feature < d.Feature) continue;
                if (!prepared.Intersects(other.Geometry) || prepared.Touches(other.Geometry)) continue;
                var overlap = d.Geometry.Intersection(other.Geometry);
                var area = Measure.ApproxAreaM2(overlap);
                if (options.IsSignificant(overlap, options.OverlapToleranceM2))
                {
                    problems.Add(new(Severity.Error, GridProblemKinds.Overlap,
                        $"{d.Code} overlaps its sibling {other.Code} by {area:0} m²", d.Feature, d.Code.Value, Math.Round(area, 1), overlap));
                }
            }
        }
    }

    private static void CheckGaps(List<GridDraft> drafts, Dictionary<string, (GridKind Kind, Geometry Geometry, GridDraft? Draft)> byCode,
        GridValidationOptions options, List<GridProblem> problems)
    {
        // Every group of comprehensive siblings this import touches is checked the same way: the area its outline
        // holds that none of the siblings covers. Below the district the outline is the parent; districts have no
        // parent in the registry, so their outline is their own union with its holes filled (the holes are the gaps).
        var siblings = byCode.Where(kv => kv.Value.Kind == GridKind.Comprehensive)
            .GroupBy(kv => GridCode.SiblingKeyOf(kv.Key))
            .ToDictionary(g => g.Key, g => g.Select(kv => kv.Value.Geometry).ToList());
        var touched = drafts.Where(d => d.Kind == GridKind.Comprehensive).Select(d => d.Code).DistinctBy(c => c.SiblingKey)
            .OrderBy(c => c.SiblingKey, StringComparer.Ordinal);
        foreach (var code in touched)
        {
            var parent = code.ParentValue;
            if (parent is not null && !byCode.ContainsKey(parent)) continue; // reported as a missing parent
            var children = siblings[code.SiblingKey];
            var union = CascadedPolygonUnion.Union(children);
            var outline = parent is null ? Shells(union) : byCode[parent].Geometry;
            var polygons = GeometryGuard.PolygonalPart(outline.Difference(union));
            if (polygons is null) continue;
            var significant = Enumerable.Range(0, polygons.NumGeometries).Select(polygons.GetGeometryN)
                .Where(g => options.IsSignificant(g, options.GapToleranceM2)).ToArray();
            if (significant.Length == 0) continue;
            var where = GeometryFactories.Wgs84.CreateMultiPolygon(significant.Cast<Polygon>().ToArray());
            var area = Measure.AreaM2(where);
            problems.Add(parent is null
                ? new(Severity.Warning, GridProblemKinds.Gap,
                    $"{significant.Length} area(s) ({area:0} m²) enclosed by the {children.Count} district(s) of {code.SiblingKey}xx belong to none of them " +
                    "(a gap, or an enclave of another city)", null, null, Math.Round(area, 1), where)
                : new(Severity.Warning, GridProblemKinds.Gap,
                    $"{significant.Length} area(s) of {parent} ({area:0} m²) belong to none of its {children.Count} grid(s) and fall to {parent} itself (属地兜底)",
                    byCode[parent].Draft?.Feature, parent, Math.Round(area, 1), where));
        }
    }

    /// <summary>The polygons of a union with their holes filled: the whole area the union's outer borders enclose.</summary>
    private static Geometry Shells(Geometry union) =>
        GeometryFactories.Wgs84.CreateMultiPolygon(PolygonExtracter.GetPolygons(union).Cast<Polygon>()
            .Select(p => GeometryFactories.Wgs84.CreatePolygon(p.Shell)).ToArray());
}
