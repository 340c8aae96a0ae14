using System.Security.Cryptography;
using System.Text;

namespace SpatialGrid.Core.Cases;

/// <summary>
/// The tamper-evident chain of a case's history: each event's hash covers the previous event's hash and the
/// event's own fields, so an edited, inserted or deleted row breaks every hash after it.
/// </summary>
public static class CaseHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Of(string previous, string caseNumber, int sequence, DateTimeOffset at, string by, string action, string fromState, string toState, string? note, string? data)
    {
        var text = string.Join('\u001f', previous, caseNumber, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), by, action, fromState, toState, note ?? "", data ?? "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }
}
