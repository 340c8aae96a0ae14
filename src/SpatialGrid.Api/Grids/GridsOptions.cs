using NetTopologySuite.Geometries;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>Options of the grid registry (section <c>Grids</c>).</summary>
public sealed class GridsOptions
{
    /// <summary>Largest import upload in bytes (default 100 MiB).</summary>
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Vertices allowed per grid polygon.</summary>
    public int MaxVertices { get; set; } = 100_000;

    /// <summary>The service area as minLon,minLat,maxLon,maxLat in WGS 84 (default: mainland China).</summary>
    public string ServiceArea { get; set; } = "73,3,136,54";

    /// <summary>
    /// Bytes a zipped Shapefile may expand to, counted as its .shp, .shx, .dbf, .prj and .cpg are read (other members
    /// are never read, and the sizes a zip declares are not trusted either way). Default 2 GiB.
    /// </summary>
    public long MaxExpandedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Area in m² a repair (fix) may remove or add per feature; an import may ask for more with repairToleranceM2.</summary>
    public double RepairToleranceM2 { get; set; } = 10;

    public double NestingToleranceM2 { get; set; } = 10;
    public double OverlapToleranceM2 { get; set; } = 1;
    public double GapToleranceM2 { get; set; } = 1;

    /// <param name="repairToleranceM2">The import's own repair tolerance, when it gives one.</param>
    public GeometryLimits Limits(double? repairToleranceM2 = null)
    {
        var p = ServiceArea.Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new GeometryLimits
        {
            MaxVertices = MaxVertices,
            ServiceArea = new Envelope(p[0], p[2], p[1], p[3]),
            RepairToleranceM2 = repairToleranceM2 ?? RepairToleranceM2,
        };
    }

    public GridValidationOptions Validation() => new()
    {
        NestingToleranceM2 = NestingToleranceM2,
        OverlapToleranceM2 = OverlapToleranceM2,
        GapToleranceM2 = GapToleranceM2,
    };

    public bool IsValid()
    {
        var p = ServiceArea.Split(',');
        return MaxUploadBytes > 0 && MaxExpandedBytes > 0 && RepairToleranceM2 >= 0 && MaxVertices >= 4 && p.Length == 4 &&
               p.All(s => double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
    }
}
