using SpatialGrid.Core.Alerts;

namespace SpatialGrid.Core.Tests.Alerts;

public sealed class RecentMessagesTests
{
    [Fact]
    public void Remembers_pairs_by_gateway_and_message()
    {
        var recent = new RecentMessages();
        recent.Add("gw-1", "m-1");
        Assert.True(recent.MayContain("gw-1", "m-1"));
        Assert.False(recent.MayContain("gw-2", "m-1"));
        Assert.False(recent.MayContain("gw-1", "m-2"));
        // The pair is not the concatenation: ("gw-1m", "-1") is another message.
        Assert.False(recent.MayContain("gw-1m", "-1"));
    }

    [Fact]
    public void Keeps_between_one_and_two_generations_of_the_newest()
    {
        var recent = new RecentMessages(generation: 100);
        for (var i = 0; i < 250; i++) recent.Add("gw", $"m-{i}");
        // 250 added with generations of 100: the oldest 100 are forgotten, the newest 150 remembered.
        Assert.Equal(150, recent.Count);
        Assert.All(Enumerable.Range(100, 150), i => Assert.True(recent.MayContain("gw", $"m-{i}")));
        Assert.True(Enumerable.Range(0, 100).Count(i => recent.MayContain("gw", $"m-{i}")) == 0);
    }

    [Fact]
    public void Few_false_positives_among_a_million()
    {
        var recent = new RecentMessages(generation: 1_000_000);
        for (var i = 0; i < 1_000_000; i++) recent.Add($"gw-{i % 100}", $"msg-{i}");
        var false_ = Enumerable.Range(0, 100_000).Count(i => recent.MayContain($"gw-{i % 100}", $"other-{i}"));
        // A false positive only costs a database probe; with 64-bit fingerprints there should be none at all here.
        Assert.True(false_ <= 1, $"{false_} false positives");
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var recent = new RecentMessages();
        recent.Add("gw", "m");
        recent.Clear();
        Assert.False(recent.MayContain("gw", "m"));
        Assert.Equal(0, recent.Count);
    }
}
