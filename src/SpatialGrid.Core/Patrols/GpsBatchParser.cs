using System.Text.Json;
using SpatialGrid.Core.Alerts;
using SpatialGrid.Core.Geo;
using static System.FormattableString;

namespace SpatialGrid.Core.Patrols;

/// <summary>
/// Parses and checks a batch of GPS fixes against the rules of <c>sensors/schemas/gps.json</c>. A batch is refused
/// whole only when it cannot be read (malformed JSON, a bad envelope, too many fixes); otherwise each fix is checked
/// on its own, the valid ones are kept in batch order and each refused one is named by its index, worker and rule,
/// so a phone with one bad reading does not lose the hour of good ones around it.
/// </summary>
public static class GpsBatchParser
{
    public const int MaxWorkerLength = 64;

    public sealed record FixProblem(int Index, string? Worker, string Reason, string Detail);

    /// <summary>
    /// Refused: the whole batch is refused (BatchReason: "malformed-json", "schema", "too-many-fixes"); else Fixes are
    /// the valid fixes (in batch order) and Problems name each refused fix by index with a reason.
    /// </summary>
    public sealed record Result(IReadOnlyList<GpsFix> Fixes, IReadOnlyList<FixProblem> Problems,
        string? BatchReason, string? BatchDetail, string? MsgId)
    {
        public bool Refused => BatchReason is not null;
    }

    public static Result Parse(ReadOnlySpan<byte> json, DateTimeOffset now, GpsLimits limits)
    {
        var scan = GpsBatchEnvelope.Read(json, limits.MaxFixes);
        if (scan.Reason is not null) return new([], [], scan.Reason, scan.Detail, scan.MsgId);

        var fixes = new List<GpsFix>(scan.Fixes.Count);
        var problems = new List<FixProblem>();
        for (var i = 0; i < scan.Fixes.Count; i++)
        {
            var (start, length) = scan.Fixes[i];
            var checkedFix = Check(i, json.Slice(start, length), now, limits);
            if (checkedFix.Fix is { } fix) fixes.Add(fix);
            else problems.Add(checkedFix.Problem!);
        }
        return new(fixes, problems, null, null, scan.MsgId);
    }

    private readonly record struct Checked(GpsFix? Fix, FixProblem? Problem);

    private static Checked Check(int i, ReadOnlySpan<byte> json, DateTimeOffset now, GpsLimits limits)
    {
        GpsFixPayload? p;
        try
        {
            p = JsonSerializer.Deserialize(json, GpsJsonContext.Default.GpsFixPayload);
        }
        catch (JsonException e)
        {
            return Fail(i, TryReadWorker(json), RejectReasons.Schema, Describe(i, e));
        }
        catch (InvalidOperationException)
        {
            // The reader refuses to turn an escaped surrogate without its pair into a string.
            return Fail(i, null, RejectReasons.Schema, $"fixes[{i}] holds {StorableText.LoneSurrogate}");
        }
        if (p is null) return Fail(i, null, RejectReasons.Schema, $"fixes[{i}] must be a fix object, not null");

        var worker = p.Worker;
        if (string.IsNullOrWhiteSpace(worker) || worker.Length > MaxWorkerLength)
            return Fail(i, Clip(worker), RejectReasons.Schema, $"worker is required: 1 to {MaxWorkerLength} characters");
        if (StorableText.HasNul(worker)) return Fail(i, Clip(worker), RejectReasons.Schema, $"worker holds {StorableText.Why}");

        if (!AlertParser.TryRfc3339(p.T, out var t))
            return Fail(i, worker, RejectReasons.Schema, p.T is null
                ? "t is required (RFC 3339, e.g. 2026-11-24T10:00:00+08:00)"
                : $"t '{Clip(p.T)}' is not an RFC 3339 time with an offset (e.g. 2026-11-24T10:00:00+08:00 or 2026-11-24T02:00:00Z)");
        if (t > now + limits.MaxSkew)
            return Fail(i, worker, RejectReasons.FutureTime, $"t {t:O} is more than {limits.MaxSkew.TotalMinutes:0} minutes ahead of the service's clock ({now:O}); check the phone's clock");
        if (t < now - limits.MaxAge)
            return Fail(i, worker, RejectReasons.TooOld, $"t {t:O} is older than {Age(limits.MaxAge)}; fixes that late are not taken");

        if (p.Lon is not { } x || p.Lat is not { } y) return Fail(i, worker, RejectReasons.Schema, "lon and lat are required");
        if (!double.IsFinite(x) || !double.IsFinite(y)) return Fail(i, worker, RejectReasons.Schema, "lon and lat must be finite numbers");
        if (!Crs.TryParse(p.Crs, out var crs, out var crsError)) return Fail(i, worker, RejectReasons.Schema, crsError!);
        if (crs.IsGeographic && (x is < -180 or > 180 || y is < -90 or > 90))
        {
            return y is >= -180 and <= 180 && x is >= -90 and <= 90
                ? Fail(i, worker, RejectReasons.SwappedCoordinates, Invariant($"({x}, {y}) is out of range: lat {y} is not a latitude; are lon and lat swapped?"))
                : Fail(i, worker, RejectReasons.Schema, Invariant($"({x}, {y}) is out of range for {crs.Name}"));
        }
        var (lon, lat) = crs.ToWgs84(x, y);
        if (!double.IsFinite(lon) || !double.IsFinite(lat)) return Fail(i, worker, RejectReasons.Schema, Invariant($"({x}, {y}) cannot be converted from {crs.Name} to WGS 84"));
        if (!limits.Contains(lon, lat))
        {
            // Both in range but the wrong way round: the swap shows only against the service area.
            return crs.IsGeographic && limits.Contains(crs.ToWgs84(y, x).Lon, crs.ToWgs84(y, x).Lat)
                ? Fail(i, worker, RejectReasons.SwappedCoordinates, Invariant($"({x}, {y}) is outside the service area but ({y}, {x}) is inside it; are lon and lat swapped?"))
                : Fail(i, worker, RejectReasons.OutsideArea,
                    Invariant($"({lon:0.######}, {lat:0.######}) is outside the service area ({limits.MinLon}, {limits.MinLat}) – ({limits.MaxLon}, {limits.MaxLat})"));
        }

        if (OptionalProblem(p) is { } problem) return Fail(i, worker, RejectReasons.Schema, problem);
        return new(new GpsFix(worker, t.ToUniversalTime(), lon, lat, p.Accuracy, p.Speed, p.Heading, p.Battery), null);
    }

