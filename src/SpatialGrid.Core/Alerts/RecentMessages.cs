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

    /// <summary>Two independent 32-bit hashes side by side (randomised per process, which is all an in-memory set needs).</summary>
    public static long Fingerprint(string gateway, string msgId) =>
        ((long)HashCode.Combine(gateway, msgId) << 32) | (uint)HashCode.Combine(msgId, gateway, 0x5bd1e995);

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
