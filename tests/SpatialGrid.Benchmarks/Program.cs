using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/SpatialGrid.Benchmarks -- --filter '*'   (see RESULTS.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
