using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Writes a GeoJSON FeatureCollection of any items as a downloadable application/geo+json answer.</summary>
public static class GeoJsonStream
{
    public static async Task<FileStreamHttpResult> FeatureCollectionAsync<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFeature, string fileName)
    {
        var stream = new MemoryStream();
        await using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var item in items) writeFeature(w, item);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.Position = 0;
        return TypedResults.Stream(stream, "application/geo+json", fileName);
    }
}