    /// <summary>The optional readings: a phone reports them or leaves them out, but never a value that cannot be.</summary>
    private static string? OptionalProblem(GpsFixPayload p)
    {
        if (p.Accuracy is { } a && (!double.IsFinite(a) || a < 0)) return Invariant($"accuracy {a} is not a radius in metres ≥ 0");
        if (p.Speed is { } s && (!double.IsFinite(s) || s < 0)) return Invariant($"speed {s} is not a speed in m/s ≥ 0");
        if (p.Heading is { } h && (!double.IsFinite(h) || h is < 0 or >= 360)) return Invariant($"heading {h} is not a bearing in degrees in [0, 360)");
        if (p.Battery is { } b && (!double.IsFinite(b) || b is < 0 or > 100)) return Invariant($"battery {b} is not a percentage in [0, 100]");
        return null;
    }

    /// <summary>The worker of a fix that failed to deserialise, when it can still be read, so the refusal names whose fix it was.</summary>
    private static string? TryReadWorker(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isWorker = reader.ValueTextEquals("worker"u8);
                if (!reader.Read()) return null;
                if (isWorker) return reader.TokenType == JsonTokenType.String ? Clip(StorableText.Escaped(reader.GetString())) : null;
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A worker that is not valid Unicode: the refusal stays anonymous.
        }
        return null;
    }

    private static string Describe(int i, JsonException e)
    {
        var path = e.Path is { Length: > 1 } p && p.StartsWith('$') ? p[1..] : "";
        // The reader's InvalidOperationException is either an escaped surrogate without its pair or a value of the
        // wrong JSON type ("lon":"121.47", "worker":5): only the first is about Unicode.
        if (e.InnerException is InvalidOperationException inner)
        {
            if (inner.Message.Contains("UTF-16", StringComparison.Ordinal) || inner.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
                return $"fixes[{i}]{path} holds {StorableText.LoneSurrogate}";
            return path is ".lon" or ".lat" or ".accuracy" or ".speed" or ".heading" or ".battery"
                ? $"fixes[{i}]{path} must be a JSON number, not {TokenOf(inner.Message)}"
                : $"fixes[{i}]{path} must be a JSON string, not {TokenOf(inner.Message)}";
        }
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        // NaN, Infinity and 1e999 are not JSON numbers a double can hold; say which field rather than the .NET type.
        if (path is ".lon" or ".lat" or ".accuracy" or ".speed" or ".heading" or ".battery")
            return $"fixes[{i}]{path} must be a finite JSON number ({message.TrimEnd('.')})";
        return $"fixes[{i}]{path}: {message.TrimEnd('.')}";
    }

    /// <summary>"Cannot get the value of a token type 'String' as a number." → "a string".</summary>
    private static string TokenOf(string readerMessage)
    {
        var m = System.Text.RegularExpressions.Regex.Match(readerMessage, "token type '([A-Za-z]+)'");
        return m.Success ? m.Groups[1].Value switch { "String" => "a string", "Number" => "a number", "True" or "False" => "true or false",
            "StartObject" => "an object", "StartArray" => "an array", "Null" => "null", var t => t } : "that value";
    }

    private static string Age(TimeSpan age) => age.TotalDays >= 1 ? Invariant($"{age.TotalDays:0.#} days") : Invariant($"{age.TotalHours:0.#} hours");

    private static Checked Fail(int i, string? worker, string reason, string detail) => new(null, new FixProblem(i, Clip(worker), reason, detail));

    private static string? Clip(string? s) => GpsBatchEnvelope.Clip(StorableText.Escaped(s));
}
