using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using SpatialGrid.Api.Data;
using SpatialGrid.Api.Grids;
using SpatialGrid.Api.Imports;
using SpatialGrid.Core;
using SpatialGrid.Core.Components;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;
using SpatialGrid.Core.Taxonomy;

namespace SpatialGrid.Api.Components;

/// <summary>A component as read from an import, checked and in WGS 84; Code is null until one is generated.</summary>
public sealed record ComponentDraft(
    int Feature, string? Code, string ClassCode, string? District, string Name, ComponentStatus Status,
    string? DeptInCharge, string? Owner, string? Maintainer, DateOnly? InstallDate, string Attributes, Geometry Geometry, bool Generated);

/// <summary>
/// Reads components from a feature file: class (given for the whole file or per feature), code (16 or 17
/// digits, or generated later from the district the component lies in), status, departments, install date,
/// free attributes (every other property, or an <c>attributes</c> object) and a geometry of the class's kind.
/// </summary>
public static class ComponentImport
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "code", "class", "class_code", "name", "status", "dept", "dept_in_charge", "owner", "maintainer", "install_date", "attributes", "generated",
    };

    public static (List<ComponentDraft> Drafts, List<GridProblem> Problems) Read(
        FeatureFile file, string? classForAll, Crs crs, GeometryLimits limits, bool fix, IReadOnlyDictionary<string, TaxonomyEntry> taxonomy, GridSnapshot grids)
    {
        var problems = new List<GridProblem>();
        var drafts = new List<ComponentDraft>();
        var seen = new Dictionary<string, int>();
        foreach (var f in file.Features)
        {
            var p = f.Properties;
            var rawCode = Text(p, "code");
            void Error(string kind, string message) => problems.Add(new GridProblem(Severity.Error, kind, message, f.Index, rawCode));
            if ((f.Unstorable ?? StorableText.FirstProblem(f.Properties)) is { } unstorable) { Error(GridProblemKinds.InvalidCharacter, unstorable); continue; }

            var classCode = classForAll ?? Text(p, "class_code") ?? Text(p, "class");
            if (classCode is null) { Error("missing-class", "the feature has no class (give --class for the file or a 'class' property)"); continue; }
            if (!taxonomy.TryGetValue(classCode, out var cls)) { Error("unknown-class", $"class '{Clip(classCode)}' is not in the taxonomy (GET /api/taxonomy?kind=component)"); continue; }
            if (cls.Kind != ClassKind.Component) { Error("not-a-component-class", $"class {classCode} ({cls.NameEn}) is an event class, not a component class"); continue; }

            string? code = null, district = null;
            if (rawCode is not null)
            {
                if (!ComponentCode.TryParse(rawCode, out var cc, out var codeError)) { Error("bad-code", codeError!); continue; }
                if (cc.ClassCode is { } embedded && embedded != classCode) { Error("class-mismatch", $"code {cc} carries class {embedded}, but the feature's class is {classCode}"); continue; }
                if (seen.TryGetValue(cc.Value, out var first)) { Error("duplicate-code", $"code {cc} is also used by feature {first}"); continue; }
                seen[cc.Value] = f.Index;
                code = cc.Value;
                district = cc.DistrictCode;
            }
            var statusText = Text(p, "status");
            if (!ComponentStatuses.TryParse(statusText, out var status)) { Error("bad-status", $"status '{Clip(statusText!)}' is not one of {string.Join(", ", ComponentStatuses.Names)}"); continue; }
            DateOnly? installDate = null;
            if (Text(p, "install_date") is { } dateText)
            {
                if (!DateOnly.TryParse(dateText, CultureInfo.InvariantCulture, out var d)) { Error("bad-date", $"install_date '{Clip(dateText)}' is not a date (yyyy-MM-dd)"); continue; }
                installDate = d;
            }
            if (!TryAttributes(p, out var attributes, out var attributeError)) { Error("bad-attributes", attributeError!); continue; }
            if (f.Error is not null) { Error(GridProblemKinds.InvalidGeometry, f.Error); continue; }
            var what = $"a {ClockNames.Name(cls.Geometry)} component ({cls.NameEn})";
            var geometry = GeometryGuard.ToWgs84(f.Geometry, cls.Geometry, what, crs, limits, fix, f.Index, rawCode, problems);
            if (geometry is null) continue;
            if (geometry is MultiPoint mp)
            {
                if (mp.NumGeometries != 1) { Error(GridProblemKinds.UnsupportedGeometry, $"{what} is one point, not {mp.NumGeometries}"); continue; }
                geometry = mp.GetGeometryN(0);
            }
            var name = Text(p, "name") ?? cls.NameZh;
            if (name.Length > 200) { Error("bad-name", $"the name has {name.Length} characters; at most 200"); continue; }
            if (district is null)
            {
                var at = geometry.InteriorPoint;
                var located = grids.Index.Locate(at.X, at.Y);
                district = located?[..6];
            }
            if (code is null && district is null)
            {
                Error("outside-grids", "the component lies outside every grid and has no code to say its district: give it a code");
                continue;
            }
            drafts.Add(new ComponentDraft(f.Index, code, classCode, district, name, status,
                Text(p, "dept_in_charge") ?? Text(p, "dept"), Text(p, "owner"), Text(p, "maintainer"), installDate, attributes, geometry,
                p.TryGetValue("generated", out var g) && g is true));
        }
        if (CrsZoneCheck.Check(crs, drafts.Select(d => (d.Feature, d.Code, d.Geometry))) is { } outside) problems.Add(outside);
        return (drafts, problems);
    }

    /// <summary>The free attributes: an 'attributes' object if given (anything else is an error), plus every property SpatialGrid does not map itself.</summary>
    private static bool TryAttributes(IReadOnlyDictionary<string, object?> p, out string json, out string? error)
    {
        json = "{}";
        error = null;
        var result = new Dictionary<string, object?>();
        if (p.TryGetValue("attributes", out var a) && a is not null)
        {
            if (a is not JsonElement { ValueKind: JsonValueKind.Object } obj)
            {
                error = $"attributes must be a JSON object, not {(a is JsonElement e ? e.ValueKind.ToString().ToLowerInvariant() : a.GetType().Name.ToLowerInvariant())}";
                return false;
            }
            foreach (var prop in obj.EnumerateObject()) result[prop.Name] = prop.Value;
        }
        foreach (var (k, v) in p)
        {
            if (!Known.Contains(k) && v is not null) result[k] = v;
        }
        json = JsonSerializer.Serialize(result);
        return true;
    }

    private static string? Text(IReadOnlyDictionary<string, object?> p, string name) =>
        p.TryGetValue(name, out var v) && v is not null ? (v is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : v.ToString())?.Trim() : null;

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}

public static class ComponentStatuses
{
    public static readonly string[] Names = ["intact", "damaged", "lost", "abandoned", "removed"];

    public static string Name(ComponentStatus s) => Names[(int)s - 1];

    public static bool TryParse(string? text, out ComponentStatus status)
    {
        status = ComponentStatus.Intact;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var i = Array.IndexOf(Names, text.Trim().ToLowerInvariant());
        if (i < 0) return false;
        status = (ComponentStatus)(i + 1);
        return true;
    }
}
