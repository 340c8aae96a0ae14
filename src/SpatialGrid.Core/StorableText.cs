using System.Text.Json;

namespace SpatialGrid.Core;

/// <summary>
/// PostgreSQL's text and jsonb cannot hold the NUL character (U+0000): a value with one fails in the database, and a
/// failure in the round trip that prepares a statement leaves that statement broken on its pooled connection for
/// the next request too (Npgsql's auto-preparation). So every way in checks for it and refuses it with a precise
/// error before anything reaches the database.
/// </summary>
public static class StorableText
{
    /// <summary>Why such a value is refused, to end an error message with.</summary>
    public const string Why = "the NUL character (U+0000), which cannot be stored";

    public static bool HasNul(string? s) => s is not null && s.Contains('\0');

    /// <summary>Text kept for diagnosis only (a refused message's id or the reason's detail): a NUL is written as \u0000.</summary>
    public static string? Escaped(string? s) => HasNul(s) ? s!.Replace("\0", "\\u0000") : s;

    /// <summary>Whether a JSON value holds a NUL in any string or property name, however deep.</summary>
    public static bool HasNul(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return HasNul(e.GetString());
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) if (HasNul(item)) return true;
                return false;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) if (HasNul(p.Name) || HasNul(p.Value)) return true;
                return false;
            default:
                return false;
        }
    }

    /// <summary>The name of the first attribute (of a feature read from a file) whose name or value holds a NUL, or null.</summary>
    public static string? FirstWithNul(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            var bad = HasNul(name) || value switch
            {
                string s => HasNul(s),
                JsonElement j => HasNul(j),
                _ => false,
            };
            if (bad) return name.Replace("\0", "\\u0000");
        }
        return null;
    }
}
