using SpatialGrid.Api.Imports;

namespace SpatialGrid.Api.Tests.FuzzRegressions;

/// <summary>
/// The inputs deploy/fuzz.sh found that the file readers mishandled, kept as files beside this class (one folder per
/// fuzz target, named after the claimed file type). Each must now be refused the documented way, cheaply.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string> Shapefiles() => [.. Files("shapefile")];

    private static IEnumerable<string> Files(string target) =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FuzzRegressions", target)).Select(Path.GetFileName).Order()!;

    /// <summary>
    /// A .shp of 236 bytes whose record claims 2.8 GB: NetTopologySuite's reader spent seconds and ~900 MB on it before
    /// yielding no features. Now refused by its first record, within a few megabytes of allocation.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapefiles))]
    public void A_shapefile_whose_record_overruns_the_file_is_refused_by_that_record(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FuzzRegressions", "shapefile", name);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<FeatureFileException>(() => FeatureFileReader.Read(path, "grids.zip"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("bad-shapefile", e.Kind);
        Assert.Contains("record 1 of the .shp claims", e.Message);
        Assert.True(allocated < 32 << 20, $"refusing it allocated {allocated / 1e6:0} MB");
    }
}
