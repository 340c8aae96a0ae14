using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialGrid.Core.Ogc;

/// <summary>The instants and dates of CQL2 (RFC 3339), read strictly and written so that they read back the same.</summary>
public static class Cql2Time
{
    private static readonly Regex Timestamp = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase);
    private static readonly Regex Day = new(@"^\d{4}-\d{2}-\d{2}$");

    public static bool TryTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        if (!Timestamp.IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v)) return false;
        value = v.ToUniversalTime();
        return true;
    }

    public static bool TryDate(string text, out DateOnly value)
    {
        value = default;
        return Day.IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>An instant, or a date taken as its first instant (UTC).</summary>
    public static bool TryInstant(string text, out DateTimeOffset value)
    {
        if (TryTimestamp(text, out value)) return true;
        if (!TryDate(text, out var d)) return false;
        value = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return true;
    }

    public static string Write(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Write(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
