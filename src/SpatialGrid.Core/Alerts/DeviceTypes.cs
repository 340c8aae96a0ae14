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

/// <summary>An open case as the de-duplication sees it.</summary>
public sealed record OpenAlertCase(long Id, string GridCode, string ClassCode, string? DeviceId, string? AlertType, double Lon, double Lat, DateTimeOffset LastAlertAt)
{
    public DateTimeOffset LastAlertAt { get; set; } = LastAlertAt;
}

/// <summary>
/// The two rules by which a new alert joins an open case instead of opening another (DESIGN.md, Cases):
/// the same device reporting the same type again; or an alert of the same class in the same grid within the
/// class's radius and time window of the case's last alert.
/// </summary>
public static class AlertDeduplication
{
    public static OpenAlertCase? Match(IReadOnlyList<OpenAlertCase> open, string deviceId, string type, DeviceType rule, string gridCode,
        double lon, double lat, DateTimeOffset observedAt)
    {
        foreach (var c in open)
        {
            if (c.DeviceId == deviceId && c.AlertType == type) return c;
        }
        OpenAlertCase? best = null;
        var bestDistance = double.MaxValue;
        if (rule.RadiusM <= 0 || rule.Window <= TimeSpan.Zero) return null;
        foreach (var c in open)
        {
            if (c.ClassCode != rule.ClassCode || c.GridCode != gridCode) continue;
            if ((observedAt - c.LastAlertAt).Duration() > rule.Window) continue;
            var d = DistanceM(lon, lat, c.Lon, c.Lat);
            if (d <= rule.RadiusM && d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary>Metres between two nearby WGS 84 points (equirectangular; exact enough within a grid).</summary>
    public static double DistanceM(double lon1, double lat1, double lon2, double lat2)
    {
        const double r = 6_371_008.8;
        var phi = (lat1 + lat2) / 2 * Math.PI / 180;
        var dx = (lon2 - lon1) * Math.PI / 180 * Math.Cos(phi);
        var dy = (lat2 - lat1) * Math.PI / 180;
        return r * Math.Sqrt(dx * dx + dy * dy);
    }
}

/// <summary>A token bucket: <c>rate</c> messages a second on average, bursts of up to <c>burst</c>. Thread-safe.</summary>
public sealed class TokenBucket(double rate, double burst)
{
    private readonly Lock _gate = new();
    private double _tokens = burst;
    private long _last = long.MinValue;

    public double Rate { get; } = rate;
    public double Burst { get; } = burst;

    /// <param name="now">A monotonic timestamp in <see cref="TimeSpan"/> ticks.</param>
    public bool TryTake(long now)
    {
        lock (_gate)
        {
            if (_last != long.MinValue && now > _last) _tokens = Math.Min(Burst, _tokens + (now - _last) / (double)TimeSpan.TicksPerSecond * Rate);
            if (now > _last) _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
