using NetTopologySuite.Geometries;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Hotspots;

/// <summary>
/// A plane in metres around a city's centre (equirectangular, scaled at the centre's latitude): distances and areas
/// within 0.5 % over 50 km, for any city on Earth, which is what kernel bandwidths and areas per cell need.
/// </summary>
public sealed class LocalMetres
{
    public double Lon0 { get; }
    public double Lat0 { get; }
    private readonly double mx, my;

    public LocalMetres(double lon0, double lat0)
    {
        Lon0 = lon0;
        Lat0 = lat0;
        (mx, my) = Measure.MetresPerDegree(lat0);
    }

    public static LocalMetres Around(Envelope wgs84) => new(wgs84.Centre.X, wgs84.Centre.Y);

    public (double X, double Y) ToMetres(double lon, double lat) => ((lon - Lon0) * mx, (lat - Lat0) * my);

    public (double Lon, double Lat) ToDegrees(double x, double y) => (x / mx + Lon0, y / my + Lat0);

    public Geometry ToMetres(Geometry wgs84)
    {
        var copy = wgs84.Copy();
        copy.Apply(new PlaneFilter(this, toMetres: true));
        copy.GeometryChanged();
        return copy;
    }

    public Geometry ToDegrees(Geometry metres)
    {
        var copy = metres.Copy();
        copy.Apply(new PlaneFilter(this, toMetres: false));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class PlaneFilter(LocalMetres plane, bool toMetres) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = toMetres ? plane.ToMetres(seq.GetX(i), seq.GetY(i)) : plane.ToDegrees(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }
}
