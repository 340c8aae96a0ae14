namespace SpatialGrid.Core.Grids;

/// <summary>
/// Unit grid codes: 6-digit county (GB/T 2260) + 3-digit sub-district + 3-digit community + 3-digit grid.
/// Upper levels are the prefixes (6, 9, 12 digits). The legacy 14-digit form (2-digit sequence, "00" = the
/// whole community) is accepted and converted.
/// </summary>
public readonly record struct GridCode(string Value, GridLevel Level)
{
    public override string ToString() => Value;

    /// <summary>The code of the enclosing level, or null for a district.</summary>
    public string? ParentValue => Level switch
    {
        GridLevel.District => null,
        GridLevel.SubDistrict => Value[..6],
        GridLevel.Community => Value[..9],
        _ => Value[..12],
    };

    public string DistrictCode => Value[..6];

    /// <summary>The key this code shares with its siblings (see <see cref="SiblingKeyOf"/>).</summary>
    public string SiblingKey => SiblingKeyOf(Value);

    /// <summary>
    /// What siblings share: the parent's code below the district; for a district (GB/T 2260: 2 digits province, 2
    /// prefecture-level city, 2 county), its first 4 digits. The districts and counties of one city must tile it
    /// together; a 32xxxx district is no sibling of a 31xxxx one, even where their borders meet. Keys of different
    /// levels differ in length (4, 6, 9, 12), so equal keys also mean the same level.
    /// </summary>
    public static string SiblingKeyOf(string code) => code.Length == 6 ? code[..4] : code[..^3];

    /// <summary>The codes from the district down to this one.</summary>
    public IReadOnlyList<string> Path()
    {
        var path = new List<string>(4) { Value[..6] };
        if (Value.Length >= 9) path.Add(Value[..9]);
        if (Value.Length >= 12) path.Add(Value[..12]);
        if (Value.Length == 15) path.Add(Value);
        return path;
    }

    public static bool TryParse(string? text, out GridCode code, out string? error)
    {
        code = default;
        error = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) { error = "the code is empty"; return false; }
        foreach (var c in s)
        {
            if (c is < '0' or > '9') { error = $"the code '{Clip(s)}' has a character that is not a digit"; return false; }
        }
        switch (s.Length)
        {
            case 6: code = new(s, GridLevel.District); break;
            case 9: code = new(s, GridLevel.SubDistrict); break;
            case 12: code = new(s, GridLevel.Community); break;
            case 15: code = new(s, GridLevel.Grid); break;
            case 14:
                // Legacy form: 12-digit community + 2-digit sequence; "00" stands for the community itself.
                var seq = s[12..];
                code = seq == "00" ? new(s[..12], GridLevel.Community) : new(s[..12] + "0" + seq, GridLevel.Grid);
                break;
            default:
                error = $"the code '{Clip(s)}' has {s.Length} digits; expected 6 (district), 9 (sub-district), 12 (community), 15 (grid) or the legacy 14";
                return false;
        }
        if (s[..2] == "00") { error = $"the code '{s}' does not start with a province code"; code = default; return false; }
        if (code.Level >= GridLevel.SubDistrict && s.Substring(6, 3) == "000") { error = $"the code '{s}' has sub-district part 000"; code = default; return false; }
        if (code.Level >= GridLevel.Community && s.Substring(9, 3) == "000") { error = $"the code '{s}' has community part 000"; code = default; return false; }
        if (code.Level == GridLevel.Grid && code.Value[12..] == "000") { error = $"the code '{s}' has grid sequence 000"; code = default; return false; }
        return true;
    }

    public static GridCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
