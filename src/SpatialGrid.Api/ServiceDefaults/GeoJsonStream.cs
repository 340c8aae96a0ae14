using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Writes a GeoJSON FeatureCollection of any items as a downloadable application/geo+json answer.</summary>
public static class GeoJsonStream
{
    private const int Piece = 32 * 1024;

    /// <summary>
    /// Written into the response in pieces of about 32 KB from one small buffer: a worker-shift's track (260 KB) or a
    /// district's grids were first written whole into a MemoryStream, whose doublings are large-object allocations that
    /// each request then paid for in gen-2 collections (the tail of the track report at 5,000 fixes). The JSON goes to a
    /// buffer, not to the response stream itself, because a feature writer may flush synchronously (JsonSerializer does).
    /// </summary>
    public static PushStreamHttpResult FeatureCollection<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFeature, string fileName) =>
        TypedResults.Stream(async body =>
        {
            var buffer = new ArrayBufferWriter<byte>(2 * Piece);
            await using var w = new Utf8JsonWriter(buffer);
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var item in items)
            {
                writeFeature(w, item);
                if (buffer.WrittenCount + w.BytesPending < Piece) continue;
                w.Flush();
                await body.WriteAsync(buffer.WrittenMemory);
                buffer.ResetWrittenCount();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            await body.WriteAsync(buffer.WrittenMemory);
        }, "application/geo+json", fileName);
}
