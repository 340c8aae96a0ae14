using System.Security.Cryptography;
using System.Text;

namespace SpatialGrid.Api.Security;

/// <summary>
/// API keys look like <c>sgk_{prefix}_{secret}</c>: the prefix finds the row, the SHA-256 of the whole key is
/// compared in constant time. Keys carry 192 bits of randomness, so a fast hash is enough (no password stretching).
/// </summary>
public static class ApiKeys
{
    public static (string Key, string Prefix, byte[] Hash) Create()
    {
        var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(24));
        var key = $"sgk_{prefix}_{secret}";
        return (key, prefix, Hash(key));
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool TryPrefix(string key, out string prefix)
    {
        prefix = "";
        var parts = key.Split('_');
        if (parts.Length != 3 || parts[0] != "sgk" || parts[1].Length != 8) return false;
        prefix = parts[1];
        return true;
    }

    public static bool Matches(string key, byte[] hash) => CryptographicOperations.FixedTimeEquals(Hash(key), hash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_').Replace("_", "x");
}

/// <summary>The roles of DESIGN.md's security section.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string GisEditor = "gis-editor";
    public const string Dispatcher = "dispatcher";
    public const string Patrol = "patrol";
    public const string Planner = "planner";
    public const string Gateway = "gateway";

    public static readonly string[] All = [Admin, GisEditor, Dispatcher, Patrol, Planner, Gateway];

    /// <summary>The roles that open and work on cases, over every channel (HTTP, Open311, devices).</summary>
    public static readonly string[] CaseWorkers = [Dispatcher, Patrol, Gateway, Admin];
}
