using System.Text.Json;
using SpatialGrid.Core.Alerts;
using static System.FormattableString;

namespace SpatialGrid.Core.Patrols;

/// <summary>
/// The envelope of a GPS batch (<c>{"msgId":…,"fixes":[…]}</c>) read with one pass of a forward-only reader:
/// it checks that the whole payload is JSON, reads the msgId, and finds where each fix starts and ends without
/// materialising any of them. A batch of a million fixes is thus counted and refused in one allocation-free
/// scan; the fixes within the cap are then deserialised one by one, so one bad fix does not lose the others.
/// </summary>
internal static class GpsBatchEnvelope
{
    internal readonly record struct Scan(string? MsgId, int Count, List<(int Start, int Length)> Fixes, string? Reason, string? Detail);

    public static Scan Read(ReadOnlySpan<byte> json, int maxFixes)
    {
        var fixes = new List<(int, int)>();
        string? msgId = null, schemaProblem = null;
        var count = 0;
        var sawFixes = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read()) return Malformed("the payload is empty");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                schemaProblem = "the payload must be a JSON object {\"msgId\":…,\"fixes\":[…]}";
            }
            else
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("msgId"u8))
                    {
                        reader.Read();
                        (msgId, var problem) = ReadMsgId(ref reader);
                        schemaProblem ??= problem;
                    }
                    else if (reader.ValueTextEquals("fixes"u8))
                    {
                        sawFixes = true;
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            reader.Skip();
                            schemaProblem ??= "fixes must be an array of fix objects";
                            continue;
                        }
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            var start = (int)reader.TokenStartIndex;
                            reader.Skip();
                            // Past the cap the fixes are only counted, for the refusal's message.
                            if (++count <= maxFixes) fixes.Add((start, (int)reader.BytesConsumed - start));
                        }
                    }
                    else
                    {
                        schemaProblem ??= $"unknown member '{NameOf(ref reader)}' in the batch; a batch holds msgId and fixes";
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            // Read to the end: trailing text after the object makes the payload malformed.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            return Malformed($"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}, line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        if (count > maxFixes)
            return new(msgId, count, [], RejectReasons.TooManyFixes, Invariant($"the batch holds {count:N0} fixes; at most {maxFixes:N0} are taken in one message: send smaller batches"));
        if (schemaProblem is null && !sawFixes) schemaProblem = "fixes is required: an array of fix objects";
        return new(msgId, count, fixes, schemaProblem is null ? null : RejectReasons.Schema, schemaProblem);
    }

    private static (string? MsgId, string? Problem) ReadMsgId(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return (null, $"msgId must be a string: 1 to {AlertParser.MaxIdLength} characters of A-Z a-z 0-9 . _ : -");
        }
        string? value;
        try
        {
            value = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return (null, $"msgId holds {StorableText.LoneSurrogate}");
        }
        return AlertParser.IsId(value)
            ? (value, null)
            : (null, $"msgId '{Clip(StorableText.Escaped(value))}' is not 1 to {AlertParser.MaxIdLength} characters of A-Z a-z 0-9 . _ : -");
    }

    private static string NameOf(ref Utf8JsonReader reader)
    {
        try
        {
            return Clip(StorableText.Escaped(reader.GetString()))!;
        }
        catch (InvalidOperationException)
        {
            return "(a name with an unpaired surrogate)";
        }
    }

    internal static string? Clip(string? s) => s is null ? null : s.Length > 64 ? s[..64] + "…" : s;

    private static Scan Malformed(string detail) => new(null, 0, [], RejectReasons.MalformedJson, detail);
}
