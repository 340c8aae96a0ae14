using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>Writes a GeoJSON FeatureCollection of any items as a downloadable application/geo+json answer.</summary>
public static class GeoJsonStream
{
    private const int Piece = 32 * 1024;

    /// <summary>
    /// Written into the response in pieces of about 32 KB through a pipe: a worker-shift's track (260 KB) or a district's
    /// grids were first written whole into a MemoryStream, whose doublings are large-object allocations that each request
    /// then paid for in gen-2 collections (the tail of the track report at 5,000 fixes). The JSON goes to the pipe, not
    /// to the response stream itself, because a feature writer may flush synchronously (JsonSerializer does).
    /// </summary>
    /// <param name="done">Called once the answer is written (or has failed): the items' pooled buffers go back.</param>
    public static PushStreamHttpResult FeatureCollection<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFeature, string fileName, Action? done = null) =>
        TypedResults.Stream(async body =>
        {
            try
            {
                await WriteAsync(body, items, writeFeature);
            }
            finally
            {
                done?.Invoke();
            }
        }, "application/geo+json", fileName);

    private static async Task WriteAsync<T>(Stream body, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeFeature)
    {
        // A pipe over the body: its buffer is pooled segments, so even one large feature (a day's track) is no large
        // object, and the writer's own flushes (JsonSerializer's) only hand bytes to the pipe; the pipe sends them.
        var pipe = PipeWriter.Create(body, new StreamPipeWriterOptions(leaveOpen: true));
        await using var w = new Utf8JsonWriter(pipe);
        w.WriteStartObject();
        w.WriteString("type", "FeatureCollection");
        w.WriteStartArray("features");
        long sent = 0;
        foreach (var item in items)
        {
            writeFeature(w, item);
            if (w.BytesCommitted + w.BytesPending - sent < Piece) continue;
            w.Flush();
            sent = w.BytesCommitted;
            await pipe.FlushAsync();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        await pipe.CompleteAsync();
    }
}
