using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>Daily roll-ups per grid, worker and day add up exactly: a stretch across local midnight is cut there.</summary>
public sealed class MidnightSplitTests
{
    // 23:59:40 in Shanghai (UTC+8) is 15:59:40 UTC.
    private static readonly DateTimeOffset BeforeMidnight = new(2026, 11, 24, 15, 59, 40, TimeSpan.Zero);

    [Fact]
    public void A_stretch_across_local_midnight_is_two_pieces_one_per_day()
    {
        var fixes = new[] { new TrackPoint(BeforeMidnight, 121.4702, Y), new TrackPoint(BeforeMidnight.AddSeconds(40), 121.4708, Y) };

        var pieces = VisitTracker.Advance(Cells(), null, fixes, VisitRules.Default).Pieces;

        var midnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal([(BeforeMidnight, midnight), (midnight, BeforeMidnight.AddSeconds(40))], pieces.Select(p => (p.From, p.To)));
        Assert.Equal([20.0, 20.0], pieces.Select(p => Math.Round(p.Seconds, 9)));
        Assert.Equal(pieces[0].Metres, pieces[1].Metres, 9);
        Assert.Equal(Metres(0.0006), pieces.Sum(p => p.Metres), 6);
    }

    [Fact]
    public void Midnight_is_the_citys_not_utcs()
    {
        var utcMidnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var fixes = new[] { new TrackPoint(utcMidnight.AddSeconds(-20), 121.4702, Y), new TrackPoint(utcMidnight.AddSeconds(20), 121.4708, Y) };
        Assert.Single(VisitTracker.Advance(Cells(), null, fixes, VisitRules.Default).Pieces);
        Assert.Equal(2, VisitTracker.Advance(Cells(), null, fixes, VisitRules.Default with { UtcOffset = TimeSpan.Zero }).Pieces.Count);
    }
}
