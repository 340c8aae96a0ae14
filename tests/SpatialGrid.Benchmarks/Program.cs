using BenchmarkDotNet.Running;
using SpatialGrid.Benchmarks;

// dotnet run -c Release --project tests/SpatialGrid.Benchmarks -- --filter '*'       BenchmarkDotNet runs
// dotnet run -c Release --project tests/SpatialGrid.Benchmarks -- synthetic-grids N FILE   a grid file for the import run
// deploy/bench.sh runs both and writes the figures quoted in RESULTS.md.
if (args is ["synthetic-grids", var n, var path])
{
    SyntheticGrids.Write(path, int.Parse(n));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
