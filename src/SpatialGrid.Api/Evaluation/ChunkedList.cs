using System.Collections;

namespace SpatialGrid.Api.Evaluation;

/// <summary>
/// A list filled item by item that grows by whole chunks and never copies what it holds: a month's case facts (200,000
/// values of ~200 bytes, twice) grown by <see cref="List{T}"/>'s doubling made 130 MB of arrays for a 75 MB read, each
/// copy more for the collector, and joining the period's parts copied everything once more. Parts are joined by taking
/// over their chunks (<see cref="Join"/>). Read by enumeration (the folds) or by index.
/// </summary>
public sealed class ChunkedList<T> : IReadOnlyList<T>
{
    /// <summary>
    /// Chunks double from <see cref="FirstChunk"/> (a small period stays small) to <see cref="MaxChunk"/> items (a chunk of
    /// large values then lies on the large-object heap, where the collector does not move it).
    /// </summary>
    private const int FirstChunk = 64, MaxChunk = 16_384;

    private readonly List<T[]> _chunks = [];
    private readonly List<int> _starts = [];

    public int Count { get; private set; }

    public void Add(in T item)
    {
        var last = _chunks.Count - 1;
        if (last < 0 || Count - _starts[last] == _chunks[last].Length)
        {
            _chunks.Add(new T[last < 0 ? FirstChunk : Math.Min(MaxChunk, _chunks[last].Length * 2)]);
            _starts.Add(Count);
            last++;
        }
        _chunks[last][Count - _starts[last]] = item;
        Count++;
    }

    /// <summary>The parts one after the other, their chunks taken over (the parts must not be added to afterwards).</summary>
    public static ChunkedList<T> Join(IEnumerable<ChunkedList<T>> parts)
    {
        var all = new ChunkedList<T>();
        foreach (var part in parts)
        {
            // A partly filled chunk may end up in the middle: only the last chunk is ever added to.
            for (var i = 0; i < part._chunks.Count; i++)
            {
                all._chunks.Add(part._chunks[i]);
                all._starts.Add(all.Count + part._starts[i]);
            }
            all.Count += part.Count;
        }
        return all;
    }

    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var chunk = _starts.BinarySearch(index);
            if (chunk < 0) chunk = ~chunk - 1;
            return _chunks[chunk][index - _starts[chunk]];
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var c = 0; c < _chunks.Count; c++)
        {
            var end = c + 1 < _chunks.Count ? _starts[c + 1] : Count;
            var items = _chunks[c];
            for (var i = 0; i < end - _starts[c]; i++) yield return items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
