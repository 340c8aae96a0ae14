using SpatialGrid.Api.Imports;

namespace SpatialGrid.Api.Tests.FuzzRegressions;

/// <summary>
/// The inputs deploy/fuzz.sh found that the file readers mishandled, kept as files beside this class (one folder per
/// fuzz target). Each must now be read or refused the documented way (a <see cref="FeatureFileException"/>), cheaply.
/// </summary>
public class FuzzRegressionTests
{
    /// <summary>Each file of FuzzRegressions/shapefile and how it must end: the refusal's kind, or null when it reads.</summary>
    public static TheoryData<string, string?> Shapefiles => new()
    {
        // The .shp's record length is garbage (negative): NetTopologySuite's reader spent 7 s and 900 MB, then found nothing.
        { "record-length-negative.zip", "bad-shapefile" },
        { "record-length-negative-bad-shx-crc.zip", "bad-shapefile" },
        // A polygon record counting more points or parts than it holds: minutes and 8 to 11 GB before the fix.
        { "polygon-counts-64-points-in-128-bytes.zip", "bad-shapefile" },
        { "polygon-counts-256-parts-in-128-bytes.zip", "bad-shapefile" },
        { "polygon-counts-a-billion-points.zip", "bad-shapefile" },
        // A zip entry named with a NUL: ExtractToFile threw ArgumentException (a 500). The entry is not a part that is
        // read, so the Shapefile beside it reads; in the other file the zip itself turns out damaged.
        { "entry-name-with-nul.zip", null },
        { "entry-name-with-nul-2.zip", "bad-zip" },
    };

    private static string Folder(string target) => Path.Combine(AppContext.BaseDirectory, "FuzzRegressions", target);

    [Theory]
    [MemberData(nameof(Shapefiles))]
    public void A_shapefile_found_by_fuzzing_is_read_or_refused_as_documented_within_a_few_megabytes(string name, string? refusal)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Record.Exception(() => FeatureFileReader.Read(Path.Combine(Folder("shapefile"), name), "grids.zip"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (refusal is null) Assert.Null(e);
        else Assert.Equal(refusal, Assert.IsType<FeatureFileException>(e).Kind);
        Assert.True(allocated < 32 << 20, $"reading it allocated {allocated / 1e6:0} MB");
    }

    [Fact]
    public void Every_kept_input_has_its_expected_outcome_listed()
    {
        var listed = Shapefiles.Select(row => (string)row[0]).Order();
        Assert.Equal(listed, Directory.GetFiles(Folder("shapefile")).Select(Path.GetFileName).Order());
    }
}
