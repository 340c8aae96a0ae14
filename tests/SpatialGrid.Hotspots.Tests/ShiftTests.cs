using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>The per-shift back-test (cell × shift): shifts, times of day, and a made-up city whose nights differ from its days.</summary>
public class ShiftTests
{
    private static readonly BoostedOptions Quick = SyntheticCity.QuickModel();
    private static readonly DateOnly First = new(2025, 1, 1);
    private static readonly string[] NightIds = ["6_6", "6_7", "7_6", "7_7"];

    /// <summary>
    /// 64 cells of 250 m: by day (08:00–24:00) about 40 events a day, hottest in the south-west corner and none in the four
    /// north-east cells; by night (00:00–08:00) events only in those four, 8 a night each, so that over whole days they
    /// are the busiest cells of the city.
    /// </summary>
    private static (HotspotData Data, HashSet<int> Night) NightCity(int days, Func<List<HotspotEvent>, List<HotspotEvent>>? edit = null)
    {
        var cells = Lattice.Over(SyntheticCity.Square(2000), 250);
        var night = NightIds.Select(cells.IndexOf).ToHashSet();
        var rng = new Random(3);
        var byDay = SyntheticCity.Events(cells, days, 40, first: First)
            .Where(e => { var (x, y) = cells.Plane.ToMetres(e.Lon, e.Lat); return !night.Contains(cells.Locate(x, y)); })
            .Select(e => e with { Time = new TimeOnly(rng.Next(8, 24), rng.Next(60)) });
        var byNight = SyntheticCity.FromRates(cells, days, (_, c) => night.Contains(c) ? 8 : 0, first: First)
            .Select(e => e with { Time = new TimeOnly(rng.Next(0, 8), rng.Next(60)) });
        var events = byDay.Concat(byNight).ToList();
        if (edit is not null) events = edit(events);
        return (new HotspotData(cells, EventTable.Locate(cells, events, first: First, last: First.AddDays(days - 1))), night);
    }

    [Fact]
    public void The_per_shift_model_ranks_night_only_cells_first_at_night_and_not_by_day()
    {
        const int origin = 90;
        var (data, night) = NightCity(100);
        var top = data.Cells.Count / 16; // 4 cells
        // Over whole days the night cells are the busiest: a daily ranking would send the day shifts there too.
        var yearly = new double[data.Cells.Count];
        new WindowMean(365, "d_counts_365d").Predict(data, origin, 1, yearly);
        Assert.Equal(night, Metrics.Rank(data.Cells, origin, yearly).Take(top).ToHashSet());

        var slots = data.ByShift(ShiftSpec.Default);
        for (var s = 0; s < slots.Count; s++)
        {
            var model = new BoostedForecaster(Quick);
            model.Fit(slots[s], origin, 1);
            var expected = new double[data.Cells.Count];
            model.Predict(slots[s], origin, 1, expected);
            var first = Metrics.Rank(data.Cells, origin, expected).Take(top).ToHashSet();
            if (s == 0) Assert.Equal(night, first);
            else Assert.Empty(first.Intersect(night));
        }
        Assert.Contains(new FeatureBuilder(slots[0]).Features, f => f.Name == "day_n28d_all");
        Assert.DoesNotContain(new FeatureBuilder(data).Features, f => f.Name == "day_n28d_all");
    }

    [Fact]
    public void The_per_shift_back_test_judges_each_shift_and_pools_them_by_day()
    {
        var (data, _) = NightCity(80);
        var report = Backtest.Run(data, ShiftSpec.Default, new BacktestOptions { TestDays = 14, Model = Quick, PatrolAblation = false });
        Assert.Equal("00:00–08:00, 08:00–16:00, 16:00–24:00", report.Shifts);
        Assert.Equal(["00:00–08:00", "08:00–16:00", "16:00–24:00"], report.PerShift.Select(s => s.Shift));
        Assert.Equal(14, report.TestDays.Count);
        // At night every event is in the four night cells: 5 % of the area takes four cells, and the model catches them all.
        var nightModel = report.PerShift[0].Methods.Single(m => m.Name == "model");
        Assert.True(nightModel.HitRate[1] > 0.99, $"night hit rate at 5 %: {nightModel.HitRate[1]:0.000}");
        // By day the night cells have nothing; a ranking by whole days would have spent the 5 % there.
        var dayModel = report.PerShift[1].Methods.Single(m => m.Name == "model");
        Assert.True(dayModel.HitRate[1] > 0.1, $"day hit rate at 5 %: {dayModel.HitRate[1]:0.000}");
        Assert.All(report.PerShift, s => Assert.NotNull(s.PaiRatioToBest));
        // Pooled over the shifts: the pooled hit rate lies between the shifts' own.
        var pooled = report.Methods.Single(m => m.Name == "model").HitRate[1];
        Assert.InRange(pooled, report.PerShift.Min(s => s.Methods.Single(m => m.Name == "model").HitRate[1]), nightModel.HitRate[1]);
        Assert.Equal(14 * 3 * data.Cells.Count, report.Calibration[0].Bins.Sum(b => b.CellDays));
    }

