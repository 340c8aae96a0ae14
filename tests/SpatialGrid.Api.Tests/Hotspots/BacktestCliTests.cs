using System.Text.Json.Nodes;
using SpatialGrid.Api.Tests.Infrastructure;

namespace SpatialGrid.Api.Tests.Hotspots;

/// <summary><c>sgrid hotspots backtest</c> on a city's own files: how the cells' ids are read. Files only: no service is needed.</summary>
public class BacktestCliTests
{
    private static string Grids => Path.Combine(SgridProcess.Root(), "gis-data", "demo", "shanghai-grids.geojson");

    [Fact]
    public void A_feature_s_own_id_names_its_cell_and_patrol_minutes_keyed_by_it_are_taken()
    {
        var dir = Directory.CreateTempSubdirectory("sg-backtest-").FullName;
        try
        {
            var csv = Path.Combine(dir, "history.csv");
            var (code, output) = SgridProcess.Run(null, null, ["demo", "cases", "--days", "120", "--until", "2026-11-29", "--csv", csv, "--grids", Grids]);
            Assert.True(code == 0, output);
            // The cells with GeoJSON's top-level "id" and no properties; the patrol minutes keyed by that id.
            var cells = JsonNode.Parse(File.ReadAllText(csv + ".cells.geojson"))!;
            foreach (var f in cells["features"]!.AsArray())
            {
                f!["id"] = "G" + f["properties"]!["code"]!.GetValue<string>();
                f["properties"] = new JsonObject();
            }
            File.WriteAllText(Path.Combine(dir, "cells.geojson"), cells.ToJsonString());
            var patrols = File.ReadAllLines(csv + ".patrols.csv");
            File.WriteAllLines(Path.Combine(dir, "patrols.csv"), patrols.Take(1).Concat(patrols.Skip(1).Select(l => "G" + l)));

            (code, output) = SgridProcess.Run(null, null, ["hotspots", "backtest", "--events", csv, "--cells", Path.Combine(dir, "cells.geojson"),
                "--patrols", Path.Combine(dir, "patrols.csv"), "--test-days", "2"], timeoutSeconds: 300);
            Assert.True(code == 0, output);
            Assert.Contains("121 cells", SgridProcess.OneLine(output));
            Assert.DoesNotContain("is not one of", output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("--major-classes", "-5", "--major-classes must be 0 to 20")]
    [InlineData("--major-classes", "21", "--major-classes must be 0 to 20")]
    [InlineData("--events", "SAME", "twice: its events would count twice")]
    public void Options_out_of_range_or_a_file_given_twice_are_refused_before_anything_runs(string option, string value, string says)
    {
        var csv = Path.Combine(SgridProcess.Root(), "gis-data", "chicago", "chicago-crimes-2019.csv");
        var beats = Path.Combine(SgridProcess.Root(), "gis-data", "chicago", "chicago_beat_bounds.geojson");
        var (code, output) = SgridProcess.Run(null, null, ["hotspots", "backtest", "--events", csv, "--cells", beats, "--cell-id", "beat_num",
            option, value == "SAME" ? csv : value]);
        Assert.Equal(2, code);
        Assert.Contains(says, SgridProcess.OneLine(output));
    }
}
