using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace SpatialGrid.Api.Security;

/// <summary>
/// The claims of recently used keys, for a few seconds. Every request with a key looked its client up in the database
/// (an EF query and a round trip, ~0.8 ms of CPU): a tenth of the API's CPU in the soak, whose clients send a key with
/// each of ~55 requests a second. Entries are held under the key's SHA-256 (never the secret itself) for
/// <see cref="SecurityOptions.KeyCacheSeconds"/>; only keys that were accepted are held (a stream of made-up keys cannot
/// fill it); a revocation in this process drops every entry at once. A key revoked through another instance sharing the
/// database keeps working here for at most those seconds.
/// </summary>
public sealed class ApiKeyCache(IOptions<SecurityOptions> options, TimeProvider time)
{
    /// <summary>Past this many entries the cache starts again empty (keys in use are few; this only bounds memory).</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Claim[] Claims, long ExpiresAt)> entries = new(StringComparer.Ordinal);
    private readonly TimeSpan lifetime = TimeSpan.FromSeconds(Math.Max(0, options.Value.KeyCacheSeconds));

    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>A principal for the key if it was accepted less than the cache's lifetime ago.</summary>
    public ClaimsPrincipal? Find(string key)
    {
        if (!Enabled || !entries.TryGetValue(Id(key), out var entry)) return null;
        if (time.GetTimestamp() < entry.ExpiresAt) return Principal(entry.Claims);
        entries.TryRemove(Id(key), out _);
        return null;
    }

    public void Remember(string key, Claim[] claims)
    {
        if (!Enabled) return;
        if (entries.Count >= MaxEntries) entries.Clear();
        entries[Id(key)] = (claims, time.GetTimestamp() + (long)(lifetime.TotalSeconds * time.TimestampFrequency));
    }

    /// <summary>Forgets every key (a key was revoked: which cached entry was its is not known without its secret).</summary>
    public void Clear() => entries.Clear();

    public int Count => entries.Count;

    internal static ClaimsPrincipal Principal(Claim[] claims) => new(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.Scheme));

    private static string Id(string key) => Convert.ToHexString(ApiKeys.Hash(key));
}
