using System.Globalization;

namespace SpatialGrid.Core.Alerts;

/// <summary>
/// What an alert type means: its taxonomy class, the confidence below which a camera detection is kept but
/// opens no case, and the class's de-duplication rule (alerts of the class within <see cref="RadiusM"/> metres and
/// <see cref="Window"/> of an open case's last alert, in the same grid, join it).
/// </summary>
public sealed record DeviceType(string Type, string ClassCode, double MinConfidence, double RadiusM, TimeSpan Window, string Description);

/// <summary>Reads <c>sensors/device-types.csv</c>, the editable table of alert types; every bad row is reported with its line.</summary>
public static class DeviceTypesCsv
{
    public const string Header = "type,class_code,min_confidence,radius_m,window_minutes,description";

    public static (Dictionary<string, DeviceType> Types, List<string> Errors) Parse(string text, Func<string, bool> classExists)
    {
        var types = new Dictionary<string, DeviceType>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != Header)
        {
            errors.Add($"line 1: the header must be {Header}");
            return (types, errors);
        }
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var n = i + 1;
            var f = line.Split(',', 6);
            if (f.Length != 6) { errors.Add($"line {n}: {f.Length} fields, expected 6"); continue; }
            if (types.ContainsKey(f[0])) { errors.Add($"line {n}: type {f[0]} is repeated"); continue; }
            if (!classExists(f[1])) { errors.Add($"line {n}: class {f[1]} is not in the taxonomy"); continue; }
            if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var min) || min is < 0 or > 1)
            { errors.Add($"line {n}: min_confidence must be between 0 and 1"); continue; }
            if (!double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var radius) || radius is < 0 or > 5000)
            { errors.Add($"line {n}: radius_m must be between 0 and 5000"); continue; }
            if (!int.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var window) || window is < 0 or > 7 * 24 * 60)
            { errors.Add($"line {n}: window_minutes must be a whole number of minutes up to a week"); continue; }
            types[f[0]] = new DeviceType(f[0], f[1], min, radius, TimeSpan.FromMinutes(window), f[5].Trim());
        }
        return (types, errors);
    }
}
