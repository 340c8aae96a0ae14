using NetTopologySuite.Geometries;
using SpatialGrid.Api.Imports;
using SpatialGrid.Core;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>What an import was asked to do.</summary>
public sealed record GridImportRequest(string? Crs, GridFieldMapping Mapping, bool Fix);

/// <summary>The outcome of reading and checking an import: drafts to store, or the errors that stop it, plus warnings.</summary>
public sealed record GridImportResult(IReadOnlyList<GridDraft> Drafts, IReadOnlyList<GridProblem> Problems, string Crs, string[] Scope)
{
    public bool HasErrors => Problems.Any(p => p.Severity == Severity.Error);
}

/// <summary>
/// Turns a feature file into grid drafts: resolves the CRS (declared by the file or given), maps fields, parses
/// codes (legacy 14-digit converted), checks and reprojects each geometry. Whole-set checks are GridValidator's.
/// </summary>
public static class GridImport
{
    public static (List<GridDraft> Drafts, List<GridProblem> Problems, Crs Crs) ReadDrafts(FeatureFile file, GridImportRequest request, GeometryLimits limits)
    {
        var problems = new List<GridProblem>();
        var crs = ResolveCrs(file.DeclaredCrs, request.Crs);
        var drafts = new List<GridDraft>(file.Features.Count);
        // Duplicate codes are found here, over every feature with a code, not only those whose geometry passed: a
        // duplicate of an invalid polygon is an error of its own, listed in the same answer (it was found only with fix).
        var firstWithCode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in file.Features)
        {
            var rawCode = request.Mapping.CodeOf(f.Properties);
            void Error(string kind, string message) => problems.Add(new GridProblem(Severity.Error, kind, message, f.Index, rawCode));
            if ((f.Unstorable ?? StorableText.FirstProblem(f.Properties)) is { } unstorable) { Error(GridProblemKinds.InvalidCharacter, unstorable); continue; }

            if (rawCode is null) { Error(GridProblemKinds.BadCode, "the feature has no code attribute (map one with codeField)"); continue; }
            if (!GridCode.TryParse(rawCode, out var code, out var codeError)) { Error(GridProblemKinds.BadCode, codeError!); continue; }
            if (rawCode.Length == 14)
                problems.Add(new GridProblem(Severity.Warning, GridProblemKinds.Fixed, $"legacy 14-digit code {rawCode} converted to {code}", f.Index, code.Value));
            if (!firstWithCode.TryAdd(code.Value, f.Index))
            {
                Error(GridProblemKinds.DuplicateCode, $"code {code} is also used by feature {firstWithCode[code.Value]}");
                continue;
            }

            var levelText = request.Mapping.LevelOf(f.Properties);
            if (levelText is not null && (!GridLevels.TryParse(levelText, out var level) || level != code.Level))
            {
                Error(GridProblemKinds.BadLevel, $"level '{levelText}' does not match the {code.Value.Length}-digit code, which is a {GridLevels.Name(code.Level)}");
                continue;
            }
            var parentText = request.Mapping.ParentOf(f.Properties);
            if (!string.IsNullOrEmpty(parentText) && parentText != code.ParentValue)
            {
                var converted = GridCode.TryParse(parentText, out var pc, out _) ? pc.Value : parentText;
                if (converted != code.ParentValue)
                {
                    Error(GridProblemKinds.BadParent, $"parent '{parentText}' is not the code prefix of {code} (expected {code.ParentValue ?? "none: a district has no parent"})");
                    continue;
                }
            }
            var kindText = request.Mapping.KindOf(f.Properties);
            if (!GridLevels.TryParseKind(kindText, out var kind)) { Error(GridProblemKinds.BadKind, $"kind '{kindText}' is neither comprehensive nor dedicated"); continue; }
            if (f.Error is not null)
            {
                var kindOfError = f.Error.StartsWith("mixed CRSs") ? GridProblemKinds.BadCoordinates : GridProblemKinds.InvalidGeometry;
                problems.Add(new GridProblem(Severity.Error, kindOfError, f.Error, f.Index, code.Value));
                continue;
            }
            var geometry = GeometryGuard.ToGridPolygon(f.Geometry, crs, limits, request.Fix, f.Index, code.Value, problems);
            if (geometry is null) continue;
            var name = request.Mapping.NameOf(f.Properties);
            if (string.IsNullOrWhiteSpace(name)) name = code.Value;
            if (name.Length > 200) { Error("bad-name", $"the name has {name.Length} characters; at most 200"); continue; }
            var leader = request.Mapping.LeaderOf(f.Properties);
            if (leader is { Length: > 200 }) { Error("bad-leader", "the leader has more than 200 characters"); continue; }
            drafts.Add(new GridDraft(f.Index, code, name, kind, leader, geometry, GridFieldMapping.GeneratedOf(f.Properties)));
        }
        if (CrsZoneCheck.Check(crs, drafts.Select(d => (d.Feature, (string?)d.Code.Value, (Geometry)d.Geometry))) is { } outside)
            problems.Add(outside);
        return (drafts, problems, crs);
    }

    /// <summary>The CRS to read the file in: the one it declares, or the one given; both and different is an error.</summary>
    public static Crs ResolveCrs(string? declared, string? given)
    {
        Crs? declaredCrs = null;
        if (declared is not null)
        {
            if (!Crs.TryParse(declared, out var d, out var error)) throw new GridImportException("unsupported-crs", $"the file declares {declared}: {error}");
            declaredCrs = d;
        }
        if (string.IsNullOrWhiteSpace(given)) return declaredCrs ?? Crs.Wgs84;
        if (!Crs.TryParse(given, out var g, out var givenError)) throw new GridImportException("unsupported-crs", givenError!);
        if (declaredCrs is not null && declaredCrs.Name != g.Name)
            throw new GridImportException("mixed-crs", $"the file declares {declaredCrs.Name} but crs={g.Name} was given; remove one of them");
        return g;
    }

    /// <summary>The top codes of an import: those whose parent is not in the import. Publishing replaces what lies under them.</summary>
    public static string[] Scope(IEnumerable<GridDraft> drafts)
    {
        var codes = drafts.Select(d => d.Code.Value).ToHashSet();
        return codes.Where(c => GridCode.Parse(c).ParentValue is not { } p || !codes.Contains(p)).Order(StringComparer.Ordinal).ToArray();
    }
}

/// <summary>An import cannot even start (CRS conflict, unknown CRS); <see cref="Kind"/> is the problem type.</summary>
public sealed class GridImportException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}
