using Npgsql;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// One string per distinct value of a text column across a read: a month's 200,000 cases name a few hundred grids,
/// units and people, so reading each as a new string made 1.6 million strings for the collector to copy as the
/// review's snapshot aged. Reads the characters into a buffer and looks them up by span; not thread-safe (one per read).
/// </summary>
public sealed class TextPool
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly char[] _buffer = new char[128];

    public TextPool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The column's value (null for NULL), the same string for the same text.</summary>
    public string? Get(NpgsqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) return null;
        var n = (int)r.GetChars(ordinal, 0, _buffer, 0, _buffer.Length);
        // A value that fills the buffer may be longer: read it whole.
        if (n == _buffer.Length) return Intern(r.GetString(ordinal));
        var text = _buffer.AsSpan(0, n);
        if (_lookup.TryGetValue(text, out var known)) return known;
        var value = new string(text);
        _values[value] = value;
        return value;
    }

    private string Intern(string value)
    {
        if (_values.TryGetValue(value, out var known)) return known;
        _values[value] = value;
        return value;
    }
}
