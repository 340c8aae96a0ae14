using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Patrols;

/// <summary>
/// Distances on the ground for patrol tracks: degrees scaled by <see cref="Measure.MetresPerDegree"/> at the mid-latitude
/// (an equirectangular approximation). Between fixes seconds apart and across a city's grids it differs from the
/// geodesic by far less than a phone's accuracy, and it is a hundred times cheaper than reprojecting.
/// </summary>
internal static class GroundDistance
{
    public static double Metres(double lon1, double lat1, double lon2, double lat2)
    {
        var (mx, my) = Measure.MetresPerDegree((lat1 + lat2) / 2);
        var dx = (lon2 - lon1) * mx;
        var dy = (lat2 - lat1) * my;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Metres from a point to a lon/lat box (0 inside it).</summary>
    public static double MetresOutside(double lon, double lat, (double MinLon, double MinLat, double MaxLon, double MaxLat) box)
    {
        var nearestLon = Math.Clamp(lon, box.MinLon, box.MaxLon);
        var nearestLat = Math.Clamp(lat, box.MinLat, box.MaxLat);
        return Metres(lon, lat, nearestLon, nearestLat);
    }
}