    [Fact]
    public void Events_without_a_time_are_refused_per_shift_naming_how_many_and_the_daily_back_test_is_unchanged()
    {
        var (data, _) = NightCity(60, edit: events => [.. events, new HotspotEvent(First.AddDays(3), SyntheticCity.Lon0, SyntheticCity.Lat0, "litter")]);
        var e = Assert.Throws<HotspotInputException>(() => Backtest.Run(data, ShiftSpec.Default, new BacktestOptions { TestDays = 7, IncludeModel = false }));
        Assert.StartsWith($"1 of the {data.Events.Count:N0} events in cells have no time of day", e.Message);
        var daily = Backtest.Run(data, new BacktestOptions { TestDays = 7, IncludeModel = false });
        Assert.Null(daily.Shifts);
        Assert.Empty(daily.PerShift);
        Assert.Equal(7, daily.TestDays.Count);

        var (midnight, _) = NightCity(60, edit: events => events.Select(x => x with { Time = TimeOnly.MinValue }).ToList());
        Assert.Contains("look like dates only", Assert.Throws<HotspotInputException>(() => midnight.ByShift(ShiftSpec.Default)).Message);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("25:00,08:00", "'25:00' is not a time of day HH:mm")]
    [InlineData("8h,16h", "'8h' is not a time of day HH:mm")]
    [InlineData("00:00,08:00,08:00", "two shifts start at 08:00")]
    [InlineData("00:00-09:00,08:00-16:00,16:00-24:00", "the shifts overlap: 08:00–09:00 is in more than one shift")]
    [InlineData("22:00-07:00,06:00-14:00,14:00-22:00", "the shifts overlap: 06:00–07:00 is in more than one shift")]
    [InlineData("00:00-08:00,08:00-16:00", "the shifts do not cover the 24 hours: 16:00–24:00 is in no shift")]
    [InlineData("00:00-08:00,08:00", "not both")]
    [InlineData("08:00-08:00", "an empty shift")]
    [InlineData("00:00-08:00-16:00", "is not a range HH:mm-HH:mm")]
    public void A_malformed_overlapping_or_incomplete_shift_spec_is_refused_saying_why(string spec, string why)
    {
        var e = Assert.Throws<HotspotInputException>(() => ShiftSpec.Parse(spec));
        Assert.StartsWith($"the shifts '{spec}' cannot be used: ", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_shift_past_midnight_keeps_its_small_hours_on_the_day_it_started()
    {
        Assert.Equal("00:00–08:00, 08:00–16:00, 16:00–24:00", ShiftSpec.Default.ToString());
        var ranges = ShiftSpec.Parse("06:00-14:00, 14:00-22:00, 22:00-06:00");
        Assert.Equal(ShiftSpec.Parse("22:00,06:00,14:00").Starts, ranges.Starts);
        Assert.Equal("22:00–06:00", ranges.Label(2));
        Assert.Equal((-1, 2), ranges.Of(2 * 60));
        Assert.Equal((0, 0), ranges.Of(6 * 60));
        Assert.Equal((0, 2), ranges.Of(23 * 60));

        var cells = Lattice.Over(SyntheticCity.Square(500), 250);
        HotspotEvent At(int day, int hour) => new(First.AddDays(day), SyntheticCity.Lon0 + 0.0005, SyntheticCity.Lat0 + 0.0005, "litter", new TimeOnly(hour, 0));
        var table = EventTable.Locate(cells, [At(0, 2), At(3, 2), At(3, 23), At(3, 10)], first: First, last: First.AddDays(5));
        var nights = table.InShift(ranges, 2);
        Assert.Equal([2, 3], nights.Day.Order()); // the 3rd's 02:00 is the 2nd's night; the first day's 02:00 began before the period
        Assert.Equal([3], table.InShift(ranges, 0).Day);
    }

    [Fact]
    public void A_time_column_gives_the_time_when_the_date_has_none_and_an_unreadable_time_is_counted_not_guessed()
    {
        var rows = new List<(int, string[])>
        {
            (2, ["2019-05-01", "22:15", "-87.7", "41.9", "THEFT"]),
            (3, ["2019-05-01", "late", "-87.7", "41.9", "THEFT"]),
            (4, ["2019-05-02T07:30:00", "", "-87.7", "41.9", "THEFT"]),
            (5, ["2019-05-02", "", "-87.7", "41.9", "THEFT"]),
        };
        var read = EventsCsv.Parse(["date", "time", "lon", "lat", "class"], rows);
        Assert.Empty(read.Problems);
        Assert.Equal([new TimeOnly(22, 15), null, new TimeOnly(7, 30), null], read.Events.Select(e => e.Time));
        Assert.Equal(1, read.BadTimes);
        Assert.Equal("line 3: time 'late' is not a time of day (HH:mm or HH:mm:ss)", read.FirstBadTime);
    }
}
