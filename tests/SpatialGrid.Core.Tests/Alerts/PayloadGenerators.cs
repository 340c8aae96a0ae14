using System.Text;
using CsCheck;

namespace SpatialGrid.Core.Tests.Alerts;

/// <summary>Generators of device payload parts and of arbitrary bytes shaped like them, for the parsers' properties.</summary>
public static class PayloadGenerators
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    /// <summary>An id of the device protocol: 1 to 64 of A-Z a-z 0-9 . _ : -.</summary>
    public static readonly Gen<string> Id = Gen.String[Gen.Char["ABCXYZabcxyz0189._:-"], 1, 64];

    /// <summary>An alert type: lower-case words joined by '.' or '-', at most 64 characters.</summary>
    public static readonly Gen<string> Type = Gen.Select(Gen.String[Gen.Char["abcdefz0129"], 1, 10].Array[1, 4], Gen.Char[".-"],
        (words, sep) => string.Join(sep, words)).Where(t => t.Length <= 64);

    /// <summary>An instant within <c>[now − age, now + skew]</c>, to the second, written in RFC 3339 in a random offset.</summary>
    public static Gen<(DateTimeOffset At, string Text)> Time(TimeSpan skew, TimeSpan age) =>
        Gen.Select(Gen.Long[(long)-age.TotalSeconds + 1, (long)skew.TotalSeconds], Gen.Int[-12 * 4, 14 * 4], Gen.Bool, (s, quarters, z) =>
        {
            var at = Now.AddSeconds(s);
            var local = z ? at.ToUniversalTime() : at.ToOffset(TimeSpan.FromMinutes(15 * quarters));
            var text = z ? local.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz");
            return (at, text);
        });

    /// <summary>
    /// Bytes for a parser that must never throw: plain random bytes, JSON-looking text from the payloads' own
    /// alphabet, and valid payloads with a byte changed, inserted or cut off.
    /// </summary>
    public static Gen<byte[]> Hostile(Gen<string> valid) => Gen.OneOf(
        Gen.Byte.Array[0, 300],
        Gen.String[Gen.Char["{}[]:,\"\\ 0123456789.eE+-truefalsnNIfiy\u0000\u00e9\ud800msgIdfixesworkerlonlat"], 0, 120].Select(Encoding.UTF8.GetBytes),
        Gen.Select(valid, Gen.Int[0, 10_000], Gen.Byte, Gen.Int[0, 2], (v, at, b, how) =>
        {
            var bytes = Encoding.UTF8.GetBytes(v).ToList();
            var i = at % (bytes.Count + 1);
            switch (how)
            {
                case 0: bytes.Insert(i, b); break;
                case 1 when i < bytes.Count: bytes[i] = b; break;
                default: bytes.RemoveRange(i, bytes.Count - i); break;
            }
            return bytes.ToArray();
        }));
}
