namespace SpatialGrid.Core.Alerts;

/// <summary>
/// The (gateway, msgId) pairs stored lately, remembered as 64-bit fingerprints in two generations: between
/// <c>generation</c> and twice that many of the newest. A pair not remembered is taken for new and written without
/// asking the database first; the unique key still refuses it if it was stored (by another instance, before a
/// restart, or too long ago to be remembered), and the writer then goes the slow way. A pair remembered may be a
/// fingerprint collision, so the database is asked about it: memory never decides that a message is a repeat.
/// </summary>
public sealed class RecentMessages(int generation = 500_000)
{
    private HashSet<long> _current = new(Math.Min(generation, 1 << 16));
    private HashSet<long> _previous = [];

    public int Count => _current.Count + _previous.Count;

    // Randomised per process, which is all an in-memory set needs (and keeps crafted collisions from being planned).
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>
    /// A 64-bit hash of the pair: FNV-1a over every UTF-16 unit of gateway, a separator and msgId, from a random seed,
    /// then SplitMix64's finaliser. Two 32-bit <see cref="HashCode"/>s side by side were not 64 bits: both were built
    /// from the strings' own 32-bit hashes, so msgIds whose 32-bit hashes collided collided in both halves.
    /// </summary>
    public static long Fingerprint(string gateway, string msgId)
    {
        var h = 14695981039346656037UL ^ Seed;
        foreach (var c in gateway) h = (h ^ c) * 1099511628211UL;
        h = (h ^ 0xFFFF) * 1099511628211UL;   // not a UTF-16 character: ("ab", "c") and ("a", "bc") differ
        foreach (var c in msgId) h = (h ^ c) * 1099511628211UL;
        h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 27; h *= 0x94D049BB133111EBUL;
        return (long)(h ^ (h >> 31));
    }

    /// <summary>Whether the pair may have been stored lately (false: certainly not remembered).</summary>
    public bool MayContain(string gateway, string msgId)
    {
        var f = Fingerprint(gateway, msgId);
        return _current.Contains(f) || _previous.Contains(f);
    }

    public void Add(string gateway, string msgId)
    {
        if (_current.Count >= generation)
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }
        _current.Add(Fingerprint(gateway, msgId));
    }

    public void Clear()
    {
        _current.Clear();
        _previous.Clear();
    }
}
