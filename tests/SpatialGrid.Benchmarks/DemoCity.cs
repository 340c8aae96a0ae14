using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Benchmarks;

/// <summary>The demo city's grids and a fixed set of random points over its grid area (Huangpu study area).</summary>
public static class DemoCity
{
    public static List<IndexedGrid> Grids()
    {
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "shanghai-grids.geojson"));
        var features = JsonSerializer.Deserialize<FeatureCollection>(stream, options)!;
        return features.Select(f => new IndexedGrid(f.Attributes["code"].ToString()!,
            f.Attributes.Exists("kind") ? GridKind.Dedicated : GridKind.Comprehensive, f.Geometry)).ToList();
    }

    /// <summary>The demo city's roads (components of class 0201 that are lines), as the service reads them for coverage.</summary>
    public static List<(string Code, Geometry Line)> Roads()
    {
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "shanghai-components.geojson"));
        var features = JsonSerializer.Deserialize<FeatureCollection>(stream, options)!;
        return features.Where(f => f.Attributes["class"]?.ToString() == "0201" && f.Geometry.Dimension == Dimension.Curve)
            .Select((f, i) => ($"road-{i}", f.Geometry)).ToList();
    }

    /// <summary>Random points over the extent of the generated grids (the roads' extent), seeded so every run uses the same ones.</summary>
    public static (double[] Lon, double[] Lat) Points(int n, int seed = 42)
    {
        var random = new Random(seed);
        double[] lon = new double[n], lat = new double[n];
        for (var i = 0; i < n; i++)
        {
            lon[i] = 121.4611 + random.NextDouble() * (121.4863 - 121.4611);
            lat[i] = 31.2196 + random.NextDouble() * (31.2412 - 31.2196);
        }
        return (lon, lat);
    }
}
