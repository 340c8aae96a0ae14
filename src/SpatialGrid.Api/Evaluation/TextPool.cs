using System.Text;
using Npgsql;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// One string per distinct value of a text column across a read: a month's 200,000 cases name a few hundred grids,
/// units and people, so reading each as a new string made 1.6 million strings for the collector to copy as the
/// review's snapshot aged. Reads the value's bytes into a buffer and looks its characters up by span; not thread-safe (one per read).
/// </summary>
public sealed class TextPool
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly byte[] _bytes = new byte[256];
    private readonly char[] _chars = new char[256];

    public TextPool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The column's value (null for NULL), the same string for the same text.</summary>
    public string? Get(NpgsqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) return null;
        // The value's UTF-8 bytes as they came (a text column read as bytes: no text reader made per value).
        var n = (int)r.GetBytes(ordinal, 0, _bytes, 0, _bytes.Length);
        // A value that fills the buffer may be longer: read it whole.
        if (n == _bytes.Length) return Intern(r.GetString(ordinal));
        var text = _chars.AsSpan(0, Encoding.UTF8.GetChars(_bytes.AsSpan(0, n), _chars));
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
