using System.CommandLine;
using SpatialGrid.Cli;

// sgrid: the command line of SpatialGrid. Everything but `demo build` talks to the API over HTTP
// (SGRID_API, default http://127.0.0.1:5080; key in SGRID_KEY or --key).
SpatialGrid.Hotspots.OpenMpWaits.PreferPassive(); // hotspots train and backtest: LightGBM's threads wait without spinning
SpatialGrid.Core.Geo.GeometryFactories.UseEverywhere();
var root = new RootCommand("sgrid — import, export and check SpatialGrid's grids and components, register gateways, import patrol tracks, build the demo city")
{
    GridsCommands.Create(),
    ComponentsCommands.Create(),
    KeysCommands.Create(),
    GatewaysCommands.Create(),
    PatrolsCommands.Create(),
    HotspotsCommands.Create(),
    EvaluationCommands.Create(),
    DemoCommands.Create(),
};
var parsed = root.Parse(args);
return ParseErrors.Report(parsed, Console.Error) ?? await parsed.InvokeAsync();
