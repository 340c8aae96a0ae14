using SpatialGrid.Api.Evaluation;

namespace SpatialGrid.Api.Tests.Evaluation;

public class ChunkedListTests
{
    private static ChunkedList<int> Filled(int from, int count)
    {
        var list = new ChunkedList<int>();
        for (var i = from; i < from + count; i++) list.Add(i);
        return list;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]     // exactly the first chunk
    [InlineData(65)]     // one into the second
    [InlineData(100_000)] // past the largest chunk several times
    public void Holds_every_item_in_order_by_enumeration_and_by_index(int count)
    {
        var list = Filled(0, count);
        Assert.Equal(count, list.Count);
        Assert.Equal(Enumerable.Range(0, count), list);
        foreach (var i in new[] { 0, 63, 64, 65, 16_383, 16_384, 50_000, count - 1 }.Where(i => i >= 0 && i < count))
            Assert.Equal(i, list[i]);
    }

    [Fact]
    public void Joined_parts_read_one_after_the_other_even_with_a_partly_filled_chunk_in_the_middle()
    {
        // 100 fills the first chunk (64) and part of the second (128): that chunk ends up in the middle.
        var joined = ChunkedList<int>.Join([Filled(0, 100), Filled(100, 0), Filled(100, 30_000), Filled(30_100, 7)]);
        Assert.Equal(30_107, joined.Count);
        Assert.Equal(Enumerable.Range(0, 30_107), joined);
        foreach (var i in new[] { 0, 63, 64, 99, 100, 101, 191, 192, 30_099, 30_100, 30_106 }) Assert.Equal(i, joined[i]);
        // Adding after the join continues after the last part, not into the chunk left partly filled in the middle.
        joined.Add(-1);
        Assert.Equal(-1, joined[30_107]);
        Assert.Equal(99, joined[99]);
        Assert.Equal(100, joined[100]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void An_index_outside_the_list_is_refused(int index)
    {
        var list = Filled(0, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[index]);
    }
}
