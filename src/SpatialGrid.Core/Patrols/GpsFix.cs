namespace SpatialGrid.Core.Patrols;

/// <summary>One position of a patrolling worker's phone; Lon/Lat are WGS 84 whatever CRS the device sent.</summary>
public sealed record GpsFix(string Worker, DateTimeOffset T, double Lon, double Lat,
    double? Accuracy, double? Speed, double? Heading, double? Battery);

/// <summary>
/// What a GPS batch may hold: at most <paramref name="MaxFixes"/> fixes, times within
/// [now − <paramref name="MaxAge"/>, now + <paramref name="MaxSkew"/>], positions inside the service area's box (WGS 84).
/// </summary>
public sealed record GpsLimits(int MaxFixes, TimeSpan MaxSkew, TimeSpan MaxAge,
    double MinLon, double MinLat, double MaxLon, double MaxLat)
{
    public bool Contains(double lon, double lat) => lon >= MinLon && lon <= MaxLon && lat >= MinLat && lat <= MaxLat;
}
