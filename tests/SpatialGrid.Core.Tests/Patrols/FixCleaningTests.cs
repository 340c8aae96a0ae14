using SpatialGrid.Core.Patrols;

namespace SpatialGrid.Core.Tests.Patrols;

/// <summary>Which fixes are trusted enough to walk; flagged ones are kept with their flags.</summary>
public sealed class FixCleaningTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly CleaningRules Rules = new();
    private static readonly (double, double, double, double) Area = (121.40, 31.20, 121.50, 31.25);

    // 0.001° of longitude at 31.23° N is about 95 m; of latitude about 111 m.
    private static GpsFix Fix(double seconds, double lon, double lat = 31.23, double? accuracy = 5) =>
        new("w-1", T0.AddSeconds(seconds), lon, lat, accuracy, null, null, null);

    private static CleaningResult Clean(TrackPoint? last, params GpsFix[] fixes) => FixCleaning.Clean(fixes, last, Rules, Area);

    [Fact]
    public void A_steady_walk_is_all_clean_and_the_last_fix_is_the_new_state()
    {
        var r = Clean(null, Fix(0, 121.4700), Fix(10, 121.4701), Fix(20, 121.4702));
        Assert.All(r.Flags, f => Assert.Equal(FixFlags.None, f));
        Assert.Equal([0, 1, 2], r.CleanInTimeOrder);
        Assert.Equal((T0.AddSeconds(20), 121.4702), (r.Last!.T, r.Last.Lon));
    }

    [Fact]
    public void A_fix_with_poor_accuracy_is_kept_flagged_but_not_walked()
    {
        var r = Clean(null, Fix(0, 121.47), Fix(10, 121.4701, accuracy: 80), Fix(20, 121.4702));
        Assert.Equal([FixFlags.None, FixFlags.PoorAccuracy, FixFlags.None], r.Flags);
        Assert.Equal([0, 2], r.CleanInTimeOrder);
    }

    [Fact]
    public void A_fix_far_outside_the_area_is_flagged_but_one_just_outside_is_walked()
    {
        var r = Clean(null, Fix(0, 121.47), Fix(600, 121.52), Fix(1200, 121.57));
        Assert.Equal([FixFlags.None, FixFlags.None, FixFlags.FarOutside], r.Flags);
    }

    [Fact]
    public void A_late_fix_older_than_the_last_clean_point_is_out_of_order()
    {
        var last = new TrackPoint(T0.AddSeconds(60), 121.47, 31.23);
        var r = Clean(last, Fix(30, 121.4701), Fix(70, 121.4702));
        Assert.Equal([FixFlags.OutOfOrder, FixFlags.None], r.Flags);
        Assert.Equal([1], r.CleanInTimeOrder);
    }

    [Fact]
    public void A_batch_sent_shuffled_is_sorted_by_time_not_flagged()
    {
        var r = Clean(null, Fix(20, 121.4702), Fix(0, 121.4700), Fix(10, 121.4701));
        Assert.All(r.Flags, f => Assert.Equal(FixFlags.None, f));
        Assert.Equal([1, 2, 0], r.CleanInTimeOrder);
        Assert.Equal(T0.AddSeconds(20), r.Last!.T);
    }

    [Fact]
    public void A_repeated_fix_is_returned_for_the_store_to_absorb()
    {
        var last = new TrackPoint(T0, 121.47, 31.23);
        var r = Clean(last, Fix(0, 121.47), Fix(10, 121.4701), Fix(10, 121.4701));
        Assert.Equal([0, 2], r.Repeats);
        Assert.Equal([1], r.CleanInTimeOrder);
    }

    [Fact]
    public void A_jump_faster_than_a_metro_is_a_teleport_and_the_track_goes_on_from_the_last_clean_point()
    {
        // 1 km in 10 s, then back where the worker was.
        var r = Clean(null, Fix(0, 121.47), Fix(10, 121.4805), Fix(20, 121.4701));
        Assert.Equal([FixFlags.None, FixFlags.Teleport, FixFlags.None], r.Flags);
        Assert.Equal([0, 2], r.CleanInTimeOrder);
        Assert.Empty(r.Restarts);
    }

    [Fact]
    public void The_teleport_rule_allows_for_both_fixes_accuracy()
    {
        // 300 m in 10 s is 30 m/s, but each fix may be 40 m off: 220 m in 10 s is 22 m/s.
        var r = Clean(null, Fix(0, 121.47, accuracy: 40), Fix(10, 121.47 + 0.003 * 1.05, accuracy: 40));
        Assert.Equal([FixFlags.None, FixFlags.None], r.Flags);
        var strict = Clean(null, Fix(0, 121.47, accuracy: 2), Fix(10, 121.47 + 0.003 * 1.05, accuracy: 2));
        Assert.Equal(FixFlags.Teleport, strict.Flags[1]);
    }

    [Fact]
    public void Two_teleports_that_agree_with_each_other_start_the_track_anew_so_a_metro_ride_is_not_flagged_forever()
    {
        // 3 km in 60 s from the last clean point twice, but the two new fixes are 10 m and 10 s apart.
        var r = Clean(null, Fix(0, 121.44), Fix(60, 121.4715), Fix(70, 121.4716), Fix(80, 121.4717));
        Assert.Equal([FixFlags.None, FixFlags.Teleport, FixFlags.None, FixFlags.None], r.Flags);
        Assert.Equal([0, 2, 3], r.CleanInTimeOrder);
        Assert.Equal([2], r.Restarts);
        // The jump is not walked: the track handed to the visits restarts at the confirming fix.
        var fixes = new[] { Fix(0, 121.44), Fix(60, 121.4715), Fix(70, 121.4716), Fix(80, 121.4717) };
        Assert.Equal([false, true, false], r.Track(fixes).Select(p => p.Restart));
    }

    [Fact]
    public void The_metro_rule_holds_when_each_fix_comes_in_its_own_batch()
    {
        var first = Clean(null, Fix(0, 121.44));
        var jump = Clean(first.Last, Fix(60, 121.4715));
        Assert.Equal(FixFlags.Teleport, jump.Flags[0]);
        Assert.Equal(T0, jump.Last!.T);
        Assert.NotNull(jump.Last.Suspect);

        var confirmed = Clean(jump.Last, Fix(70, 121.4716));
        Assert.Equal([FixFlags.None], confirmed.Flags);
        Assert.Equal([0], confirmed.Restarts);
        Assert.Null(confirmed.Last!.Suspect);
    }

    [Fact]
    public void Two_teleports_far_from_each_other_are_both_glitches()
    {
        var r = Clean(null, Fix(0, 121.44), Fix(60, 121.4715), Fix(70, 121.41));
        Assert.Equal([FixFlags.None, FixFlags.Teleport, FixFlags.Teleport], r.Flags);
        Assert.Equal([0], r.CleanInTimeOrder);
    }
}
