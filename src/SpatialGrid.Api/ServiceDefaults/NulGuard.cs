using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialGrid.Core;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// Refuses the NUL character (U+0000) at the edges of the HTTP API, before any handler or query sees it (see
/// <see cref="StorableText"/>): in query values here, in JSON bodies through the converters below. Files and
/// forms are checked where they are read.
/// </summary>
public static class NulGuard
{
    public static IApplicationBuilder UseNulGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // (A NUL in the path itself never gets here: Kestrel refuses the request line.) Most requests (tiles) have no query.
        if (!context.Request.QueryString.HasValue)
        {
            await next(context);
            return;
        }
        var bad = context.Request.Query.FirstOrDefault(q => StorableText.HasNul(q.Key) || q.Value.Any(StorableText.HasNul));
        if (bad.Key is null) await next(context);
        else await Problems.BadRequest("bad-request", $"query parameter '{Clip(bad.Key)}' holds {StorableText.Why}").ExecuteAsync(context);
    });

    /// <summary>Makes a JSON reader refuse strings and JSON values (free-form attributes) that hold a NUL.</summary>
    public static void RefuseNul(this JsonSerializerOptions options)
    {
        options.Converters.Add(new NulFreeString());
        options.Converters.Add(new NulFreeElement());
    }

    private static string Clip(string s) => StorableText.Escaped(s.Length > 40 ? s[..40] + "…" : s)!;

    private sealed class NulFreeString : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = reader.GetString();
            return StorableText.HasNul(s) ? throw new JsonException($"The string holds {StorableText.Why}.") : s;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class NulFreeElement : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var e = JsonElement.ParseValue(ref reader);
            return StorableText.Problem(e) is { } why ? throw new JsonException($"The JSON value holds {why}.") : e;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
