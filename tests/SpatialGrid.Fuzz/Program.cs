using SharpFuzz;
using SpatialGrid.Fuzz;

// dotnet SpatialGrid.Fuzz.dll TARGET          under afl-fuzz (reads each input from afl's shared memory / stdin)
// dotnet SpatialGrid.Fuzz.dll TARGET FILE...  runs the target once per file and says which ones throw (to replay a crash)
// dotnet SpatialGrid.Fuzz.dll seed DIR        writes the generated seeds (zipped Shapefiles) into DIR/shapefile
if (args.Length >= 2 && args[0] == "seed")
{
    Seeds.Write(args[1]);
    return 0;
}
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: SpatialGrid.Fuzz TARGET [FILE...] | seed DIR; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}
if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}
var failed = 0;
foreach (var file in args.Skip(1))
{
    try
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: no exception");
    }
    catch (Exception e)
    {
        failed++;
        Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
    }
}
return failed == 0 ? 0 : 1;
