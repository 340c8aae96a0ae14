using BenchmarkDotNet.Running;
using SpatialGrid.Benchmarks;

// dotnet run -c Release --project tests/SpatialGrid.Benchmarks -- --filter '*'       BenchmarkDotNet runs
// dotnet run -c Release --project tests/SpatialGrid.Benchmarks -- synthetic-grids N FILE   a grid file for the import run
// dotnet run … -- synthetic-components N GRIDS FILE | copy-baseline FILE CONNECTION   the component import run
// dotnet run … -- gps-setup API KEY WORKERS GATEWAYS STATE | gps-load STATE HOST:PORT CONNECTION DATE FIXES BATCH INFLIGHT
//   | gps-copy CONNECTION DATE WORKERS FIXES BATCH GATEWAY_PREFIX | gps-reports API KEY CONNECTION SQL_FOLDER DATE WORKERS N
//   | gps-cpu DATE WORKERS FIXES BATCH GROUP                       patrol GPS ingestion and reports (deploy/bench-gps.sh)
// dotnet run … -- hotspot-train CELLS DAYS EVENTS_PER_DAY   the hotspot model's training and scoring at city scale (deploy/bench-hotspots.sh)
// dotnet run … -- evaluation-month N API KEY CONNECTION ROUNDS   issue 22's evaluation of a month of N cases, with a raw-SQL baseline
// dotnet run … -- map-cases N DAYS CONNECTION | case-list API KEY CONNECTION ROUNDS | heat-tiles API KEY CONNECTION HEAT_SQL RUNS
//   the case list's filters and the heat map (#21, deploy/bench-maps.sh)
// dotnet run … -- soak-http API KEY CONNECTION GPS_STATE MINUTES TILES_PER_S CASES_PER_S   the soak's HTTP traffic (#23, deploy/soak.sh)
// deploy/bench.sh runs them all and writes the figures quoted in RESULTS.md.
SpatialGrid.Hotspots.OpenMpWaits.PreferPassive(); // as the service and sgrid do: the training is measured as it runs there
switch (args)
{
    case ["synthetic-grids", var n, var path]:
        SyntheticGrids.Write(path, int.Parse(n));
        return;
    case ["synthetic-components", var n, var grids, var path]:
        SyntheticComponents.Write(path, int.Parse(n), int.Parse(grids));
        return;
    case ["copy-baseline", var path, var connection]:
        SyntheticComponents.CopyBaseline(path, connection);
        return;
    case ["case-load", var n, var concurrency, var api, var key]:
        await CaseLoad.ApiAsync(int.Parse(n), int.Parse(concurrency), api, key);
        return;
    case ["case-sql", var n, var concurrency, var connection]:
        await CaseLoad.SqlAsync(int.Parse(n), int.Parse(concurrency), connection);
        return;
    case ["tile-load", var api, var connection, var sqlFolder]:
        await TileLoad.RunAsync(api, connection, sqlFolder);
        return;
    case ["tile-interleaved", var api, var connection, var sqlFolder]:
        await TileLoad.RunInterleavedAsync(api, connection, sqlFolder);
        return;
    case ["alert-copy", var connection, var batch]:
        await AlertLoad.CopyCeilingAsync(connection, int.Parse(batch));
        return;
    case ["alert-stored", var connection, var since]:
        await AlertLoad.StoredLatencyAsync(connection, since);
        return;
    case ["gps-setup", var api, var key, var workers, var gateways, var state]:
        await GpsLoad.SetupAsync(api, key, int.Parse(workers), int.Parse(gateways), state);
        return;
    case ["gps-load", var state, var broker, var connection, var date, var fixes, var batch, var inFlight]:
        await GpsLoad.RunAsync(state, broker, connection, DateOnly.Parse(date), int.Parse(fixes), int.Parse(batch), int.Parse(inFlight));
        return;
    case ["gps-copy", var connection, var date, var workers, var fixes, var batch, var prefix]:
        await GpsLoad.CopyAsync(connection, DateOnly.Parse(date), int.Parse(workers), int.Parse(fixes), int.Parse(batch), prefix);
        return;
    case ["gps-reports", var api, var key, var connection, var sqlFolder, var date, var workers, var n]:
        await GpsLoad.ReportsAsync(api, key, connection, sqlFolder, DateOnly.Parse(date), int.Parse(workers), int.Parse(n));
        return;
    case ["gps-cpu", var date, var workers, var fixes, var batch, var group]:
        GpsLoad.Cpu(DateOnly.Parse(date), int.Parse(workers), int.Parse(fixes), int.Parse(batch), int.Parse(group));
        return;
    case ["hotspot-train", var cells, var days, var perDay]:
        HotspotLoad.Run(int.Parse(cells), int.Parse(days), double.Parse(perDay, System.Globalization.CultureInfo.InvariantCulture));
        return;
    case ["evaluation-month", var n, var api, var key, var connection, var rounds]:
        await EvaluationLoad.RunAsync(int.Parse(n), api, key, connection, int.Parse(rounds));
        return;
    case ["map-cases", var n, var days, var connection]:
        await MapLoad.CopyCasesAsync(int.Parse(n), int.Parse(days), connection);
        return;
    case ["case-list", var api, var key, var connection, var rounds]:
        await MapLoad.CaseListAsync(api, key, connection, int.Parse(rounds));
        return;
    case ["heat-tiles", var api, var key, var connection, var sqlFile, var runs]:
        await MapLoad.HeatAsync(api, key, connection, sqlFile, int.Parse(runs));
        return;
    case ["soak-http", var api, var key, var connection, var gpsState, var minutes, var tilesPerSecond, var casesPerSecond]:
        await SoakLoad.RunAsync(api, key, connection, gpsState, double.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture), int.Parse(tilesPerSecond),
            double.Parse(casesPerSecond, System.Globalization.CultureInfo.InvariantCulture));
        return;
    case ["case-sweep", var total, var connection, var sqlFile]:
        await CaseLoad.SweepAsync(int.Parse(total), connection, File.ReadAllText(sqlFile));
        return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
