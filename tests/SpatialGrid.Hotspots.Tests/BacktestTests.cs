using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

public class BacktestTests
{
    private static readonly BoostedOptions Quick = SyntheticCity.QuickModel();

    private static HotspotData City(int days, double perDay, int seed = 7, Func<List<HotspotEvent>, List<HotspotEvent>>? edit = null)
    {
        var cells = Lattice.Over(SyntheticCity.Square(2000), 250);
        var events = SyntheticCity.Events(cells, days, perDay, seed);
        if (edit is not null) events = edit(events);
        var first = new DateOnly(2025, 1, 1);
        return new HotspotData(cells, EventTable.Locate(cells, events, first: first, last: first.AddDays(days - 1)));
    }

    public static IEnumerable<object[]> CausalMethods() =>
        Backtest.Baselines(new BacktestOptions { Model = Quick }).Where(m => m.Causal).Select(m => new object[] { m.Name })
            .Append(["model"]);

    /// <summary>
    /// Every causal method's forecast for day D must not move when the days from D on change: a leak of the answer would
    /// make a back-test look better than any real forecast can be.
    /// </summary>
    [Theory]
    [MemberData(nameof(CausalMethods))]
    public void A_forecast_for_a_day_does_not_see_that_day_or_later(string name)
    {
        const int days = 100, origin = 80;
        var cut = new DateOnly(2025, 1, 1).AddDays(origin);
        var plain = City(days, 30);
        // The same history before the origin, and a storm of extra events from the origin on in one corner.
        var stormy = City(days, 30, edit: events =>
        {
            var extra = Enumerable.Range(0, 400).Select(i => new HotspotEvent(cut.AddDays(i % 20), SyntheticCity.Lon0 + 0.008, SyntheticCity.Lat0 + 0.008, "storm"));
            return [.. events, .. extra];
        });
        double[] Forecast(HotspotData data)
        {
            var m = name == "model" ? new BoostedForecaster(Quick) : Backtest.Baselines(new BacktestOptions { Model = Quick }).Single(b => b.Name == name);
            m.Fit(data, origin, 1);
            var expected = new double[data.Cells.Count];
            m.Predict(data, origin + 3, 1, expected);
            return expected;
        }
        // The forecast for origin+3 may use days origin..origin+2, so compare on the origin itself too.
        double[] AtOrigin(HotspotData data)
        {
            var m = name == "model" ? new BoostedForecaster(Quick) : Backtest.Baselines(new BacktestOptions { Model = Quick }).Single(b => b.Name == name);
            m.Fit(data, origin, 1);
            var expected = new double[data.Cells.Count];
            m.Predict(data, origin, 1, expected);
            return expected;
        }
        var a = AtOrigin(plain); var b = AtOrigin(stormy);
        for (var c = 0; c < a.Length; c++) Assert.Equal(a[c], b[c], 9);
        Assert.NotEqual(Forecast(plain), Forecast(stormy)); // and the test would see a leak: later days do differ
    }

    [Fact]
    public void The_ceiling_is_marked_not_causal()
    {
        Assert.Single(Backtest.Baselines(new BacktestOptions()), m => !m.Causal);
    }

    [Fact]
    public void Too_little_history_is_refused_saying_how_much_is_needed()
    {
        var data = City(50, 30);
        var e = Assert.Throws<HotspotInputException>(() => Backtest.Run(data, new BacktestOptions { TestDays = 30, Model = Quick }));
        Assert.Contains("too little history: 50 days from 2025-01-01", e.Message);
        Assert.Contains("need", e.Message);
    }

    [Fact]
    public void A_city_without_any_event_before_the_origin_gives_no_garbage_model()
    {
        // Events only in the last four days, all of them test days: the model has nothing to learn from and says so.
        var data = City(80, 30, edit: events => events.Where(e => e.Day >= new DateOnly(2025, 1, 1).AddDays(76)).ToList());
        var e = Assert.Throws<HotspotInputException>(() => Backtest.Run(data, new BacktestOptions { TestDays = 5, Model = Quick }));
        Assert.Contains("nothing to learn", e.Message);
    }

    [Fact]
    public void Empty_days_and_cells_without_events_give_finite_scores_and_the_model_finds_the_hot_corner()
    {
        // Every fifth day has no event at all; the north-east corner never has one.
        var data = City(120, 40, edit: events => events.Where(e => (e.Day.DayNumber % 5) != 0 && !(e.Lon > SyntheticCity.Lon0 + 0.006 && e.Lat > SyntheticCity.Lat0 + 0.005)).ToList());
        var never = Enumerable.Range(0, data.Cells.Count).Count(c => data.Counts.Total.Total(c) == 0);
        Assert.True(never > 0, "the synthetic city should have cells without any event");
        var report = Backtest.Run(data, new BacktestOptions { TestDays = 21, Model = Quick, PatrolAblation = false });
        foreach (var m in report.Methods)
        {
            Assert.All(m.Pai, v => Assert.True(double.IsFinite(v), $"{m.Name}: PAI {v}"));
            Assert.True(double.IsFinite(m.Deviance), $"{m.Name}: deviance {m.Deviance}");
        }
        var model = report.Methods.Single(m => m.Name == "model");
        var yesterday = report.Methods.Single(m => m.Name == "a_yesterday");
        Assert.True(model.Pai[1] > yesterday.Pai[1], $"model PAI@5% {model.Pai[1]:0.00} is not above yesterday's counts {yesterday.Pai[1]:0.00}");
        Assert.True(report.PaiRatioToCeiling > 0.85, $"model/ceiling {report.PaiRatioToCeiling}");
        Assert.Equal(21, report.TestDays.Count);
        Assert.Equal(new DateOnly(2025, 1, 1).AddDays(99), report.TestDays[0]);
        // The empty days are said, in case they are gaps in the data rather than quiet days.
        Assert.Contains(report.Notes, n => n.StartsWith("24 of the 120 days have no event in any cell (the longest run 1 day"));
    }

    [Fact]
    public void A_run_of_days_without_any_event_is_named_with_its_dates()
    {
        var data = City(100, 40, edit: events => events.Where(e => e.Day < new DateOnly(2025, 3, 1) || e.Day > new DateOnly(2025, 3, 10)).ToList());
        Assert.Equal("10 of the 100 days have no event in any cell (the longest run 10 days, 2025-03-01 … 2025-03-10): a day missing from the data is judged as a day without events; if these are gaps, cut the period or fill them",
            Backtest.EmptyDays(data));
        Assert.Null(Backtest.EmptyDays(City(100, 40)));
    }
}
