using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialGrid.Core;

namespace SpatialGrid.Api.ServiceDefaults;

/// <summary>
/// Refuses the NUL character (U+0000) at the edges of the HTTP API, before any handler or query sees it (see
/// <see cref="StorableText"/>): in query strings here, in JSON bodies through the converters below. Files and
/// forms are checked where they are read.
/// </summary>
public static class NulGuard
{
    public static IApplicationBuilder UseNulGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        string? where = StorableText.HasNul(context.Request.Path.Value) ? "the path" : null;
        foreach (var (name, values) in context.Request.Query)
        {
            if (where is not null) break;
            if (StorableText.HasNul(name) || values.Any(StorableText.HasNul)) where = $"query parameter '{Clip(name)}'";
        }
        if (where is null)
        {
            await next(context);
            return;
        }
        await Problems.BadRequest("bad-request", $"{where} holds {StorableText.Why}").ExecuteAsync(context);
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
