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
            // A fixed last day: a history made as of today would change at the city's midnight, between two runs of a test.
            var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--days", "30", "--until", "2026-11-29", "--csv", csv, "--grids", Grids, .. extra]);
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

    [Fact]
    public void The_history_ends_on_the_day_asked_and_a_history_made_as_of_today_ends_yesterday()
    {
        var rows = History();
        Assert.Equal("2026-11-29", rows[^1][..10]);
        Assert.True(string.CompareOrdinal(rows[1][..10], "2026-10-31") >= 0, rows[1]);

        var csv = Path.Combine(Path.GetTempPath(), $"sg-demo-{Guid.NewGuid():N}.csv");
        try
        {
            var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--days", "3", "--csv", csv, "--grids", Grids]);
            Assert.True(code == 0, output);
            var yesterday = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
            var last = File.ReadAllLines(csv)[^1][..10];
            // Made just before the city's midnight, the history may end the day before (the test's clock read after it).
            Assert.Contains(last, new[] { yesterday.ToString("yyyy-MM-dd"), yesterday.AddDays(-1).ToString("yyyy-MM-dd") });
        }
        finally
        {
            foreach (var f in new[] { csv, csv + ".cells.geojson", csv + ".patrols.csv" }) File.Delete(f);
        }
    }

    [Theory]
    [InlineData("--seed", "seven", "expected a whole number")]
    [InlineData("--seed", "99999999999", "expected a whole number")]
    [InlineData("--until", "2026-13-40", "expected a day as yyyy-MM-dd")]
    [InlineData("--until", "yesterday", "expected a day as yyyy-MM-dd")]
    [InlineData("--until", "2999-01-01", "is not a past day")]
    public void A_seed_that_is_not_a_whole_number_or_a_last_day_that_is_not_past_is_refused_and_writes_nothing(string option, string value, string says)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"sg-demo-{Guid.NewGuid():N}.csv");
        var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--csv", csv, "--grids", Grids, option, value]);
        Assert.NotEqual(0, code);
        Assert.Contains(value, output);
        // In words a user reads: what the option takes, not the .NET type it is parsed as, and where the help is.
        Assert.Contains(says, SgridProcess.OneLine(output));
        Assert.DoesNotContain("System.", output);
        if (says.StartsWith("expected")) Assert.Contains("'sgrid demo cases --help' lists the options", output);
        Assert.False(File.Exists(csv));
    }

    [Theory]
    [InlineData("not json", "is not a GeoJSON FeatureCollection of grids")]
    [InlineData("{}", "no responsibility grids under 310101")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"beat_num":"0111"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}""", "15-digit 'code'")]
    public void A_grids_file_that_is_not_the_demo_city_s_is_named_not_thrown(string content, string says)
    {
        var grids = Path.Combine(Path.GetTempPath(), $"sg-grids-{Guid.NewGuid():N}.geojson");
        var csv = Path.Combine(Path.GetTempPath(), $"sg-demo-{Guid.NewGuid():N}.csv");
        File.WriteAllText(grids, content);
        try
        {
            var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--csv", csv, "--grids", grids]);
            Assert.Equal(2, code);
            Assert.Contains(says, SgridProcess.OneLine(output));
            Assert.DoesNotContain(" at SpatialGrid", output);
            Assert.False(File.Exists(csv));
        }
        finally { File.Delete(grids); }
    }

    [Fact]
    public void A_csv_in_a_folder_that_does_not_exist_is_refused_before_anything_is_made()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"sg-no-such-{Guid.NewGuid():N}", "x.csv");
        var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--csv", csv, "--grids", Grids]);
        Assert.Equal(2, code);
        Assert.Contains("no such folder for --csv", SgridProcess.OneLine(output));
        Assert.DoesNotContain("Exception", output);
    }
}
