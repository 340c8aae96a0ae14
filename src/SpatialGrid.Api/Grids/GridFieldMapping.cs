using System.Globalization;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>
/// Which attribute holds the code, name, kind, leader and parent. Empty fields fall back to the usual names,
/// including the pinyin abbreviations and Chinese names common in Chinese GIS files (wgbm, 网格编码…).
/// </summary>
public sealed record GridFieldMapping(string? Code = null, string? Name = null, string? Kind = null, string? Leader = null, string? Parent = null, string? Level = null)
{
    private static readonly string[] CodeNames = ["code", "grid_code", "gridcode", "wgbm", "网格编码", "编码", "adcode"];
    private static readonly string[] NameNames = ["name", "grid_name", "gridname", "wgmc", "网格名称", "名称"];
    private static readonly string[] KindNames = ["kind", "grid_kind", "网格类型"];
    private static readonly string[] LeaderNames = ["leader", "grid_leader", "网格长"];
    private static readonly string[] ParentNames = ["parent", "parent_code", "parentcode"];
    private static readonly string[] LevelNames = ["level", "grid_level"];

    public string? CodeOf(IReadOnlyDictionary<string, object?> p) => Text(p, Code, CodeNames);
    public string? NameOf(IReadOnlyDictionary<string, object?> p) => Text(p, Name, NameNames);
    public string? KindOf(IReadOnlyDictionary<string, object?> p) => Text(p, Kind, KindNames);
    public string? LeaderOf(IReadOnlyDictionary<string, object?> p) => Text(p, Leader, LeaderNames);
    public string? ParentOf(IReadOnlyDictionary<string, object?> p) => Text(p, Parent, ParentNames);
    public string? LevelOf(IReadOnlyDictionary<string, object?> p) => Text(p, Level, LevelNames);

    public static bool GeneratedOf(IReadOnlyDictionary<string, object?> p) =>
        p.TryGetValue("generated", out var v) && v is true or "true" or 1L or "1";

    private static string? Text(IReadOnlyDictionary<string, object?> p, string? field, string[] defaults)
    {
        if (!string.IsNullOrWhiteSpace(field)) return p.TryGetValue(field, out var v) ? Format(v) : null;
        foreach (var name in defaults)
        {
            if (p.TryGetValue(name, out var v) && v is not null) return Format(v);
        }
        return null;
    }

    private static string? Format(object? v) => v switch
    {
        null => null,
        string s => s.Trim(),
        double d => d.ToString("0.################", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
