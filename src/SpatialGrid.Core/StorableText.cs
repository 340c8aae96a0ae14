using System.Text.Json;

namespace SpatialGrid.Core;

/// <summary>
/// PostgreSQL's text and jsonb cannot hold the NUL character (U+0000), and jsonb refuses an escaped UTF-16
/// surrogate without its pair: a value with one fails in the database, and a failure in the round trip that
/// prepares a statement leaves that statement broken on its pooled connection for the next request too (Npgsql's
/// auto-preparation). So every way in checks for them and refuses them with a precise error before anything
/// reaches the database.
/// </summary>
public static class StorableText
{
    /// <summary>Why a value with a NUL is refused, to end an error message with.</summary>
    public const string Why = "the NUL character (U+0000), which cannot be stored";

    /// <summary>Why a JSON string with a lone surrogate escape (e.g. \uD800) is refused.</summary>
    public const string LoneSurrogate = "an unpaired UTF-16 surrogate (\\uD800–\\uDFFF), which is not valid Unicode";

    /// <summary>Why text holding U+FFFD is refused: a decoder left it where bytes were not valid in the encoding it read them in.</summary>
    public const string Replacement = "U+FFFD, the mark a decoder leaves where bytes were not valid text: the file's text encoding was lost before import";

    public static bool HasNul(string? s) => s is not null && s.Contains('\0');

    /// <summary>Text kept for diagnosis only (a refused message's id or the reason's detail): a NUL is written as \u0000.</summary>
    public static string? Escaped(string? s) => HasNul(s) ? s!.Replace("\0", "\\u0000") : s;

    /// <summary>Why a JSON value cannot be stored (a NUL or a lone surrogate in any string or property name, however deep), or null.</summary>
    public static string? Problem(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return ProblemOfString(e);
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    if (Problem(item) is { } why) return why;
                return null;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = p.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return LoneSurrogate;
                    }
                    if (HasNul(name)) return Why;
                    if (Problem(p.Value) is { } why) return why;
                }
                return null;
            default:
                return null;
        }
    }

    private static string? ProblemOfString(JsonElement e)
    {
        try
        {
            return HasNul(e.GetString()) ? Why : null;
        }
        catch (InvalidOperationException)
        {
            // The reader refuses to turn an escaped surrogate without its pair into a string.
            return LoneSurrogate;
        }
    }

    /// <summary>What is wrong with the first attribute (of a feature read from a file) that cannot be stored, or null.</summary>
    public static string? FirstProblem(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            var why = HasNul(name) ? Why : name.Contains('\uFFFD') ? Replacement : value switch
            {
                string s => HasNul(s) ? Why : s.Contains('\uFFFD') ? Replacement : null,
                JsonElement j => Problem(j),
                _ => null,
            };
            if (why is not null) return $"attribute '{Escaped(name)}' holds {why}";
        }
        return null;
    }
}
