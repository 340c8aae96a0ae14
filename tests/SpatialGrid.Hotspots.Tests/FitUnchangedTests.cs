using System.Globalization;
using SpatialGrid.Hotspots;

namespace SpatialGrid.Hotspots.Tests;

/// <summary>
/// The training was made cheaper (validation baselines, rows and the blend weight's PAI computed faster, in parallel where
/// independent) without changing what it chooses: the trainer, the patrol features, the baseline and the weight chosen at
/// every refit, the validation deviances they were chosen by, and the forecasts, as the code before that change gave them
/// on one made-up city (recorded from commit 27c1482; FastTree only, which is managed code and deterministic).
/// </summary>
public class FitUnchangedTests
{
    [Fact]
    public void The_choices_and_forecasts_are_those_of_the_code_before_it_was_made_cheaper()
    {
        const int days = 150;
        var first = new DateOnly(2025, 3, 17);
        var cells = Lattice.Over(SyntheticCity.Square(3000), 250);
        var minutes = new Random(3);
        var effort = Enumerable.Range(0, days * cells.Count).Select(_ => Math.Round(120 * minutes.NextDouble())).ToArray();
        var data = SyntheticCity.WithPatrolMinutes(cells, days, first,
            (d, c) => 0.05 + 0.6 * Math.Exp(-(c / 12 + c % 12) / 4.0) * (d % 7 < 5 ? 1.2 : 0.6),
            (d, c) => effort[d * cells.Count + c]);
        var model = new BoostedForecaster(new BoostedOptions
        {
            Settings = [new("small", "FastTreeTweedie", 4, 30, 0.1, 20), new("large", "FastTreeTweedie", 8, 40, 0.1, 10)],
            ValidationDays = 28, SelectEvery = 2,
        });
        var seen = new List<string>();
        var expected = new double[cells.Count];
        foreach (var origin in new[] { days - 21, days - 14, days - 7 })
        {
            model.Fit(data, origin, 1);
            for (var day = origin; day < origin + 7; day++)
            {
                model.Predict(data, day, 1, expected);
                seen.Add($"{day}: {expected.Sum().ToString("R", CultureInfo.InvariantCulture)} {expected.Max().ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
        seen.AddRange(model.Choices.Select(c => $"{c.Origin} {c.Setting} [{string.Join(" ", c.ValidationDeviance.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]"));
        Assert.Equal(Recorded, seen);
    }

    private static readonly string[] Recorded =
    [
        "129: 18.590512019182952 0.5076114013339275",
        "130: 18.558098600379058 0.4903618320685565",
        "131: 17.522490800757488 0.4676323937591393",
        "132: 17.563817725383817 0.5222030356476464",
        "133: 18.807219054017754 0.6132057378918813",
        "134: 18.793038348002096 0.5584585349798183",
        "135: 18.55786645465664 0.5208890861452578",
        "136: 18.251756866861676 0.4738221937017941",
        "137: 18.41570592033013 0.5517693528497079",
        "138: 17.487459097589742 0.4114720592449648",
        "139: 17.744365984973086 0.404139519543649",
        "140: 19.658296441659314 0.5489955681179887",
        "141: 19.448114111487353 0.47946487178877834",
        "142: 19.477303600737024 0.468452699333353",
        "143: 20.31459159510475 0.4940269648977991",
        "144: 20.22947244559016 0.527826293346285",
        "145: 18.106531620557817 0.41708354626288147",
        "146: 18.27340010074633 0.42296667166625357",
        "147: 20.204535811075147 0.5427027099027516",
        "148: 20.251756680863238 0.5256682916848812",
        "149: 20.245461642742164 0.557361564439465",
        "129 large w=0.25 with f_prospective, without patrol features (0.4921 < 0.4922) [0.49319271470048104 0.49216503921581506]",
        "136 large w=0.25 with f_prospective [0.4958248658729524]",
        "143 small w=0.50 with f_prospective, with patrol features (0.5293 ≤ 0.5296 without) [0.5293277228283595 0.5304410140678258]",
    ];
}
