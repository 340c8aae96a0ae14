using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using SpatialGrid.Api.Data;
using SpatialGrid.Core.Geo;
using SpatialGrid.Core.Grids;

namespace SpatialGrid.Api.Grids;

/// <summary>Writes grids as GeoJSON features (the export and the OGC API items share it).</summary>
public static class GridGeoJson
{
    public static readonly JsonSerializerOptions Options = new() { Converters = { new GeoJsonConverterFactory(GeometryFactories.Wgs84) } };

    public static void WriteFeature(Utf8JsonWriter writer, Grid g, Action<Utf8JsonWriter>? extra = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Feature");
        writer.WriteString("id", g.Code);
        writer.WritePropertyName("geometry");
        JsonSerializer.Serialize(writer, (Geometry)g.Geometry, Options);
        writer.WriteStartObject("properties");
        writer.WriteString("code", g.Code);
        writer.WriteString("name", g.Name);
        writer.WriteString("level", GridLevels.Name(g.Level));
        writer.WriteString("kind", GridLevels.Name(g.Kind));
        if (g.ParentCode is null) writer.WriteNull("parent"); else writer.WriteString("parent", g.ParentCode);
        if (g.Leader is null) writer.WriteNull("leader"); else writer.WriteString("leader", g.Leader);
        writer.WriteNumber("area_m2", g.AreaM2);
        writer.WriteBoolean("generated", g.Generated);
        writer.WriteNumber("version", g.VersionId);
        if (g.ValidFrom is { } from) writer.WriteString("valid_from", from); else writer.WriteNull("valid_from");
        writer.WriteEndObject();
        extra?.Invoke(writer);
        writer.WriteEndObject();
    }
}
