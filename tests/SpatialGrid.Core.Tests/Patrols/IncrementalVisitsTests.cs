using SpatialGrid.Core.Patrols;
using static SpatialGrid.Core.Tests.Patrols.Street;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>The service walks fixes as batches arrive: however a track is cut into calls, the visits and pieces are the same.</summary>
public sealed class IncrementalVisitsTests
{
    [Fact]
    public void Walking_a_track_in_several_calls_gives_the_same_visits_and_pieces_as_one_call()
    {
        var cells = Cells();
        var (visits, excursionsCut) = (0, 0);
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var track = RandomWalk(random);
            var whole = VisitTracker.Advance(cells, null, track, VisitRules.Default);

            var state = (VisitState?)null;
            var closed = new List<GridVisit>();
            var pieces = new List<VisitPiece>();
            for (var start = 0; start < track.Count;)
            {
                var length = random.Next(0, 6);
                var step = VisitTracker.Advance(cells, state, track.Skip(start).Take(length).ToList(), VisitRules.Default);
                (state, start) = (step.State, start + length);
                if (step.State?.Excursion is not null) excursionsCut++;
                closed.AddRange(step.Closed);
                pieces.AddRange(step.Pieces);
            }

            Assert.Equal(whole.Closed, closed);
            Assert.Equal(whole.Pieces, pieces);
            Assert.Equal(whole.State, state);
            visits += whole.Closed.Count;
        }
        // The walks are varied enough to close visits and to cut calls in the middle of an undecided excursion.
        Assert.True(visits > 300 && excursionsCut > 30, $"{visits} visits, {excursionsCut} excursions cut");
    }

    /// <summary>
    /// A worker wandering the street and beyond it: small steps and border jitter, long strides across grids, a few
    /// gaps, restarts, and a walk through local midnight.
    /// </summary>
    private static List<TrackPoint> RandomWalk(Random random)
    {
        var t = new DateTimeOffset(2026, 11, 24, 15, 50, 0, TimeSpan.Zero);
        double lon = 121.4705, lat = Y;
        var track = new List<TrackPoint>();
        for (var i = 0; i < 60; i++)
        {
            var roll = random.NextDouble();
            t = t.AddSeconds(roll < 0.05 ? 400 : 1 + random.Next(0, 40));
            var stride = roll < 0.3 ? 0.0008 : 0.00005;
            lon = Math.Clamp(lon + (random.NextDouble() - 0.5) * stride, 121.4695, 121.4735);
            lat = Math.Clamp(lat + (random.NextDouble() - 0.5) * stride, 31.2297, 31.2313);
            track.Add(new TrackPoint(t, lon, lat) { Restart = roll > 0.98 });
        }
        return track;
    }
}
