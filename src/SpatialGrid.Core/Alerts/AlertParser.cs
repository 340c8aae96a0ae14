using System.Text.Json;
using SpatialGrid.Core.Geo;

namespace SpatialGrid.Core.Alerts;

/// <summary>The reasons a message is refused; each is the <c>reason</c> of a dead letter and of a reject.</summary>
public static class RejectReasons
{
    public const string MalformedJson = "malformed-json";
    public const string Schema = "schema";
    public const string UnknownDevice = "unknown-device";
    public const string WrongGateway = "wrong-gateway";
    public const string OutsideArea = "outside-area";
    public const string SwappedCoordinates = "swapped-coordinates";
    public const string FutureTime = "future-time";
    public const string TooOld = "too-old";
    public const string NoLocation = "no-location";
    public const string TooLarge = "too-large";
    public const string RateLimited = "rate-limited";
    public const string ForbiddenTopic = "forbidden-topic";
    public const string UnknownTopic = "unknown-topic";
    public const string OutOfScope = "out-of-scope";
    public const string Unstorable = "unstorable";
    /// <summary>A GPS batch with more fixes than the service takes in one message: the whole batch is refused.</summary>
    public const string TooManyFixes = "too-many-fixes";
}

/// <summary>A parsed and checked alert: coordinates in WGS 84 when the message carried them.</summary>
public sealed record ParsedAlert(string MsgId, string DeviceId, string Type, string Severity, DateTimeOffset ObservedAt,
    double? Lon, double? Lat, double? Confidence, string? Media, string? PropsJson);

/// <summary>
/// Parses and checks an alert payload against the rules of <c>sensors/schemas/alert.json</c>. A refusal names
/// the rule and the field, so the gateway's developer can fix the device from the rejects topic alone.
/// </summary>
public static class AlertParser
{
    public const int MaxIdLength = 64;
    public const int MaxMediaLength = 500;
    public static readonly string[] Severities = ["info", "minor", "major", "critical"];

    public sealed record Result(ParsedAlert? Alert, string? MsgId, string? Reason, string? Detail)
    {
        public bool Ok => Alert is not null;
    }

