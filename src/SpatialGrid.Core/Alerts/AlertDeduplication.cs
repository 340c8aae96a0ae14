namespace SpatialGrid.Core.Alerts;

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
