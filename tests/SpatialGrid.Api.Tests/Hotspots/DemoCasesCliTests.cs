using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Hotspots;

/// <summary>
/// <c>sgrid demo cases --csv --seed</c>: the generated history the hotspot back-tests judge the model on "where it was never
/// tuned" must be the same for the same seed and another for another seed. Files only: no service is needed.
/// </summary>
public class DemoCasesCliTests
{
    private static string Grids => Path.Combine(SgridProcess.Root(), "gis-data", "demo", "shanghai-grids.geojson");

    private static string[] History(params string[] extra)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"sg-demo-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--days", "30", "--csv", csv, "--grids", Grids, .. extra]);
            Assert.True(code == 0, output);
            Assert.Contains("generated cases over 30 days in 121 grids", SgridProcess.OneLine(output));
            return File.ReadAllLines(csv);
        }
        finally
        {
            foreach (var f in new[] { csv, csv + ".cells.geojson", csv + ".patrols.csv" }) File.Delete(f);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_history_and_another_seed_another_city()
    {
        var seven = History("--seed", "7");
        var again = History("--seed", "7");
        var eight = History("--seed", "8");
        Assert.Equal("date,time,lon,lat,class,grid", seven[0]);
        Assert.True(seven.Length > 100, $"{seven.Length - 1} cases in 30 days at 15 a day");
        Assert.Equal(seven, again);
        Assert.NotEqual(seven, eight);
        // Another seed is another city: other grids are the busy ones, not only other days.
        static string[] Busiest(string[] rows) => rows.Skip(1).GroupBy(r => r.Split(',')[5]).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).Select(g => g.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEqual(Busiest(seven), Busiest(eight));
    }

    [Fact]
    public void Without_a_seed_the_history_is_seed_2026_s()
    {
        Assert.Equal(History("--seed", "2026"), History());
    }

    [Theory]
    [InlineData("--seed", "seven")]
    [InlineData("--seed", "99999999999")]
    public void A_seed_that_is_not_a_whole_number_is_refused_and_writes_nothing(string option, string value)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"sg-demo-{Guid.NewGuid():N}.csv");
        var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--csv", csv, "--grids", Grids, option, value]);
        Assert.NotEqual(0, code);
        Assert.Contains(value, output);
        Assert.False(File.Exists(csv));
    }
}