    public static Result Parse(ReadOnlySpan<byte> json, DateTimeOffset now, TimeSpan maxSkew, TimeSpan maxAge)
    {
        AlertPayload? p;
        try
        {
            p = JsonSerializer.Deserialize(json, AlertJsonContext.Default.AlertPayload);
        }
        catch (JsonException e)
        {
            // Well-formed JSON that does not fit the contract is a schema fault; anything else is malformed.
            return IsWellFormed(json)
                ? Fail(TryReadMsgId(json), RejectReasons.Schema, Describe(e))
                : Fail(null, RejectReasons.MalformedJson, $"not valid JSON ({Describe(e)})");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return Fail(null, RejectReasons.MalformedJson, $"not valid JSON ({e.Message})");
        }
        if (p is null) return Fail(null, RejectReasons.Schema, "the payload must be a JSON object, not null");

        var msgId = p.MsgId;
        if (!IsId(msgId)) return Fail(Clip(msgId), RejectReasons.Schema, $"msgId is required: 1 to {MaxIdLength} characters of A-Z a-z 0-9 . _ : -");
        if (!IsId(p.DeviceId)) return Fail(msgId, RejectReasons.Schema, $"deviceId is required: 1 to {MaxIdLength} characters of A-Z a-z 0-9 . _ : -");
        if (!IsType(p.Type)) return Fail(msgId, RejectReasons.Schema, "type is required: lower-case words joined by '.' or '-', e.g. manhole.tilt");
        var severity = p.Severity ?? "minor";
        if (Array.IndexOf(Severities, severity) < 0) return Fail(msgId, RejectReasons.Schema, $"severity '{Clip(severity)}' is not one of {string.Join(", ", Severities)}");
        if (!TryRfc3339(p.ObservedAt, out var observed))
            return Fail(msgId, RejectReasons.Schema, p.ObservedAt is null
                ? "observedAt is required (RFC 3339, e.g. 2026-11-24T10:00:00+08:00)"
                : $"observedAt '{Clip(p.ObservedAt)}' is not an RFC 3339 time with an offset (e.g. 2026-11-24T10:00:00+08:00 or 2026-11-24T02:00:00Z)");
        if (observed > now + maxSkew) return Fail(msgId, RejectReasons.FutureTime, $"observedAt {observed:O} is more than {maxSkew.TotalMinutes:0} minutes ahead of the service's clock ({now:O}); check the device's clock");
        if (observed < now - maxAge) return Fail(msgId, RejectReasons.TooOld, $"observedAt {observed:O} is more than {maxAge.TotalDays:0} days old");
        if (p.Confidence is { } c && (!double.IsFinite(c) || c < 0 || c > 1)) return Fail(msgId, RejectReasons.Schema, $"confidence {c} is not between 0 and 1");
        if (p.Media is { } m && (m.Length == 0 || m.Length > MaxMediaLength)) return Fail(msgId, RejectReasons.Schema, $"media is a URL or hash of 1 to {MaxMediaLength} characters");
        if (StorableText.HasNul(p.Media)) return Fail(msgId, RejectReasons.Schema, $"media holds {StorableText.Why}");
        if (p.Props is { } props && props.ValueKind != JsonValueKind.Object) return Fail(msgId, RejectReasons.Schema, "props must be a JSON object");
        if (p.Props is { } stored && StorableText.Problem(stored) is { } why) return Fail(msgId, RejectReasons.Schema, $"props holds {why}");

        double? lon = null, lat = null;
        if (p.Lon is not null || p.Lat is not null)
        {
            if (p.Lon is not { } x || p.Lat is not { } y) return Fail(msgId, RejectReasons.Schema, "lon and lat come together (or both are left out for a device at a fixed place)");
            if (!double.IsFinite(x) || !double.IsFinite(y)) return Fail(msgId, RejectReasons.Schema, "lon and lat must be finite numbers");
            if (!Crs.TryParse(p.Crs, out var crs, out var crsError)) return Fail(msgId, RejectReasons.Schema, crsError!);
            if (crs.IsGeographic && (x is < -180 or > 180 || y is < -90 or > 90))
            {
                return y is >= -180 and <= 180 && x is >= -90 and <= 90
                    ? Fail(msgId, RejectReasons.SwappedCoordinates, $"({x}, {y}) is out of range: lat {y} is not a latitude; are lon and lat swapped?")
                    : Fail(msgId, RejectReasons.Schema, $"({x}, {y}) is out of range for {crs.Name}");
            }
            (lon, lat) = crs.ToWgs84(x, y);
        }
        else if (p.Crs is not null) return Fail(msgId, RejectReasons.Schema, "crs was given without lon and lat");

        return new Result(new ParsedAlert(msgId!, p.DeviceId!, p.Type!, severity, observed.ToUniversalTime(), lon, lat, p.Confidence, p.Media,
            p.Props?.GetRawText()), msgId, null, null);
    }

    /// <summary>The msgId of a message that failed to parse as a whole, when one can still be read (for the reject).</summary>
    public static string? TryReadMsgId(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMsgId = reader.ValueTextEquals("msgId"u8);
                if (!reader.Read()) return null;
                if (isMsgId) return reader.TokenType == JsonTokenType.String ? Clip(reader.GetString()) : null;
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a msgId that is not valid Unicode (an escaped surrogate without its pair).
        }
        return null;
    }

    /// <summary>Date, 'T', time, and 'Z' or a numeric offset: the forms RFC 3339 allows.</summary>
    internal static bool TryRfc3339(string? s, out DateTimeOffset value)
    {
        value = default;
        if (s is null || s.Length is < 20 or > 40 || (s[10] != 'T' && s[10] != 't')) return false;
        var last = s[^1];
        var hasOffset = last is 'Z' or 'z' || (s.Length >= 25 && s[^3] == ':' && s[^6] is '+' or '-');
        return hasOffset && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out value);
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
            }
            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Result Fail(string? msgId, string reason, string detail) => new(null, msgId, reason, detail);

    private static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
        var line = e.LineNumber is { } l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : "";
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        return $"{message.TrimEnd('.')}{where}{line}";
    }

    /// <summary>An id of the device protocol (msgId, deviceId, gatewayId): 1 to 64 of A-Z a-z 0-9 . _ : - (safe as a topic level).</summary>
    public static bool IsId(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > MaxIdLength) return false;
        foreach (var ch in s)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or ':' or '-')) return false;
        }
        return true;
    }

    private static bool IsType(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > MaxIdLength) return false;
        var previousSeparator = true;
        foreach (var ch in s)
        {
            var separator = ch is '.' or '-';
            if (!(separator || char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch))) return false;
            if (separator && previousSeparator) return false;
            previousSeparator = separator;
        }
        return !previousSeparator;
    }

    private static string? Clip(string? s) => s is null ? null : s.Length > MaxIdLength ? s[..MaxIdLength] + "…" : s;
}
