namespace SpatialGrid.Core.Components;

/// <summary>
/// Component codes: 6-digit district + 2-digit major class + 2-digit minor class + 6-digit serial (16 digits,
/// e.g. 3101120101000001 = a water-supply manhole cover in Minhang), or the newest 17-digit form with a
/// 3-digit minor class (accepted; its class is the major class and the minor class's last two digits when the
/// first is 0).
/// </summary>
public readonly record struct ComponentCode(string Value)
{
    public string DistrictCode => Value[..6];
    public string MajorClass => Value.Substring(6, 2);

    /// <summary>The 4-digit taxonomy class, or null for a 17-digit code whose 3-digit minor class has no 4-digit form.</summary>
    public string? ClassCode => Value.Length == 16 ? Value.Substring(6, 4)
        : Value[8] == '0' ? Value.Substring(6, 2) + Value.Substring(9, 2) : null;

    public string Serial => Value[^6..];

    public override string ToString() => Value;

    public static bool TryParse(string? text, out ComponentCode code, out string? error)
    {
        code = default;
        error = null;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) { error = "the component code is empty"; return false; }
        if (!s.All(char.IsAsciiDigit)) { error = $"the component code '{(s.Length > 40 ? s[..40] + "…" : s)}' has a character that is not a digit"; return false; }
        if (s.Length is not (16 or 17)) { error = $"the component code '{s}' has {s.Length} digits; expected 16 (district 6 + class 4 + serial 6) or 17"; return false; }
        if (s[..2] == "00") { error = $"the component code '{s}' does not start with a province code"; return false; }
        if (s[^6..] == "000000") { error = $"the component code '{s}' has serial 000000"; return false; }
        code = new ComponentCode(s);
        return true;
    }

    /// <summary>A 16-digit code from its parts.</summary>
    public static ComponentCode Create(string district, string classCode, int serial) =>
        new($"{district}{classCode}{serial:000000}");
}
