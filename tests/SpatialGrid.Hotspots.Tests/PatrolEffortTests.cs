using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// The patrol-effort ablation: how much of the model's gain over the best baseline comes from knowing where patrols
/// looked. Two made-up cities with a known answer: one where problems are recorded only where patrols walk (the share
/// must be large), one where patrol minutes are noise and the gain comes from elsewhere (the share must be about 0).
/// </summary>
public class PatrolEffortTests
{
    private static readonly BoostedOptions Quick = SyntheticCity.QuickModel(leaves: 8, trees: 60, validationDays: 14);

    private const int Days = 150;
    private static readonly DateOnly First = new(2025, 1, 6); // a Monday: weeks start on day 0, 7, 14…

    private static HotspotData City(Func<int, int, double> rate, Func<int, int, double> minutes, out CellSet cells, double sideM = 3000)
    {
        cells = Lattice.Over(SyntheticCity.Square(sideM), 250);
        return SyntheticCity.WithPatrolMinutes(cells, Days, First, rate, minutes);
    }

    /// <summary>A weekly roster: each cell gets 0 to 240 patrol minutes a day for a whole week, drawn afresh every week.</summary>
    private static readonly double[] Levels = Level(seed: 3);

    private static double[] Level(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (Days / 7 + 1) * 1000).Select(_ => Math.Round(240 * rng.NextDouble())).ToArray();
    }

    private static double Roster(int day, int cell) => Levels[day / 7 * 1000 + cell];

    [Fact]
    public void Where_problems_are_recorded_only_where_patrols_look_most_of_the_gain_is_patrol_effort()
    {
        // A problem is recorded at 0.1 % per patrol minute: a cell patrolled 240 min a day gets 0.24 a day, an unpatrolled one
        // none; so few that a week's counts hardly tell the roster, which the patrol minutes tell exactly.
        var data = City((d, c) => 0.002 * Roster(d, c), Roster, out _);
        var report = Backtest.Run(data, new BacktestOptions { TestDays = 42, Model = Quick });

        var share = report.PatrolEffort;
        Assert.True(share.PatrolDataGiven);
        Assert.Contains(report.Methods, m => m.Name == PatrolEffortShare.WithoutPatrolName);
        Assert.True(report.PaiRatioToBest > 1.1, $"the model should beat the baselines by knowing the roster: ratio {report.PaiRatioToBest}; {share.Note}\n{report.ToMarkdown()}\n{string.Join("\n", report.Notes)}");
        Assert.True(share.PaiShareOfGain > 0.6, $"PAI share {share.PaiShareOfGain}: {share.Note}");
        Assert.True(share.DevianceShareOfGain > 0.6, $"deviance share {share.DevianceShareOfGain}: {share.Note}");
        // The validation days before each choice keep the patrol features: they are what tells the roster.
        var chosen = report.Notes.Single(n => n.StartsWith("model settings chosen: ", StringComparison.Ordinal));
        Assert.Contains("with patrol features", chosen);
        Assert.DoesNotContain("without patrol features", chosen);
    }

    [Fact]
    public void Where_patrol_minutes_are_noise_the_gain_is_not_patrol_effort()
    {
        // Problems come up in the south-west on working days and in the north-east at weekends: the model gains over
        // the baselines by the weekday; patrols walk at random.
        var cells = Lattice.Over(SyntheticCity.Square(3000), 250);
        var side = (int)Math.Round(Math.Sqrt(cells.Count));
        double Rate(int day, int cell)
        {
            var (a, b) = (cell / side, cell % side);
            var weekend = First.AddDays(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var distance = weekend ? (side - 1 - a) + (side - 1 - b) : a + b;
            return 0.8 * Math.Exp(-distance / 3.0);
        }
        var noise = Level(seed: 4);
        var data = City(Rate, (d, c) => noise[d / 7 * 1000 + c] * (d % 3), out _);
        var report = Backtest.Run(data, new BacktestOptions { TestDays = 28, Model = Quick });

        var share = report.PatrolEffort;
        Assert.True(report.PaiRatioToBest > 1.1, $"the model should gain by the weekday: ratio {report.PaiRatioToBest}");
        Assert.NotNull(share.PaiShareOfGain);
        Assert.InRange(share.PaiShareOfGain!.Value, -0.2, 0.2);
        Assert.InRange(share.DevianceShareOfGain!.Value, -0.2, 0.2);
        // Whether the noise stays in is decided on the validation days whenever the trainer is chosen, and said.
        var chosen = report.Notes.Single(n => n.StartsWith("model settings chosen: ", StringComparison.Ordinal));
        Assert.Matches("with(out)? patrol features \\(", chosen);
    }

    [Fact]
    public void Patrol_features_that_stopped_telling_where_problems_are_recorded_are_dropped_on_the_validation_days()
    {
        // Until day 120 problems are recorded only where the weekly roster sends patrols; from then on they come up at
        // the same rate everywhere whoever walks there (the rule changed: residents report by app). The validation days
        // before the origin (days 129–142) see the new rule: a model trained to follow the roster is worse there, so the
        // choice leaves the patrol features out; with the choice switched off they stay in.
        var data = City((d, c) => d < 120 ? 0.002 * Roster(d, c) : 0.24, Roster, out _);
        var kept = new BoostedForecaster(Quick with { ChoosePatrolEffort = false });
        var choosing = new BoostedForecaster(Quick);
        kept.Fit(data, Days - 7, 1);
        choosing.Fit(data, Days - 7, 1);
        Assert.True(kept.UsesPatrolEffort);
        var note = choosing.Choices.Single().Setting;
        Assert.False(choosing.UsesPatrolEffort, note);
        Assert.Contains("without patrol features", note);
    }

    [Fact]
    public void Without_patrol_data_the_report_says_so_and_gives_no_share()
    {
        var cells = Lattice.Over(SyntheticCity.Square(2000), 250);
        var events = SyntheticCity.Events(cells, 90, 30);
        var data = new HotspotData(cells, EventTable.Locate(cells, events));
        var report = Backtest.Run(data, new BacktestOptions { TestDays = 7, Model = Quick });
        Assert.False(report.PatrolEffort.PatrolDataGiven);
        Assert.Null(report.PatrolEffort.PaiShareOfGain);
        Assert.Contains("no patrol data given", report.PatrolEffort.Note);
        Assert.DoesNotContain(report.Methods, m => m.Name == PatrolEffortShare.WithoutPatrolName);

        // Patrol minutes that are all zero (no visit ever recorded) are no patrol data either.
        var zeros = new HotspotData(cells, data.Events) { PatrolMinutes = DailySeries.FromDaily(data.Days, cells.Count, new double[data.Days * cells.Count]) };
        var again = Backtest.Run(zeros, new BacktestOptions { TestDays = 7, Model = Quick });
        Assert.Contains("no patrol minutes recorded", again.PatrolEffort.Note);
        Assert.DoesNotContain(new FeatureBuilder(zeros).Features, f => f.Group == "patrol");
    }

    [Fact]
    public void The_shares_are_the_gains_divided_and_absent_when_there_is_no_gain()
    {
        MethodSummary M(string name, double pai, double deviance) => new(name, "", true, [0, 0, 0], [0, pai, 0], [0, 0, 0], deviance);
        var share = PatrolEffortShare.Of(M("model", 5, 0.90), M(PatrolEffortShare.WithoutPatrolName, 4.5, 0.95), M("d_counts_365d", 4, 1.0), M("d_counts_365d", 4, 1.0), 1);
        Assert.Equal(0.5, share.PaiShareOfGain!.Value, 9);
        Assert.Equal(0.5, share.DevianceShareOfGain!.Value, 9);
        Assert.Equal(4.5, share.PaiWithoutPatrol);

        Assert.Equal(5 / 4.5 - 1, share.PaiChange!.Value, 9);

        var none = PatrolEffortShare.Of(M("model", 4, 1.1), M(PatrolEffortShare.WithoutPatrolName, 4, 1.1), M("b", 4, 1.0), M("b", 4, 1.0), 1);
        Assert.Null(none.PaiShareOfGain);
        Assert.Null(none.DevianceShareOfGain);
        Assert.Contains("PAI@5% gain over the best baseline is under 1%: no share", none.Note);

        // A gain of 0.15 % with a difference of 2 % between the two models is noise, not a share of −13.
        var tiny = PatrolEffortShare.Of(M("model", 4.047, 0.54), M(PatrolEffortShare.WithoutPatrolName, 4.138, 0.5383), M("d", 4.041, 0.5558), M("d", 4.041, 0.5558), 1);
        Assert.Null(tiny.PaiShareOfGain);
        Assert.Equal(4.047 / 4.138 - 1, tiny.PaiChange!.Value, 9);
        Assert.Contains("change PAI@5% by -2.2%", tiny.Note);
        Assert.NotNull(tiny.DevianceShareOfGain); // 2.8 % better deviance is a gain to share
    }
}
